"""JupyterHub for a class taking the course (docs/class.md). tools/hub/install.sh copies this folder
to <prefix>/config; tools/hub/hub.sh starts `jupyterhub -f <prefix>/config/jupyterhub_config.py`.

Students are Unix accounts (tools/hub/roster.py makes them) and log in with their own password
(PAM). Each student's server is JupyterLab with the course kernel alone, run as that student, inside
a memory cgroup that also holds the student's kernels. The hub listens on 127.0.0.1 only: TLS and the
outside world come from a reverse proxy in front of it (docs/class.md, "TLS").

Settings, from the environment of the hub:
  DL_HUB_PREFIX        where install.sh installed the course (default /opt/dlcourse)
  DL_HUB_URL           the hub's address (default http://127.0.0.1:8000; the next two ports are its APIs)
  DL_HUB_MEM           memory of one student: server + kernels, e.g. 3G (default)
  DL_HUB_THREADS       PyTorch threads of one student's kernel (default 1: a shared machine)
  DL_HUB_CULL_S        a server idle this long is stopped (default 3600 s)
  DL_HUB_ACTIVITY_S    how often activity reaches the hub, which the culler reads (default 300 s)
  DL_PROFILE           passed on to the students' kernels when set (the load test uses smoke)
"""
import os
import signal
import sys
from pathlib import Path
from urllib.parse import urlparse

from jupyterhub.spawner import LocalProcessSpawner

PREFIX = Path(os.environ.get("DL_HUB_PREFIX", "/opt/dlcourse"))
STATE = PREFIX / "state"
STUDENTS, INSTRUCTORS = "dlcourse-students", "dlcourse-instructors"
ACTIVITY_S = int(os.environ.get("DL_HUB_ACTIVITY_S", "300"))


class MemoryCgroup:
    """One user's memory cgroup: the server and every kernel it starts share `limit` bytes, and the
    kernel that goes over it is killed, not the machine's other students. cgroup v2 (one hierarchy)
    or v1 (the memory controller's own); None where neither can be written."""

    V2, V1 = Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/memory")

    @classmethod
    def create(cls, user: str, limit: int):
        if (cls.V2 / "cgroup.controllers").exists():
            parent = cls.V2 / "dlcourse"
            parent.mkdir(exist_ok=True)
            (cls.V2 / "cgroup.subtree_control").write_text("+memory")
            (parent / "cgroup.subtree_control").write_text("+memory")
            group, limit_file = parent / user, "memory.max"
        elif (cls.V1 / "memory.limit_in_bytes").exists():
            group, limit_file = cls.V1 / "dlcourse" / user, "memory.limit_in_bytes"
        else:
            return None
        group.mkdir(parents=True, exist_ok=True)
        # What a crashed server left behind (its kernels keep running when it is killed) goes first.
        for pid in (group / "cgroup.procs").read_text().split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        (group / limit_file).write_text(str(limit))
        return group

    @staticmethod
    def remove(group: Path):
        try:
            group.rmdir()  # only once its processes are gone; the next start reuses it otherwise
        except OSError:
            pass


class CourseSpawner(LocalProcessSpawner):
    """LocalProcessSpawner whose server starts inside the user's memory cgroup: the child joins it
    while it is still root, so the student can neither leave it nor raise its limit."""

    group = None

    async def start(self):
        self.group = None
        if self.mem_limit:
            try:
                self.group = MemoryCgroup.create(self.user.name, self.mem_limit)
            except OSError as e:
                self.log.warning("memory limit for %s not enforced: %s", self.user.name, e)
            if self.group is None:
                self.log.warning("memory limit for %s not enforced: no writable cgroup", self.user.name)
        return await super().start()

    def make_preexec_fn(self, name):
        become_user, procs = super().make_preexec_fn(name), self.group and self.group / "cgroup.procs"

        def preexec():
            if procs:
                procs.write_text(str(os.getpid()))
            become_user()

        return preexec

    async def stop(self, now=False):
        await super().stop(now=now)
        if self.group:
            MemoryCgroup.remove(self.group)


c = get_config()  # noqa: F821

c.JupyterHub.bind_url = os.environ.get("DL_HUB_URL", "http://127.0.0.1:8000")
# The hub's and the proxy's own APIs, on the two ports after the public one (8001, 8002).
PORT = urlparse(c.JupyterHub.bind_url).port or 8000
c.JupyterHub.hub_port = PORT + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PORT + 2}"
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.command = [str(PREFIX / "proxy/node_modules/.bin/configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
# A hub restart (an upgrade, a crash) leaves the students' servers and kernels running.
c.JupyterHub.cleanup_servers = False
c.JupyterHub.last_activity_interval = ACTIVITY_S

c.JupyterHub.authenticator_class = "pam"
c.LocalAuthenticator.allowed_groups = {STUDENTS, INSTRUCTORS}
c.PAMAuthenticator.admin_groups = {INSTRUCTORS}

c.JupyterHub.spawner_class = CourseSpawner
c.Spawner.cmd = [str(PREFIX / "config/singleuser.sh")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.mem_limit = os.environ.get("DL_HUB_MEM", "3G")
c.Spawner.start_timeout = 120  # a class logging in at once, on a few cores
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    "DL_HUB_PREFIX": str(PREFIX),
    "JUPYTER_CONFIG_PATH": str(PREFIX / "config/singleuser"),
    "ENGINE_CACHE_DIR": str(PREFIX / "engine"),
    "OMP_NUM_THREADS": os.environ.get("DL_HUB_THREADS", "1"),
    "JUPYTERHUB_ACTIVITY_INTERVAL": str(ACTIVITY_S),
    **({"DL_PROFILE": os.environ["DL_PROFILE"]} if os.environ.get("DL_PROFILE") else {}),
}

c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                f"--timeout={os.environ.get('DL_HUB_CULL_S', '3600')}", f"--cull-every={max(ACTIVITY_S // 5, 10)}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
