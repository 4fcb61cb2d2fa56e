"""The Kubernetes path of the class server (docs/class.md) agrees with the single-machine one.

CI builds the course image (tools/edition/Dockerfile) and the single-user image on it
(tools/hub/Dockerfile) and runs them (make image-test); there is no cluster here, so the Helm values
are not deployed. These tests check what a build cannot: the image's Debian packages exist in
Debian 12, and the image, the Helm values and the hub's own configuration say the same thing about
the command, the environment, the user, the exchange, the memory limit and culling, and the
single-user server's JupyterHub is the one of the chart the values name.
"""
import re
import shutil
import subprocess
import sys
import types

import pytest
import yaml
from traitlets.config import Config

from conftest import ROOT

HUB = ROOT / "tools" / "hub"
IMAGE_PREFIX = "/opt/dlcourse"
# The hub's JupyterHub in each chart version of Zero to JupyterHub (its images/hub/requirements.txt).
CHART_HUB = {"4.4.0": "5.5.0"}  # read at tag 4.4.0 of jupyterhub/zero-to-jupyterhub-k8s


def dockerfile(path=HUB / "Dockerfile") -> str:
    return path.read_text().replace("\\\n", " ")


def course_dockerfile() -> str:
    return dockerfile(ROOT / "tools" / "edition" / "Dockerfile")


def image_env() -> dict:
    line = next(x for x in dockerfile().splitlines() if x.startswith("ENV "))
    return dict(re.findall(r"(\w+)=(\S+)", line))


def hub_config(monkeypatch) -> Config:
    """tools/hub/config/jupyterhub_config.py as JupyterHub loads it, for the image's prefix."""
    spawner = types.ModuleType("jupyterhub.spawner")
    spawner.LocalProcessSpawner = type("LocalProcessSpawner", (), {})
    monkeypatch.setitem(sys.modules, "jupyterhub", types.ModuleType("jupyterhub"))
    monkeypatch.setitem(sys.modules, "jupyterhub.spawner", spawner)
    for var in ("DL_HUB_MEM", "DL_HUB_CULL_S", "DL_HUB_THREADS", "DL_PROFILE", "DL_HUB_ACTIVITY_S"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DL_HUB_PREFIX", IMAGE_PREFIX)
    c = Config()
    path = HUB / "config" / "jupyterhub_config.py"
    exec(compile(path.read_text(), str(path), "exec"), {"get_config": lambda: c, "__file__": str(path)})
    return c


def values_text() -> str:
    return (HUB / "k8s" / "values.yaml").read_text()


def values() -> dict:
    return yaml.safe_load(values_text())


def test_the_images_debian_packages_exist_in_debian_12():
    if shutil.which("apt-cache") is None:
        pytest.skip("not a Debian machine")
    packages = re.search(r"apt-get install -y --no-install-recommends (.+?) &&", course_dockerfile()).group(1).split()
    assert "dataset-fashion-mnist" in packages and "openjdk-17-jdk-headless" in packages
    missing = [p for p in packages
               if "Candidate: (none)" in (out := subprocess.run(["apt-cache", "policy", p], capture_output=True,
                                                                 text=True).stdout) or not out.strip()]
    assert not missing, f"no Debian package for {missing}"


def test_the_image_runs_the_servers_as_the_hub_does(monkeypatch):
    c = hub_config(monkeypatch)
    env = image_env()
    shared = {k: v for k, v in c.Spawner.environment.items() if k != "JUPYTERHUB_ACTIVITY_INTERVAL"}
    assert {k: env.get(k) for k in shared} == shared, "the image's ENV differs from the spawner's environment"
    cmd = re.search(r'^CMD \["([^"]+)"\]', dockerfile(), re.M).group(1)
    assert [cmd] == c.Spawner.cmd
    # install.sh's layout: the course, its venv and the exchange under the prefix
    assert "ln -s course/.venv /opt/dlcourse/venv" in dockerfile()
    assert 'c.Exchange.root = "/opt/dlcourse/exchange"' in dockerfile()


def test_the_helm_values_match_the_image_and_the_hub(monkeypatch):
    c, v = hub_config(monkeypatch), values()
    single = v["singleuser"]
    assert single["cmd"] == c.Spawner.cmd[0]
    assert single["defaultUrl"] == c.Spawner.default_url
    useradd = re.search(r"useradd .*--uid (\d+) --gid (\d+)", course_dockerfile())
    assert (str(single["uid"]), str(single["fsGid"])) == useradd.groups()
    assert single["memory"]["limit"] == c.Spawner.mem_limit
    assert single["extraEnv"]["OMP_NUM_THREADS"] == c.Spawner.environment["OMP_NUM_THREADS"]
    mounts = {m["name"]: m["mountPath"] for m in single["storage"]["extraVolumeMounts"]}
    # install.sh writes this folder into nbgrader_config.py as the exchange's root
    assert mounts["nbgrader-exchange"] == f"{IMAGE_PREFIX}/exchange"
    assert 'c.Exchange.root = "$PREFIX/exchange"' in (HUB / "install.sh").read_text()
    culler = c.JupyterHub.services[0]["command"]
    assert v["cull"]["enabled"] and f"--timeout={v['cull']['timeout']}" in culler
    assert v["hub"]["config"]["NativeAuthenticator"]["open_signup"] is False


def test_the_single_user_server_speaks_the_charts_hub_version():
    chart = re.search(r"--version (\S+)", values_text()).group(1)
    pinned = re.search(r"jupyterhub==(\S+)", course_dockerfile()).group(1)
    assert CHART_HUB[chart] == pinned, f"chart {chart} runs JupyterHub {CHART_HUB.get(chart)}, the image {pinned}"
