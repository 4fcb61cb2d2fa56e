"""`make lab`, the README's first command, starts here (as root too) and serves the student's view.

It runs `make lab` headless on a free port with a token and its own empty Jupyter state, waits
until the server answers, then checks what a student sees: the course notebooks listed, the
notebook page served, only the course kernel, none of nbgrader's instructor extensions, no
warnings about them; then stops it.
"""
import os
import re
import secrets
from pathlib import Path

import course_kernel
from labserver import free_port, get, get_json, private_state, running

ROOT = Path(__file__).resolve().parents[2]


def test_make_lab_serves_the_course_to_a_student(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    lab_args = (f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 "
                f"--IdentityProvider.token={token}")
    env = dict(os.environ, **private_state(tmp_path))
    log = tmp_path / "make-lab.log"
    with running(["make", "-s", "lab", f"LAB_ARGS={lab_args}"], env, log, base, cwd=ROOT, wait_s=300):
        listed = {f["name"] for f in get_json(f"{base}/api/contents?token={token}")["content"]}
        expected = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
        assert expected and expected <= listed, f"notebook list {sorted(listed)} lacks {sorted(expected - listed)}"

        status, page = get(f"{base}/lab/tree/01-alexnet.ipynb?token={token}")
        assert status == 200 and "jupyter-config-data" in page, f"notebook page: HTTP {status}"
        config = re.search(r'"disabledExtensions":\s*\[([^\]]*)\]', page)
        assert config and '"@jupyter/nbgrader"' in config.group(1), (
            "nbgrader's JupyterLab extension (instructor menus) is on in the student's lab: "
            f"disabledExtensions = {config.group(1) if config else None}")

        kernels = get_json(f"{base}/api/kernelspecs?token={token}")["kernelspecs"]
        assert set(kernels) == {course_kernel.NAME}, f"kernels offered to the student: {sorted(kernels)}"
        assert get(f"{base}/formgrader?token={token}")[0] == 404, "nbgrader's formgrader is served"

    text = log.read_text(errors="replace")
    assert "nbgrader_config.py" not in text, f"nbgrader warns in the student's lab:\n{text[-2000:]}"
    assert "Running as root is not recommended" not in text, text[-2000:]
    if os.geteuid() == 0:
        assert "--allow-root" in text, "as root, make lab should say that it passes --allow-root"


def test_the_plain_jjava_kernel_runs_the_course_too():
    """A notebook opened on JJava's own "Java (jjava)" kernel (another front end offers it) finds
    the library, instead of failing with `package dlcourse.core does not exist`."""
    from jupyter_client.manager import start_new_kernel
    km, kc = start_new_kernel(kernel_name="java", startup_timeout=120)
    try:
        reply = kc.execute_interactive("System.out.println(dlcourse.core.Profile.current().id());", timeout=120)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok", reply["content"]
