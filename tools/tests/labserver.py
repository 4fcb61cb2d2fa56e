"""Start a JupyterLab server for a test, wait until it answers, and stop it whatever happens."""
import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

STUDENT_CONFIG = Path(__file__).resolve().parents[1] / "lab"   # tools/lab: what `make lab` uses


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def private_state(home: Path) -> dict:
    """Environment that gives the server its own, empty Jupyter state under `home`."""
    return {"JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}


def get(url: str, timeout: float = 10):
    """(status, body) of a GET; HTTP errors are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def get_json(url: str):
    status, body = get(url)
    assert status == 200, f"GET {url}: HTTP {status}\n{body[:500]}"
    return json.loads(body)


@contextlib.contextmanager
def running(cmd: list[str], env: dict, log: Path, base: str, cwd: Path | None = None, wait_s: float = 120):
    """Run `cmd` (a JupyterLab server, or a command that execs one) in its own process group until
    `base`/api/status answers; yield; then stop the whole group (SIGTERM, then SIGKILL)."""
    with open(log, "wb") as out:
        server = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + wait_s
            while True:
                if server.poll() is not None:
                    raise AssertionError(f"{' '.join(cmd[:3])} exited with {server.returncode}:\n"
                                         f"{log.read_text(errors='replace')[-3000:]}")
                with contextlib.suppress(OSError):
                    if get(f"{base}/api/status", timeout=2)[0] in (200, 403):
                        break
                if time.monotonic() > deadline:
                    raise AssertionError(f"no answer from {base} in {wait_s:.0f} s:\n"
                                         f"{log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.5)
            yield server
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
