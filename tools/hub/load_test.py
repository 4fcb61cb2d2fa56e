"""`make hub-test`: the class server under a class, on this machine (docs/class.md).

Installs the hub into a new folder (tools/hub/install.sh, the steps the Dockerfile runs), makes N
student accounts and an instructor from a roster, starts JupyterHub on 127.0.0.1, and then, with
every student at once, the way JupyterLab does it:
  1. logs in with the account's password (the hub's login form, PAM), starts the server, takes a token
  2. opens a course notebook (a session, so a kernel) and executes every code cell, smoke profile
  3. saves the notebook with its outputs, fetches the assignment, solves it (even-numbered students)
     or not (odd), submits it through nbgrader's exchange
Then what a student must not get: in with a wrong password, a listing of another student's home, of
the submissions or of the hub's state, a submission in another student's name (one student drops a
later-dated entry in another's name and one nbgrader cannot read into the exchange; the grading
must take neither); the hub and the servers must listen on 127.0.0.1 alone.
Then the faults, each followed by a check that every other student is unaffected:
  4. one student's kernel killed (SIGKILL); one student's kernel over the memory limit (the cgroup
     kills it); one student's server killed: their files are intact, the server starts again
  5. the hub restarted: every saved notebook is byte for byte the same, every kernel still holds
     what its student defined
  6. the instructor grades (sandboxed) and releases feedback; each student fetches theirs
  7. the idle culler stops every server once idle
Report (build/hub/report.json, .md): login -> server ready and kernel start (p50/p95), memory per
student (server + kernel), CPU per active kernel, errors (must be 0), work lost (must be nothing).
Exit status 0 only if every check held. Needs root (it makes Unix accounts, and removes them after).
"""
from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import os
import pwd
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import requests
import websocket

ROOT = Path(__file__).resolve().parents[2]
PREFIX_PARENT = Path("/var/tmp")  # not under /root or a 0700 temporary folder: students must reach it
COURSE_ID = "dlcourse"
OUTPUTS = {"stream", "display_data", "execute_result", "error"}  # the iopub messages a cell keeps


class Failures:
    """Every check that did not hold, by phase; a test passes with none."""

    def __init__(self):
        self.items: list[str] = []
        self.lock = threading.Lock()

    def add(self, phase: str, who: str, what: str):
        with self.lock:
            self.items.append(f"{phase}: {who}: {what}")
        print(f"  FAILED {phase}: {who}: {what}", flush=True)

    def check(self, ok: bool, phase: str, who: str, what: str) -> bool:
        if not ok:
            self.add(phase, who, what)
        return ok


def percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))] if s else float("nan")


def free_port_block() -> int:
    """A port p with p, p + 1 and p + 2 free (the hub, its API, the proxy's API)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            p = s.getsockname()[1]
        if p < 65000 and all(_free(p + i) for i in (1, 2)):
            return p
    raise RuntimeError("no three free ports in a row")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


# --- processes of a Unix user (memory, CPU, the kernel to kill) ------------------------------------

def processes_of(uid: int) -> list[int]:
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if d.stat().st_uid == uid:
                    pids.append(int(d.name))
            except FileNotFoundError:
                pass
    return pids


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def kernel_pids(uid: int) -> list[int]:
    """The user's kernel JVMs (JJava's launcher is a JVM of its own, which starts the kernel's)."""
    return [p for p in processes_of(uid) if "-Ddlcourse.home=" in cmdline(p)]


def kernel_pid(uid: int) -> int | None:
    found = kernel_pids(uid)
    return found[0] if found else None


def server_pid(uid: int) -> int | None:
    found = [p for p in processes_of(uid) if "jupyterhub-singleuser" in cmdline(p)]
    return found[0] if found else None


# --- one simulated student -------------------------------------------------------------------------

class KernelDied(RuntimeError):
    """The server reported that the kernel died (and restarts it, or gave up)."""


class Student:
    def __init__(self, base: str, login: str, password: str, uid: int):
        self.base, self.login, self.password, self.uid = base, login, password, uid
        self.http = requests.Session()
        self.token = None
        self.kernel_id = None
        self.ws = None
        self.mark = uuid.uuid4().hex[:12]
        self.saved: dict[str, str] = {}  # path -> sha256 of the content the server returned after saving
        self.figures: dict[str, float] = {}

    # hub
    def xsrf(self) -> dict:
        return {"X-XSRFToken": self.http.cookies.get("_xsrf", path="/hub/") or self.http.cookies.get("_xsrf")}

    def log_in(self):
        self.http.get(f"{self.base}/hub/login", timeout=30)
        r = self.http.post(f"{self.base}/hub/login", allow_redirects=False, timeout=60,
                           data={"username": self.login, "password": self.password, "_xsrf": self.http.cookies.get("_xsrf")})
        if r.status_code != 302 or "jupyterhub-session-id" not in self.http.cookies:
            raise RuntimeError(f"login refused: HTTP {r.status_code}")
        self.http.get(f"{self.base}/hub/home", timeout=30)  # the logged-in session's xsrf cookie

    def start_server(self, timeout=180.0, retry_for=0.0):
        """Asks the hub for the server («Start My Server»), then waits until it is ready. `retry_for`:
        seconds to ask again while the hub refuses (it may not have seen yet that the server died)."""
        t_end = time.time() + retry_for
        while True:
            r = self.http.post(f"{self.base}/hub/api/users/{self.login}/server", headers=self.xsrf(), timeout=60)
            if r.status_code in (201, 202) or time.time() > t_end:
                break
            time.sleep(2)
        if r.status_code not in (201, 202):
            raise RuntimeError(f"server not started: HTTP {r.status_code} {r.text[:200]}")
        t_end = time.time() + timeout
        while time.time() < t_end:
            server = self.hub_user().get("servers", {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(0.25)
        raise RuntimeError(f"server not ready after {timeout:.0f} s")

    def hub_user(self) -> dict:
        return self.http.get(f"{self.base}/hub/api/users/{self.login}", headers=self.xsrf(), timeout=30).json()

    def take_token(self, scopes=None):
        body = {"note": "load test", "expires_in": 3600, **({"scopes": scopes} if scopes else {})}
        r = self.http.post(f"{self.base}/hub/api/users/{self.login}/tokens", headers=self.xsrf(), json=body, timeout=30)
        r.raise_for_status()
        return r.json()["token"]

    # the student's server
    def api(self, method: str, path: str, **kw):
        r = requests.request(method, f"{self.base}/user/{self.login}/{path}", timeout=kw.pop("timeout", 120),
                             headers={"Authorization": f"token {self.token}"}, **kw)
        r.raise_for_status()
        return r.json() if r.content else None

    def read(self, path: str) -> dict:
        return self.api("GET", f"api/contents/{path}", params={"content": "1"})

    def save(self, path: str, nb: dict):
        self.api("PUT", f"api/contents/{path}", json={"type": "notebook", "format": "json", "content": nb})
        self.saved[path] = digest(self.read(path)["content"])

    def open_notebook(self, path: str):
        s = self.api("POST", "api/sessions", json={"path": path, "type": "notebook", "name": Path(path).name,
                                                    "kernel": {"name": "java-dl"}})
        self.kernel_id = s["kernel"]["id"]
        self.ws = None  # connected by the first request: the kernel may still be starting

    def connect(self):
        """The notebook's connection to its kernel. The server answers the handshake once the kernel
        has started, which takes tens of seconds when a class starts its kernels at once."""
        url = self.base.replace("http", "ws", 1) + f"/user/{self.login}/api/kernels/{self.kernel_id}/channels"
        self.ws = websocket.create_connection(f"{url}?session_id={uuid.uuid4().hex}", timeout=120,
                                              header=[f"Authorization: token {self.token}"])

    def request(self, msg_type: str, content: dict, timeout: float) -> tuple[dict, list[dict]]:
        """Sends one shell request; returns its reply and the iopub messages it caused. Without a
        connection (a new kernel, or one cut) it first opens one, as JupyterLab does."""
        if self.ws is None:
            self.connect()
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "username": self.login, "session": uuid.uuid4().hex,
                       "version": "5.3", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
            "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []}))
        reply, iopub, idle = None, [], False
        t_end = time.time() + timeout
        while (reply is None or not idle) and time.time() < t_end:
            self.ws.settimeout(max(1.0, t_end - time.time()))
            # Frame by frame: ws.recv() answers the server's pings itself and waits on, past any timeout.
            opcode, frame = self.ws.recv_data_frame(True)
            if opcode != websocket.ABNF.OPCODE_TEXT:
                continue
            m = json.loads(frame.data)
            if m["msg_type"] == "status" and m["content"]["execution_state"] in ("restarting", "dead"):
                raise KernelDied(f"{msg_type}: the kernel died ({m['content']['execution_state']})")
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if m["channel"] == "shell":
                reply = m
            elif m["channel"] == "iopub":
                iopub.append(m)
                idle |= m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"
        if reply is None:
            raise TimeoutError(f"{msg_type}: no reply in {timeout:.0f} s")
        return reply, iopub

    def execute(self, code: str, timeout: float = 600) -> tuple[dict, list[dict]]:
        reply, iopub = self.request("execute_request", {"code": code, "silent": False, "store_history": True,
                                                        "user_expressions": {}, "allow_stdin": False,
                                                        "stop_on_error": True}, timeout)
        return reply["content"], iopub

    def value_of(self, expression: str) -> str | None:
        """The text a cell holding only `expression` shows, or None if it failed."""
        content, iopub = self.execute(expression, timeout=60)
        if content["status"] != "ok":
            return None
        for m in iopub:
            if m["msg_type"] == "execute_result":
                return m["content"]["data"].get("text/plain")
        return ""

    def wait_kernel_ready(self, timeout=180.0):
        """Waits until the kernel answers (after a start or an automatic restart)."""
        t_end = time.time() + timeout
        while time.time() < t_end:
            try:
                self.request("kernel_info_request", {}, timeout=15)
                return
            except Exception:
                self.ws = None
                time.sleep(1)
        raise TimeoutError(f"kernel did not answer in {timeout:.0f} s")

    def nbgrader(self, action: str, assignment: str):
        out = self.api("POST", f"assignments/{action}", data={"course_id": COURSE_ID, "assignment_id": assignment})
        if isinstance(out, dict) and not out.get("success", True):
            raise RuntimeError(f"nbgrader {action}: {str(out.get('value'))[:300]}")
        return out


def digest(content) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


# --- the test --------------------------------------------------------------------------------------

class LoadTest:
    def __init__(self, args):
        self.args = args
        self.n = args.students
        self.prefix = args.prefix or Path(f"{PREFIX_PARENT}/dlcourse-hub-test-{os.getpid()}")
        self.out = ROOT / "build" / "hub"
        self.out.mkdir(parents=True, exist_ok=True)
        self.port = free_port_block()
        self.base = f"http://127.0.0.1:{self.port}"
        self.fail = Failures()
        self.timings: dict[str, float] = {}
        self.hub = None
        tag = f"{os.getpid() % 10000:04d}"
        self.logins = [f"dlt{tag}-s{i + 1:02d}" for i in range(self.n)]
        self.teacher_login = f"dlt{tag}-teacher"
        self.roster = self.out / "roster.csv"
        self.students: list[Student] = []
        self.orphan_outlived_server = None  # then killed when the student's server starts again

    def env(self) -> dict:
        return dict(os.environ, DL_HUB_PREFIX=str(self.prefix), DL_HUB_URL=self.base, DL_PROFILE="smoke",
                    DL_HUB_MEM=self.args.mem, DL_HUB_ACTIVITY_S="5")

    def phase(self, name: str, fn, *a):
        print(f"\n== {name}", flush=True)
        t0 = time.perf_counter()
        try:
            return fn(*a)
        except Exception as e:
            self.fail.add(name, "test", f"{type(e).__name__}: {e}")
            return None
        finally:
            self.timings[name] = round(time.perf_counter() - t0, 1)
            print(f"   {name}: {self.timings[name]} s", flush=True)

    # set-up
    def install(self):
        subprocess.run(["bash", str(ROOT / "tools/hub/install.sh")], env=self.env(), check=True)

    def make_accounts(self):
        with open(self.roster, "w") as f:
            f.write("login,role\n" + "".join(f"{u},student\n" for u in self.logins) + f"{self.teacher_login},instructor\n")
        subprocess.run([sys.executable, str(ROOT / "tools/hub/roster.py"), "add", str(self.roster),
                        "--prefix", str(self.prefix)], check=True)
        newest = max((self.prefix / "state").glob("passwords-*.csv"), key=os.path.getmtime)
        passwords = {row["login"]: row["password"] for row in csv.DictReader(open(newest))}
        self.students = [Student(self.base, u, passwords[u], pwd.getpwnam(u).pw_uid) for u in self.logins]
        self.teacher = Student(self.base, self.teacher_login, passwords[self.teacher_login],
                               pwd.getpwnam(self.teacher_login).pw_uid)

    def start_hub(self):
        log = open(self.out / "hub.log", "a")
        self.hub = subprocess.Popen([str(self.prefix / "venv/bin/jupyterhub"), "-f",
                                     str(self.prefix / "config/jupyterhub_config.py")],
                                    cwd=self.prefix / "state", env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        t_end = time.time() + 90
        while time.time() < t_end:
            try:
                if requests.get(f"{self.base}/hub/api/", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.hub.poll() is not None:
                raise RuntimeError(f"the hub exited with {self.hub.returncode}: see {self.out / 'hub.log'}")
            time.sleep(0.5)
        raise RuntimeError("the hub did not answer in 90 s")

    def homework(self, *args):
        subprocess.run([str(self.prefix / "venv/bin/python"), str(ROOT / "tools/hub/homework.py"), *args,
                        "--prefix", str(self.prefix)], check=True, env=self.env())

    # 1-3: the class at work
    def student_session(self, s: Student):
        t0 = time.perf_counter()
        s.log_in()
        s.start_server()
        s.figures["login_to_ready_s"] = time.perf_counter() - t0
        s.figures["server_rss_idle"] = rss_bytes(server_pid(s.uid) or 0)
        s.token = s.take_token()
        path = f"notebooks/{Path(self.args.notebook).name}"
        nb = s.read(path)["content"]
        course_cells = nbformat.read(ROOT / self.args.notebook, 4)["cells"]
        if not self.fail.check([c["source"] for c in nb["cells"]] == [c["source"] for c in course_cells],
                               "class", s.login, f"{path} in the home is not the course's notebook"):
            return
        t1 = time.perf_counter()
        s.open_notebook(path)
        s.wait_kernel_ready()
        s.figures["kernel_start_s"] = time.perf_counter() - t1
        kpid = kernel_pid(s.uid)
        cpu0, t2 = cpu_seconds(kpid), time.perf_counter()
        for n, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            content, iopub = s.execute(cell["source"])
            cell["outputs"] = [nbformat.v4.output_from_msg(m) for m in iopub if m["msg_type"] in OUTPUTS]
            cell["execution_count"] = content.get("execution_count")
            if content["status"] != "ok":
                self.fail.add("class", s.login, f"cell {n}: {content.get('ename')}: {str(content.get('evalue'))[:200]}")
                return
        wall = time.perf_counter() - t2
        s.figures.update(notebook_s=wall, kernel_cpu_s=cpu_seconds(kpid) - cpu0,
                         rss_active=sum(rss_bytes(p) for p in processes_of(s.uid)))
        nb["cells"].append(nbformat.v4.new_markdown_cell(f"Моя заметка: {s.mark}"))
        s.save(path, nb)
        got = s.value_of(f'String loadTestMark = "{s.mark}"; loadTestMark')
        self.fail.check(got is not None and s.mark in got, "class", s.login, f"the mark was not set: {got!r}")
        # the assignment, as in JupyterLab's Assignments tab
        s.nbgrader("fetch", self.args.assignment)
        apath = f"{self.args.assignment}/{self.args.assignment}.ipynb"
        work = s.read(apath)["content"]
        if self.students.index(s) % 2 == 0:
            solutions = solution_cells(self.prefix / "state/assignments" / self.args.assignment / f"{self.args.assignment}.ipynb")
            for cell in work["cells"]:
                gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                if gid in solutions:
                    cell["source"] = solutions[gid]
        s.save(apath, work)
        s.nbgrader("submit", self.args.assignment)

    def every_student(self, phase: str, fn, who: list[Student] | None = None):
        """fn(student) for every student at once; what it raises is that student's failure in `phase`."""
        def one(s: Student):
            try:
                fn(s)
            except Exception as e:
                self.fail.add(phase, s.login, f"{type(e).__name__}: {e}")
        who = self.students if who is None else who
        with ThreadPoolExecutor(len(who)) as pool:
            list(pool.map(one, who))

    def the_class(self):
        self.every_student("class", self.student_session)

    def walls(self):
        """What a student must not get: in with a wrong password, at another student's files or the
        class's submissions, or at the hub from another machine."""
        intruder = Student(self.base, self.students[0].login, self.students[0].password + "x", self.students[0].uid)
        try:
            intruder.log_in()
            self.fail.add("walls", intruder.login, "logged in with a wrong password")
        except RuntimeError:
            pass
        secret = {"another student's notebooks": f"{pwd.getpwuid(self.students[1].uid).pw_dir}/notebooks",
                  "the submissions": str(self.prefix / "exchange" / COURSE_ID / "inbound"),
                  "the hub's state (sources, passwords)": str(self.prefix / "state")}
        for what, path in secret.items():  # a student's own kernel lists the folder
            got = self.students[0].value_of(f'java.util.Arrays.toString(new java.io.File("{path}").list())')
            self.fail.check(got is not None and "null" in got, "walls", self.students[0].login,
                            f"{what} can be listed: {got}")
        # A student drops into the exchange an entry in another's name, dated later, and one whose name
        # nbgrader cannot read: collection must take neither (the scores of «grading» tell).
        victim, forger, a = self.students[0], self.students[1], self.args.assignment
        inbound = self.prefix / "exchange" / COURSE_ID / "inbound"
        stub = base64.b64encode(json.dumps(forger.read(f"{a}/{a}.ipynb")["content"]).encode()).decode()
        forged = inbound / f"{victim.login}+{a}+2099-01-01 00:00:00.000000 UTC+forged"
        got = forger.value_of(
            f'var forged = java.nio.file.Files.createDirectories(java.nio.file.Path.of("{forged}"));\n'
            f'java.nio.file.Files.write(forged.resolve("{a}.ipynb"), java.util.Base64.getDecoder().decode("{stub}"));\n'
            f'java.nio.file.Files.createDirectories(java.nio.file.Path.of("{inbound}/{forger.login}+{a}+x"));\n'
            '"forged"')
        self.fail.check(got is not None and "forged" in got, "walls", forger.login, f"could not drop the entries: {got}")
        listening = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True).stdout.splitlines()
        ports = {self.port + i for i in range(3)}
        ours = [line.split()[3] for line in listening if int(line.split()[3].rsplit(":", 1)[1]) in ports]
        self.fail.check(len(ours) == 3 and all(a.startswith("127.0.0.1:") for a in ours), "walls", "hub",
                        f"the hub's ports listen on {ours}, not 127.0.0.1 alone")
        pids = {f"pid={server_pid(s.uid)}," for s in self.students}
        servers = [line.split()[3] for line in listening if any(p in line for p in pids)]
        self.fail.check(len(servers) >= self.n and all(a.startswith("127.0.0.1:") for a in servers), "walls",
                        "servers", f"the students' servers listen on {servers}")

    # 4-5: faults
    def marks_hold(self, phase: str, who: list[Student], reconnect: bool = False):
        """Every listed student's kernel still holds its mark, and their saved files are unchanged.
        `reconnect`: the student's connection to the kernel was cut, and JupyterLab opens a new one."""
        def one(s: Student):
            if reconnect:
                s.ws = None
            got = s.value_of("loadTestMark")
            self.fail.check(got is not None and s.mark in got, phase, s.login, f"kernel state lost (got {got!r})")
            for path, sha in s.saved.items():
                self.fail.check(digest(s.read(path)["content"]) == sha, phase, s.login, f"{path} changed")
        self.every_student(phase, one, who)

    def remark(self, s: Student):
        """After their kernel was lost: the student runs the cell again."""
        s.wait_kernel_ready()
        s.value_of(f'String loadTestMark = "{s.mark}"; loadTestMark')

    def kill_kernel(self):
        victim, others = self.students[0], self.students[1:]
        os.kill(kernel_pid(victim.uid), signal.SIGKILL)
        try:  # the student's next cell meets the restarted kernel
            victim.execute("1 + 1", timeout=60)
        except KernelDied:
            pass
        self.marks_hold("kernel killed", others)
        victim.ws = None
        self.remark(victim)  # the server restarted the kernel by itself
        self.fail.check(victim.value_of("loadTestMark") is not None, "kernel killed", victim.login, "no new kernel")

    def exceed_memory(self):
        victim, others = self.students[2 % self.n], [s for i, s in enumerate(self.students) if i != 2 % self.n]
        limit = parse_bytes(self.args.mem)
        before = kernel_pid(victim.uid)
        try:  # a tensor larger than the whole limit, filled so that its pages are really used
            content, _ = victim.execute(f"var big = ai.djl.ndarray.NDManager.newBaseManager().ones("
                                        f"new ai.djl.ndarray.types.Shape({limit // 4 + (256 << 20)}L));", timeout=120)
            self.fail.add("memory limit", victim.login, f"the allocation ended with {content['status']}")
        except KernelDied:
            pass  # what should happen
        victim.ws = None
        self.remark(victim)
        after = kernel_pid(victim.uid)
        self.fail.check(before != after, "memory limit", victim.login, "the kernel was not killed over its limit")
        self.fail.check(server_pid(victim.uid) is not None, "memory limit", victim.login, "the server died too")
        self.marks_hold("memory limit", others)

    def kill_server(self):
        victim, others = self.students[1 % self.n], [s for i, s in enumerate(self.students) if i != 1 % self.n]
        orphan = kernel_pid(victim.uid)
        os.kill(server_pid(victim.uid), signal.SIGKILL)  # as in a crash: its kernel is not told
        self.marks_hold("server killed", others)
        self.orphan_outlived_server = Path(f"/proc/{orphan}").exists()
        victim.start_server(retry_for=120)
        for path, sha in victim.saved.items():
            self.fail.check(digest(victim.read(path)["content"]) == sha, "server killed", victim.login, f"{path} changed")
        self.fail.check(orphan not in kernel_pids(victim.uid), "server killed", victim.login,
                        "the orphaned kernel was left running")
        victim.open_notebook(f"notebooks/{Path(self.args.notebook).name}")
        self.remark(victim)

    def restart_hub(self):
        self.hub.send_signal(signal.SIGTERM)
        self.hub.wait(60)
        running = [s.login for s in self.students if server_pid(s.uid) is None]
        self.fail.check(not running, "hub restart", ",".join(running), "servers stopped with the hub")
        self.start_hub()
        # The proxy restarts with the hub, which cuts open connections; the kernels go on running.
        self.marks_hold("hub restart", self.students, reconnect=True)

    # 6: grading and feedback
    def grade(self):
        self.homework("grade", self.args.assignment)
        report = json.loads((self.prefix / "state/course/graded" / self.args.assignment / "report.json").read_text())
        scores = {Path(r["path"]).parents[1].name: (r["score"], r["max_score"]) for r in report["submissions"]}
        for i, s in enumerate(self.students):
            got, top = scores.get(s.login, (None, None))
            want = top if i % 2 == 0 else 0
            self.fail.check(got == want, "grading", s.login, f"score {got}, expected {want}")

        def fetch(s: Student):
            s.nbgrader("fetch_feedback", self.args.assignment)
            folder = self.args.assignment + "/feedback"
            stamps = s.api("GET", f"api/contents/{folder}")["content"]
            page = s.api("GET", f"api/contents/{stamps[0]['path']}/{self.args.assignment}.html")["content"]
            score = scores[s.login]
            self.fail.check(f"{score[0]:g} из {score[1]:g}" in page, "feedback", s.login, "feedback without the score")
        self.every_student("feedback", fetch)

    # 7: culling
    def cull(self):
        self.teacher.log_in()  # the instructor is an admin: their token may do what the culler service does
        token = self.teacher.take_token(["list:users", "read:users:activity", "read:servers", "delete:servers"])
        culler = subprocess.Popen([str(self.prefix / "venv/bin/python"), "-m", "jupyterhub_idle_culler",
                                   "--timeout=10", "--cull-every=5", f"--url={self.base}/hub/api"],
                                  env=dict(os.environ, JUPYTERHUB_API_TOKEN=token),
                                  stdout=open(self.out / "culler.log", "w"), stderr=subprocess.STDOUT)
        try:
            t_end = time.time() + 120
            while time.time() < t_end:
                running = [s.login for s in self.students if s.hub_user().get("servers")]
                if not running:
                    break
                time.sleep(2)
            self.fail.check(not running, "culling", ",".join(running), "still running 120 s after going idle")
            self.fail.check(all(server_pid(s.uid) is None for s in self.students), "culling", "class",
                            "a culled server's process is still alive")
        finally:
            culler.terminate()

    # report, clean-up
    def report(self) -> dict:
        f = lambda key: [s.figures[key] for s in self.students if key in s.figures]
        mib = lambda b: None if b != b else round(b / 2**20)  # NaN where nobody got that far
        active, idle = f("rss_active"), f("server_rss_idle")
        share = [c / w for c, w in zip(f("kernel_cpu_s"), f("notebook_s")) if w]
        doc = {
            "machine": machine(), "students": self.n, "notebook": self.args.notebook,
            "assignment": self.args.assignment, "memory_limit": self.args.mem, "profile": "smoke",
            "login_to_ready_s": {"p50": percentile(f("login_to_ready_s"), .5), "p95": percentile(f("login_to_ready_s"), .95)},
            "kernel_start_s": {"p50": percentile(f("kernel_start_s"), .5), "p95": percentile(f("kernel_start_s"), .95)},
            "notebook_s": {"p50": percentile(f("notebook_s"), .5), "max": max(f("notebook_s"), default=None)},
            "kernel_cpu_s": {"p50": percentile(f("kernel_cpu_s"), .5)},
            "cpu_per_active_kernel": {"mean": statistics.fmean(share) if share else None},
            "rss_per_student_mib": {"active_p50": mib(percentile(active, .5)), "active_max": mib(max(active, default=0)),
                                    "idle_server_p50": mib(percentile(idle, .5))},
            "orphaned_kernel_outlived_its_server": self.orphan_outlived_server,
            "phases_s": self.timings, "errors": len(self.fail.items), "failures": self.fail.items,
        }
        (self.out / "report.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False))
        (self.out / "report.md").write_text(markdown(doc))
        print("\n" + markdown(doc))
        return doc

    def tear_down(self):
        if self.hub and self.hub.poll() is None:
            self.hub.send_signal(signal.SIGTERM)
            try:
                self.hub.wait(30)
            except subprocess.TimeoutExpired:
                self.hub.kill()
        if self.roster.exists():
            subprocess.run([sys.executable, str(ROOT / "tools/hub/roster.py"), "remove", str(self.roster)], check=False)
        for login in self.logins + [self.teacher_login]:
            for root in (Path("/sys/fs/cgroup/memory/dlcourse"), Path("/sys/fs/cgroup/dlcourse")):
                try:
                    (root / login).rmdir()
                except OSError:
                    pass
        if not self.args.keep:
            subprocess.run(["rm", "-rf", str(self.prefix)], check=False)

    def run(self) -> int:
        try:
            self.phase("install (tools/hub/install.sh)", self.install)
            self.phase("accounts (tools/hub/roster.py)", self.make_accounts)
            self.phase("hub start", self.start_hub)
            if not self.fail.items:
                self.phase("release (homework.py)", self.homework, "release", self.args.assignment)
                self.phase(f"{self.n} students: log in, notebook, submit", self.the_class)
                self.phase("walls: password, other homes, submissions, forged entries, network", self.walls)
                self.phase("fault: a kernel killed", self.kill_kernel)
                self.phase("fault: a kernel over the memory limit", self.exceed_memory)
                self.phase("fault: a server killed", self.kill_server)
                self.phase("fault: the hub restarted", self.restart_hub)
                self.phase("grading and feedback (homework.py)", self.grade)
                self.phase("idle culling", self.cull)
            self.report()
        finally:
            self.tear_down()
        return 1 if self.fail.items else 0


def solution_cells(source: Path) -> dict[str, str]:
    nb = nbformat.read(source, 4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
            if c.get("metadata", {}).get("nbgrader", {}).get("solution")}


def parse_bytes(text: str) -> int:
    units = {"K": 2**10, "M": 2**20, "G": 2**30}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units else int(text)


def machine() -> str:
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal"))) / 2**20
    return f"{cpu}, {os.cpu_count()} CPUs, {mem:.0f} GiB, load {os.getloadavg()[0]:.2f} at the end"


def markdown(d: dict) -> str:
    r = lambda x: "–" if x is None else f"{x:.1f}"
    rows = [
        ("login → server ready, p50 / p95", f"{r(d['login_to_ready_s']['p50'])} / {r(d['login_to_ready_s']['p95'])} s"),
        ("kernel start, p50 / p95", f"{r(d['kernel_start_s']['p50'])} / {r(d['kernel_start_s']['p95'])} s"),
        (f"{d['notebook']} (smoke), all at once: p50 / slowest", f"{r(d['notebook_s']['p50'])} / {r(d['notebook_s']['max'])} s"),
        ("kernel CPU for the notebook, p50", f"{r(d['kernel_cpu_s']['p50'])} CPU-s"),
        ("CPU per active kernel (CPU-s / s), mean", r(d['cpu_per_active_kernel']['mean'])),
        ("memory per student, active (server + kernel): p50 / max",
         f"{d['rss_per_student_mib']['active_p50']} / {d['rss_per_student_mib']['active_max']} MiB"),
        ("memory per student, idle server, p50", f"{d['rss_per_student_mib']['idle_server_p50']} MiB"),
        ("a killed server's kernel outlived it (then killed by the next start)",
         {True: "yes", False: "no", None: "–"}[d["orphaned_kernel_outlived_its_server"]]),
        ("errors", str(d["errors"])), ("work lost", "nothing" if not d["failures"] else "see failures"),
    ]
    out = [f"# Class server under load: {d['students']} students", "", f"Machine: {d['machine']}. "
           f"Memory limit per student: {d['memory_limit']}.", "", "| measure | value |", "|---|---|"]
    out += [f"| {a} | {b} |" for a, b in rows]
    out += ["", "| phase | s |", "|---|---:|"] + [f"| {k} | {v} |" for k, v in d["phases_s"].items()]
    if d["failures"]:
        out += ["", "Failures:", ""] + [f"- {x}" for x in d["failures"]]
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--students", type=int, default=10)
    p.add_argument("--notebook", default="notebooks/05-rnn.ipynb")
    p.add_argument("--assignment", default="srgan")
    p.add_argument("--mem", default="3G", help="memory limit per student (default 3G)")
    p.add_argument("--prefix", type=Path, help="install here (default: a new folder under /var/tmp, removed after)")
    p.add_argument("--keep", action="store_true", help="keep the installed folder")
    args = p.parse_args(argv)
    if os.geteuid() != 0:
        sys.exit("the load test makes Unix accounts and starts servers as them: run it as root")
    if args.students < 3:
        sys.exit("--students must be at least 3: the faults hit three different students")
    return LoadTest(args).run()


if __name__ == "__main__":
    sys.exit(main())
