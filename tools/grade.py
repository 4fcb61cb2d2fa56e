"""Release and grade the course's assignments (nbgrader-compatible notebooks, no nbgrader needed).

    .venv/bin/python tools/grade.py release assignments/source/lstm/lstm.ipynb [--out assignments/release/lstm]
    .venv/bin/python tools/grade.py grade assignments/source/lstm/lstm.ipynb SUBMISSION... \\
            [--out build/grading] [--pass-mark 60] [--timeout 120] [--jobs 1] [--remove-source] [--no-sandbox]

`release` writes the student version: every `// BEGIN SOLUTION` ... `// END SOLUTION` region becomes a
stub that throws (in Russian), hidden tests are cut out, outputs cleared.

`grade` grades each SUBMISSION (a notebook, or a folder searched for *.ipynb) against the SOURCE
notebook (the instructor's version, with solutions and hidden tests); docs/grading.md has the threat model:
  * the submission's solution cells are kept; every other graded or locked cell is taken from the
    source (a student cannot edit or delete the checks), markdown and outputs are dropped;
  * before anything runs, each solution cell must only declare its task's methods
    (dlcourse.grading.SolutionCells); a refused cell is replaced by the stub, with the reason;
  * each submission runs in its own sandbox (bubblewrap: no network, its own processes, read-only
    system, JDK and class path, no course sources, no other submissions, no reports) and a fresh
    kernel, with a time limit per cell; a failing cell never stops the run; a timed-out cell or a
    dead kernel costs that cell only: the kernel is restarted and the earlier code cells are replayed;
  * after the visible phase (the notebook as the student sees it), each test cell with hidden tests
    runs again in full; what it prints is dropped inside the sandbox, and only the kind of a
    failure (shape, values against the reference, ...) reaches the report;
  * a test cell earns its points when both parts pass and nothing was written to stderr (as nbgrader);
  * scores, reports, executed copies and kernel logs are written here, once the sandbox is gone.
Outputs in --out: report.json, report.xml (JUnit), report.md and one executed copy per submission.
Exit status: 0 when every submission reaches --pass-mark percent, 1 when one does not, 2 on a usage
error (an unreadable source, no sandbox for untrusted work). A malformed submission is reported (score 0), never crashed on.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import nbformat
from nbformat.v4 import new_code_cell

import course_kernel

KERNEL = course_kernel.NAME
CELL_TIMEOUT = 120          # seconds per cell
MAX_RESTARTS = 3            # kernel (re)starts per submission after the first, before the rest is skipped
STARTUP_TIMEOUT = 180       # seconds for a kernel to start (a loaded machine needs more than nbclient's 60)
STUB = ('// ВАШ КОД ЗДЕСЬ\n'
        'throw new UnsupportedOperationException("Решение не написано: замените эту строку своим кодом");')
HIDDEN_NOTE = "Скрытая проверка не пройдена (её код и сообщение видит только преподаватель)."


# --- notebooks: markers and cells -----------------------------------------------------------

def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def clear_solutions(source: str, stub: str = STUB) -> str:
    """Each BEGIN SOLUTION ... END SOLUTION region (marker lines included) -> the stub, indented
    like the BEGIN line (nbgrader's ClearSolutions does the same)."""
    out, inside = [], False
    for line in source.splitlines():
        if "BEGIN SOLUTION" in line:
            if inside:
                raise ValueError("BEGIN SOLUTION inside a solution region")
            inside = True
            indent = re.match(r"\s*", line).group(0)
            out.extend(indent + s for s in stub.splitlines())
        elif "END SOLUTION" in line:
            if not inside:
                raise ValueError("END SOLUTION without BEGIN SOLUTION")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("BEGIN SOLUTION without END SOLUTION")
    return "\n".join(out)


def split_hidden(source: str) -> tuple[str, str]:
    """(visible code, hidden code) of a test cell; the marker lines belong to neither."""
    visible, hidden, inside = [], [], False
    for line in source.splitlines():
        if "BEGIN HIDDEN TESTS" in line:
            inside = True
        elif "END HIDDEN TESTS" in line:
            inside = False
        else:
            (hidden if inside else visible).append(line)
    if inside:
        raise ValueError("BEGIN HIDDEN TESTS without END HIDDEN TESTS")
    return "\n".join(visible), "\n".join(hidden)


def release(source_nb) -> nbformat.NotebookNode:
    """The student version of a source notebook."""
    nb = nbformat.from_dict(json.loads(json.dumps(source_nb)))  # deep copy
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
        if meta.get("solution"):
            cell.source = clear_solutions(cell.source)
        if meta.get("grade") and cell.cell_type == "code":
            cell.source = split_hidden(cell.source)[0]
    return nb


@dataclass
class Check:
    """A graded test cell of the source."""
    id: str
    points: float
    visible: str
    hidden: str
    task: str | None        # the solution cell it checks (the nearest one before it)
    full: str = ""          # the whole cell without the marker lines (what the hidden phase runs)


@dataclass
class Source:
    name: str
    nb: nbformat.NotebookNode
    checks: list[Check]

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.checks)


def load_source(path) -> Source:
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    checks, task = [], None
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution"):
            task = meta.get("grade_id")
        if meta.get("grade") and cell.cell_type == "code":
            visible, hidden = split_hidden(cell.source)
            full = "\n".join(line for line in cell.source.splitlines() if "HIDDEN TESTS" not in line)
            checks.append(Check(meta["grade_id"], float(meta.get("points", 0)), visible, hidden, task, full))
    if not checks:
        raise ValueError(f"{path}: no graded test cells (nbgrader metadata grade: true)")
    return Source(path.stem, nb, checks)


@dataclass
class Step:
    """One execution sent to the kernel."""
    kind: str               # "code" (setup or solution or student cell) | "visible" | "hidden"
    code: str
    check: str | None = None
    label: str = ""
    task: str | None = None     # for a solution cell: its grade_id
    after: int | None = None    # for a hidden step: the visible step that must have passed


def assemble(source: Source, submission, refused: dict[str, str] | None = None) -> tuple[list[Step], list[str]]:
    """What the kernel runs for a submission, and notes about the submission's structure.

    Two phases. The visible phase is the notebook as the student knows it: set-up cells, the
    submission's solution cells (a cell refused by the solution-cell rule is replaced by the task's
    stub) and the visible part of each test cell. The hidden phase follows, once the student's code
    has run: every test cell that has hidden tests runs again in full, and nothing it prints reaches
    the student (its outputs are dropped in the sandbox, before they leave it).
    """
    notes = []
    refused = refused or {}
    ids = {nbgrader_meta(c).get("grade_id"): c for c in submission.cells if nbgrader_meta(c).get("grade_id")}
    by_check = {c.id: c for c in source.checks}
    steps, hidden = [], []
    for cell in source.nb.cells:
        if cell.cell_type != "code":
            continue
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if meta.get("solution"):
            mine = ids.get(gid)
            if mine is None or mine.cell_type != "code":
                notes.append(f"ячейка решения «{gid}» не найдена: задача считается нерешённой")
                continue
            code = clear_solutions(cell.source) if gid in refused else mine.source
            steps.append(Step("code", code, task=gid, label=f"решение {gid}"))
        elif gid in by_check:
            check = by_check[gid]
            steps.append(Step("visible", check.visible, gid, f"проверка {gid}"))
            if check.hidden.strip():
                hidden.append(Step("hidden", check.full, gid, f"скрытая проверка {gid}", after=len(steps) - 1))
        else:
            steps.append(Step("code", cell.source, label=f"ячейка {gid or cell.get('id', '')}"))
    known = {nbgrader_meta(c).get("grade_id") for c in source.nb.cells}
    extra = [c for c in submission.cells if c.cell_type == "code" and nbgrader_meta(c).get("grade_id") not in known]
    if extra:
        notes.append(f"добавленные ячейки кода ({len(extra)}) не выполняются: пишите решение в ячейках «ваше решение»")
    return steps + hidden, notes


def solution_cells(source: Source) -> dict[str, str]:
    """grade_id -> the source's code of each solution cell."""
    return {nbgrader_meta(c)["grade_id"]: c.source for c in source.nb.cells
            if nbgrader_meta(c).get("solution") and c.cell_type == "code"}


def refused_cells(source: Source, submissions: list, kernel_name: str = None) -> list[dict[str, str]]:
    """For each submission (a notebook, or None when unreadable), grade_id -> why its solution cell
    breaks the solution-cell rule (dlcourse.grading.SolutionCells: only the task's methods may be
    declared). One JVM judges all the cells of a batch; nothing of the students' code runs here."""
    reference = solution_cells(source)
    requests, owners = [], []
    for n, nb in enumerate(submissions):
        for cell in (nb.cells if nb is not None else []):
            gid = nbgrader_meta(cell).get("grade_id")
            if gid in reference and cell.cell_type == "code":
                requests.append({"task": gid, "reference": reference[gid], "cell": cell.source})
                owners.append(n)
    verdicts = json.loads(subprocess.run(
        [java_command(kernel_name), "-cp", library_classpath(kernel_name), "dlcourse.grading.SolutionCells"],
        input=json.dumps(requests), capture_output=True, text=True, check=True, encoding="utf-8").stdout) if requests else []
    refused = [{} for _ in submissions]
    for owner, verdict in zip(owners, verdicts):
        if verdict["problem"]:
            refused[owner][verdict["task"]] = verdict["problem"]
    return refused


# --- the kernel ---------------------------------------------------------------------------------

@dataclass
class Outcome:
    status: str             # ok | error | timeout | died | stderr
    seconds: float
    ename: str = ""
    message: str = ""
    stdout: str = ""
    stderr: str = ""
    outputs: list = field(default_factory=list)


class Kernel:
    """A java-dl kernel in its own empty working folder; cells run one at a time with a time limit.
    It is killed when closed: JJava's JVM does not exit on a shutdown request (still alive 20 s
    after one), so a graceful shutdown only adds jupyter_client's wait, ~3 s a kernel, and every
    outcome has been read by then."""

    def __init__(self, kernel_name: str, timeout: int, workdir: Path, log, unprivileged: bool = False):
        from nbclient import NotebookClient
        self.timeout = timeout
        self.client = NotebookClient(
            nbformat.v4.new_notebook(), kernel_name=kernel_name, timeout=timeout, allow_errors=True,
            interrupt_on_timeout=True, startup_timeout=STARTUP_TIMEOUT, shutdown_kernel="immediate",
            error_on_timeout={"ename": "CellTimeoutError", "evalue": f"longer than {timeout} s"},
            resources={"metadata": {"path": str(workdir)}},
            **({"kernel_manager_class": _unprivileged_kernel_manager()} if unprivileged else {}))
        env = dict(os.environ)
        env["DL_CHECKPOINTS"] = str(workdir / "checkpoints")
        self.client.km = self.client.create_kernel_manager()
        try:
            self.client.start_new_kernel(env=env, stdout=log, stderr=log)
            self.client.start_new_kernel_client()
        except BaseException:
            self.close()  # do not leave a half-started kernel behind
            raise

    def run(self, code: str) -> Outcome:
        from nbclient.exceptions import DeadKernelError
        cell = new_code_cell(code)
        self.client.nb.cells.append(cell)
        t0 = time.perf_counter()
        try:
            self.client.execute_cell(cell, len(self.client.nb.cells) - 1)
        except DeadKernelError:
            return Outcome("died", time.perf_counter() - t0, "DeadKernelError",
                           "ядро Java завершилось во время выполнения ячейки", outputs=cell.outputs)
        except Exception as e:  # nbclient's own failures: treat the kernel as lost
            return Outcome("died", time.perf_counter() - t0, type(e).__name__, str(e)[:300], outputs=cell.outputs)
        seconds = time.perf_counter() - t0
        stdout = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")
        stderr = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stderr")
        o = course_kernel.first_error(cell.outputs)
        if o:
            ename = o.get("ename", "Error")
            if course_kernel.timed_out(ename, seconds, self.timeout):
                return Outcome("timeout", seconds, "CellTimeoutError",
                               f"ячейка выполнялась дольше {self.timeout} с и была прервана", stdout, stderr, cell.outputs)
            return Outcome("error", seconds, ename, _message(o), stdout, stderr, cell.outputs)
        if stderr.strip():
            return Outcome("stderr", seconds, "stderr", "ячейка писала в stderr: " + stderr.strip()[:300],
                           stdout, stderr, cell.outputs)
        return Outcome("ok", seconds, stdout=stdout, outputs=cell.outputs)

    def close(self):
        try:
            self.client._cleanup_kernel()
        except Exception:
            pass


def _unprivileged_kernel_manager():
    """A KernelManager whose kernel runs as the unprivileged user `nobody`: inside the sandbox the
    runner stays root, so the student's code can neither signal nor trace it nor read its files."""
    from jupyter_client.manager import AsyncKernelManager  # nbclient's own kind: its timeouts need the async client

    class UnprivilegedKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--inh-caps=-all",
                    "--"] + super().format_kernel_cmd(extra_arguments)

        def write_connection_file(self, **kwargs):
            super().write_connection_file(**kwargs)
            os.chown(self.connection_file, NOBODY, NOBODY)  # the kernel must read its ports and key

    return UnprivilegedKernelManager


def _message(error_output) -> str:
    """The student-facing text of a kernel error: the exception line, or the compiler's diagnostics
    followed by the offending line."""
    tb = course_kernel.traceback(error_output)
    lines = [line.rstrip() for line in "\n".join(tb).splitlines() if line.strip() and not line.lstrip().startswith("at ")]
    if error_output.get("ename") == "CompilationException":
        code = [line for line in lines if line.startswith("|")]
        diagnostics = [line.strip() for line in lines if not line.startswith("|")]
        text = "ошибка компиляции: " + "; ".join(diagnostics[:3]) + ("\n" + "\n".join(code[:2]) if code else "")
    else:
        text = "\n".join(lines[:8]) or error_output.get("evalue", "")
    for prefix in ("java.lang.", "dlcourse.grading."):
        text = text.replace(prefix, "")
    hint = engine_hint(text)
    return (hint + "\nСообщение движка: " + text.strip() if hint else text).strip()


# What an engine (PyTorch) or JVM error means for the student's code; the patterns are PyTorch's and
# DJL's own messages.
ENGINE_HINTS = [
    (r"size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) at non-singleton dimension (\d+)",
     "Формы не совместимы в поэлементной операции: по оси {2} размеры {0} и {1}. Проверьте формы "
     "операндов (getShape()) и ось, по которой вы режете или склеиваете."),
    (r"mat1 and mat2 shapes cannot be multiplied \((\w+) and (\w+)\)",
     "Матрицы нельзя перемножить: {0} · {1}. Проверьте порядок множителей и нужен ли transpose()."),
    (r"expected input\[([^\]]*)\] to have (\d+) channels, but got (\d+) channels",
     "Свёртка ждёт {1} входных каналов, а пришло {2} (вход [{0}]): проверьте число фильтров предыдущего слоя."),
    (r"Sizes of tensors must match except in dimension (\d+)",
     "Склеиваемые массивы различаются по форме вне оси склейки {0}: проверьте формы ветвей."),
    (r"Native resource has been released already",
     "Массив уже освобождён (закрыт его NDManager или try-with-resources): не закрывайте то, что возвращаете."),
    (r"is out of bounds for dimension|IndexOutOfBoundsException",
     "Индекс вне границ массива: проверьте формы и диапазоны индексов."),
    (r"^NullPointerException",
     "null там, где нужен объект: метод вернул null или объект не создан."),
]


def engine_hint(text: str) -> str:
    """A hint in Russian for a known engine or JVM error, or ""."""
    for pattern, hint in ENGINE_HINTS:
        found = re.search(pattern, text, re.MULTILINE)
        if found:
            return hint.format(*found.groups())
    return ""


# --- the runner: one submission's cells in one sandbox ---------------------------------------------

def run_steps(job: dict):
    """Runs a submission's steps in fresh kernels; yields {"i": step, **outcome} per step run and
    {"note": text}. A timed-out cell or a dead kernel costs that cell only: the kernel is restarted
    and the earlier code cells are replayed. What a hidden step printed never leaves this function:
    its outcome carries the status and the kind of failure only."""
    steps, timeout, workdir = job["steps"], job["timeout"], Path(job["workdir"])
    outcomes: dict[int, Outcome] = {}
    with open(job["log"], "wb") as log:
        kernel, restarts, i = None, 0, 0
        try:
            while i < len(steps):
                if kernel is None:
                    if restarts > MAX_RESTARTS:
                        yield {"note": f"ядро перезапускалось {MAX_RESTARTS} раз: остальные ячейки не выполнялись"}
                        break
                    try:
                        kernel = Kernel(job["kernel"], timeout, workdir, log, job.get("unprivileged", False))
                    except Exception as e:  # did not start (e.g. a machine under load): try again
                        yield {"note": f"ядро не запустилось: {type(e).__name__}: {str(e)[:200]}"}
                        restarts += 1
                        continue
                    for j in range(i):  # replay the earlier code cells that worked
                        if steps[j]["kind"] == "code" and outcomes[j].status in ("ok", "error", "stderr"):
                            kernel.run(steps[j]["code"])
                step = steps[i]
                if step["kind"] == "hidden" and (step["after"] not in outcomes or outcomes[step["after"]].status != "ok"):
                    i += 1  # the visible part failed: no need to run the hidden one
                    continue
                outcomes[i] = o = kernel.run(step["code"])
                if step["kind"] == "hidden":
                    o = Outcome(o.status, o.seconds, o.ename, failure_kind(o))
                yield {"i": i, **asdict(o)}
                if o.status in ("timeout", "died"):
                    kernel.close()
                    kernel, restarts = None, restarts + 1
                    yield {"note": f"{step['label']}: {o.message}; ядро перезапущено"}
                i += 1
        except Exception as e:  # nbclient failed: report, go on
            yield {"note": f"оценка прервана: {type(e).__name__}: {str(e)[:300]}"}
        finally:
            if kernel is not None:
                kernel.close()


# What a failed hidden check was about, from the first words of the messages of dlcourse.grading.Checks.
FAILURE_KINDS = [
    (re.compile(r"^Форма «"), "форма результата"),
    (re.compile(r"^Число параметров «"), "число параметров"),
    (re.compile(r"не совпадает с эталоном|^«[^»]*»: ожидалось"), "значения против эталона (движка или формулы)"),
    (re.compile(r"конечного числа|потеря стала"), "конечность значений (NaN или ∞)"),
    (re.compile(r"не обучается"), "обучаемость (потеря не падает)"),
    (re.compile(r"^Градиент не доходит"), "градиент (результат не связан с входами через операции движка)"),
    (re.compile(r"не принимает вход"), "вход другой формы"),
]


def failure_kind(o: Outcome) -> str:
    """The student-facing kind of a hidden failure: what property failed, never the test itself."""
    if o.status == "timeout":
        return "время выполнения (скрытая проверка вызывает ваш код на других входах)"
    if o.status == "died":
        return "ядро упало во время скрытой проверки"
    if o.status == "stderr":
        return "ваш код писал в stderr"
    if o.ename == "CompilationException":
        return "ваш метод не подходит к вызову из проверки (ошибка компиляции)"
    # JJava reports every exception as a RuntimeException; the message names the real class.
    thrown = re.search(r"([\w.$]+(?:Exception|Error|Failure)): (.*)", o.message)
    if thrown and thrown.group(1).endswith("CheckFailure"):
        return next((kind for pattern, kind in FAILURE_KINDS if pattern.search(thrown.group(2))), "условие задачи")
    name = thrown.group(1).rsplit(".", 1)[-1] if thrown else o.ename
    return f"исключение в вашем коде ({name}) на входах скрытой проверки"


def runner_main() -> int:
    """`grade.py _run`: the runner inside the sandbox; the job on stdin, one JSON line per result."""
    _make_undumpable()
    job = json.load(sys.stdin)
    if job.get("threads"):  # the kernels inherit it
        os.environ["OMP_NUM_THREADS"] = str(job["threads"])
    for record in run_steps(job):
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return 0


def _make_undumpable():
    """The runner's memory and file descriptors stay closed to processes of the same user (a kernel
    run without the privilege drop): prctl(PR_SET_DUMPABLE, 0)."""
    import ctypes
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


# --- the sandbox -----------------------------------------------------------------------------------

NOBODY = 65534
WORK_BYTES = 1 << 30        # the kernel's working folder (checkpoints included)
LOG_BYTES = 1 << 20         # the part of a kernel's log kept in the grader's output folder


@dataclass
class Sandbox:
    """What a submission's kernel can see (bubblewrap): the system directories, the JDK, the virtual
    environment, the kernel spec, the library's class path, the course data and the DJL caches, all
    read-only, and the submission's private scratch folder; its own PID, network, IPC and UTS
    namespaces (no network at all), no environment but what is listed, a new session; every process
    in it dies when it ends. Not the course sources, the other submissions, the grader's output
    folder or the rest of the repository. As root the kernel also drops to the user `nobody`."""
    readonly: list[str]
    env: dict[str, str]
    unprivileged: bool      # root: the kernel runs as nobody; otherwise a user namespace

    @classmethod
    def for_kernel(cls, kernel_name: str) -> "Sandbox":
        spec = kernel_spec(kernel_name)
        home = re.search(r"-Ddlcourse\.home=(\S+)", spec.env.get("JJAVA_JVM_OPTS", ""))
        djl, engine = djl_caches()
        # the runner inside is this file and the one module it imports
        paths = [sys.prefix, sys.base_prefix, spec.resource_dir, str(Path(__file__).resolve()),
                 str(Path(course_kernel.__file__).resolve()), djl, engine]
        paths += [p.removesuffix(os.sep + "*") for p in spec.env.get("JJAVA_CLASSPATH", "").split(os.pathsep) if p]
        if home:
            paths.append(str(Path(home.group(1)) / "data"))
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "DJL_CACHE_DIR": djl,
               "ENGINE_CACHE_DIR": engine, "JUPYTER_PATH": str(Path(spec.resource_dir).parents[1]),
               "PYTHONDONTWRITEBYTECODE": "1"}
        env.update({k: os.environ[k] for k in ("DL_PROFILE", "JAVA_HOME") if k in os.environ})
        return cls(sorted(set(paths)), env, os.geteuid() == 0)

    def command(self, scratch: Path, argv: list[str]) -> list[str]:
        cmd = ["bwrap", "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net",
               "--unshare-ipc", "--unshare-uts", "--hostname", "grading", "--clearenv"]
        if not self.unprivileged:
            cmd += ["--unshare-user"]
        for d in ("/usr", "/etc"):
            cmd += ["--ro-bind", d, d]
        for d in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
            if os.path.islink(d):
                cmd += ["--symlink", os.readlink(d), d]
            elif os.path.isdir(d):
                cmd += ["--ro-bind", d, d]
        cmd += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"]
        bound = ["/usr", "/etc"] + self.readonly
        parents = {str(a) for p in self.readonly + [str(scratch)] for a in Path(p).parents
                   if not any(str(a) == b or str(a).startswith(b + "/") for b in bound)}
        for d in sorted(parents - {"/", "/tmp"}, key=len):  # bwrap would create them 0700: nobody could not pass
            cmd += ["--perms", "0755", "--dir", d]
        for p in self.readonly:
            cmd += ["--ro-bind-try", p, p]
        # The kernel's working folder is a tmpfs of its own: a student's files vanish with the sandbox and
        # cannot fill the grader's disk.
        cmd += ["--bind", str(scratch), str(scratch), "--perms", "1777", "--size", str(WORK_BYTES),
                "--tmpfs", str(scratch / "work"), "--chdir", str(scratch / "work")]
        env = dict(self.env, HOME=str(scratch / "home"), JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
                   JUPYTER_CONFIG_DIR=str(scratch / "home" / ".jupyter"), JUPYTER_DATA_DIR=str(scratch / "home" / "data"),
                   DL_CHECKPOINTS=str(scratch / "work" / "checkpoints"))
        for k, v in sorted(env.items()):
            cmd += ["--setenv", k, v]
        return cmd + ["--"] + argv


def sandbox_problem() -> str | None:
    """Why submissions cannot be sandboxed on this machine, or None."""
    if shutil.which("bwrap") is None:
        return ("bubblewrap is not installed (Debian/Ubuntu: tools/apt-install.sh 'the grading sandbox' bubblewrap); "
                "grading untrusted work needs it")
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return "setpriv (util-linux) is missing: the kernel could not drop to the user nobody"
    probe = ["bwrap", "--ro-bind", "/", "/", "--unshare-pid", "--unshare-net", "--die-with-parent"]
    probe += [] if os.geteuid() == 0 else ["--unshare-user"]
    done = subprocess.run(probe + ["true"], capture_output=True, text=True)
    if done.returncode != 0:
        return (f"bubblewrap cannot create namespaces here ({done.stderr.strip()[:200]}); unprivileged user "
                "namespaces may be disabled (e.g. by AppArmor): grade as root, or enable them")
    return None


def kernel_spec(name: str):
    from jupyter_client.kernelspec import KernelSpecManager
    return KernelSpecManager().get_kernel_spec(name)


def djl_caches() -> tuple[str, str]:
    """DJL's cache folders as the kernel's JVM resolves them (Java's user.home is the passwd entry's
    home, not $HOME)."""
    import pwd
    djl = os.environ.get("DJL_CACHE_DIR") or str(Path(pwd.getpwuid(os.getuid()).pw_dir) / ".djl.ai")
    return djl, os.environ.get("ENGINE_CACHE_DIR") or djl


def java_command(kernel_name: str = None) -> str:
    return kernel_spec(kernel_name or KERNEL).argv[0]


def library_classpath(kernel_name: str = None) -> str:
    return kernel_spec(kernel_name or KERNEL).env["JJAVA_CLASSPATH"]


def prepare_caches(kernel_name: str) -> None:
    """Fills DJL's caches (the PyTorch engine, Fashion-MNIST) outside the sandbox, where they can be
    written: inside they are read-only."""
    done = subprocess.run([java_command(kernel_name), "-Ddlcourse.home=" + _course_home(kernel_name), "-cp",
                           library_classpath(kernel_name), "dlcourse.data.FashionMnistData"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError("could not prepare DJL's caches for the sandbox: " + (done.stderr or done.stdout)[-500:])
    if os.geteuid() == 0:  # DJL makes the engine's folder 0700; the kernel runs as nobody and must read it
        for cache in set(djl_caches()):
            for folder, _, _ in os.walk(cache):
                mode = os.stat(folder).st_mode
                if mode & 0o005 != 0o005:
                    os.chmod(folder, mode | 0o055)


def _course_home(kernel_name: str) -> str:
    found = re.search(r"-Ddlcourse\.home=(\S+)", kernel_spec(kernel_name).env.get("JJAVA_JVM_OPTS", ""))
    return found.group(1) if found else str(Path(__file__).resolve().parents[1])


# --- grading one submission ---------------------------------------------------------------------

@dataclass
class CheckResult:
    id: str
    task: str | None
    points: float
    max_points: float
    status: str             # passed | failed | timeout | kernel-died | not-run
    message: str
    seconds: float
    hidden_failed: bool = False


@dataclass
class SubmissionResult:
    id: str
    path: str
    score: float
    max_score: float
    passed: bool
    seconds: float
    checks: list[CheckResult]
    notes: list[str]
    error: str | None = None
    executed: str | None = None

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


def grade_one(source: Source, path: Path, sub_id: str, out_dir: Path, timeout: int, pass_mark: float,
              kernel_name: str = KERNEL, sandbox: Sandbox | None = None,
              refused: dict[str, str] | None = None, threads: int | None = None) -> SubmissionResult:
    """Grades one submission: its steps run in a runner process (in `sandbox`, unless None), and
    the scores, the executed copy and the kernel's log are written here, once the sandbox is gone."""
    t0 = time.perf_counter()
    not_run = lambda msg: [CheckResult(c.id, c.task, 0, c.points, "not-run", msg, 0) for c in source.checks]
    try:
        submission = nbformat.read(path, as_version=4)
        nbformat.validate(submission)
    except Exception as e:
        msg = f"блокнот не читается: {type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"
        return SubmissionResult(sub_id, str(path), 0, source.max_score, False, time.perf_counter() - t0,
                                not_run(msg), [], error=msg)
    if refused is None:
        refused = refused_cells(source, [submission], kernel_name)[0]
    steps, notes = assemble(source, submission, refused)
    outcomes: dict[int, Outcome] = {}
    scratch = Path(tempfile.mkdtemp(prefix="grade-"))
    try:
        for d in ("work", "runtime", "home"):
            (scratch / d).mkdir()
        scratch.chmod(0o755)
        job = {"steps": [asdict(s) for s in steps], "timeout": timeout, "kernel": kernel_name,
               "workdir": str(scratch / "work"), "log": str(scratch / "kernel.log"),
               "unprivileged": bool(sandbox and sandbox.unprivileged), "threads": threads}
        runner = [sys.executable, str(Path(__file__).resolve()), "_run"]
        command = sandbox.command(scratch, runner) if sandbox else runner
        limit = (len(steps) + 2) * timeout + (MAX_RESTARTS + 1) * STARTUP_TIMEOUT
        env = None if sandbox else dict(os.environ, DL_CHECKPOINTS=str(scratch / "work" / "checkpoints"))
        try:
            done = subprocess.run(command, input=json.dumps(job), capture_output=True, text=True, timeout=limit,
                                  env=env, encoding="utf-8", errors="replace")
            lines, trouble = done.stdout.splitlines(), (done.returncode and done.stderr.strip()[-300:])
        except subprocess.TimeoutExpired as e:
            lines, trouble = (e.stdout or b"").decode(errors="replace").splitlines(), f"дольше {limit} с"
        for line in lines:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                notes.append(f"непонятная строка от исполнителя: {line[:100]}")
                continue
            if "note" in record:
                notes.append(record["note"])
            else:
                n = record.pop("i")
                outcomes[n] = Outcome(**record)
        if trouble:
            notes.append(f"оценка прервана: {trouble}")
        if (scratch / "kernel.log").exists():
            with open(scratch / "kernel.log", "rb") as log:
                (out_dir / f"{sub_id}.kernel.log").write_bytes(log.read(LOG_BYTES))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    broken = {task: f"Ячейка решения «{task}» не принята: {why} " for task, why in refused.items()}
    for n, step in enumerate(steps):
        o = outcomes.get(n)
        if step.task and step.task not in broken and o is not None and o.status not in ("ok", "stderr"):
            broken[step.task] = f"Ячейка решения «{step.task}» не выполнилась ({o.message.splitlines()[0] if o.message else o.status}). "
    checks = []
    for c in source.checks:
        idx = {s.kind: n for n, s in enumerate(steps) if s.check == c.id}
        vis, hid = outcomes.get(idx.get("visible")), outcomes.get(idx.get("hidden")) if "hidden" in idx else None
        seconds = sum(o.seconds for o in (vis, hid) if o)
        if vis is None:
            checks.append(CheckResult(c.id, c.task, 0, c.points, "not-run", broken.get(c.task, "") + "не выполнялась", seconds))
        elif vis.status != "ok":
            why = broken[c.task].strip() if c.task in refused else broken.get(c.task, "") + vis.message
            checks.append(CheckResult(c.id, c.task, 0, c.points, _status(vis), why, seconds))
        elif "hidden" in idx and (hid is None or hid.status != "ok"):
            why = hid.message if hid else "не выполнялась"
            checks.append(CheckResult(c.id, c.task, 0, c.points, _status(hid) if hid else "not-run",
                                      f"{HIDDEN_NOTE} Что не так: {why}.", seconds, hidden_failed=True))
        else:
            checks.append(CheckResult(c.id, c.task, c.points, c.points, "passed", "", seconds))
    score = sum(c.points for c in checks)
    executed = out_dir / f"{sub_id}.ipynb"
    _write_executed(executed, source, steps, outcomes)
    result = SubmissionResult(sub_id, str(path), score, source.max_score, False, time.perf_counter() - t0,
                              checks, notes, executed=str(executed))
    result.passed = result.percent >= pass_mark
    return result


def _status(o: Outcome) -> str:
    return {"timeout": "timeout", "died": "kernel-died"}.get(o.status, "failed")


def _write_executed(path: Path, source: Source, steps: list[Step], outcomes: dict[int, Outcome]) -> None:
    """The run as a notebook for the student: hidden parts appear only as a one-line result."""
    nb = nbformat.v4.new_notebook(metadata=source.nb.metadata)
    for n, step in enumerate(steps):
        o = outcomes.get(n)
        if step.kind == "hidden":
            verdict = "не выполнялась" if o is None else ("пройдена" if o.status == "ok" else "не пройдена")
            cell = new_code_cell(f"// скрытая проверка {step.check}: {verdict}")
        else:
            cell = new_code_cell(step.code)
            cell.outputs = [nbformat.from_dict(x) for x in (o.outputs if o else [])]
        nb.cells.append(cell)
    nbformat.write(nb, path)


# --- many submissions, reports -------------------------------------------------------------------

def find_submissions(paths) -> list[Path]:
    found = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(q for q in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in q.parts))
        else:
            found.append(p)
    return found


def submission_ids(paths: list[Path]) -> list[str]:
    """Readable unique ids: the shortest path suffixes that tell the submissions apart."""
    parts = [p.with_suffix("").parts for p in paths]
    for depth in range(1, max((len(x) for x in parts), default=1) + 1):
        ids = ["__".join(x[-depth:]) for x in parts]
        if len(set(ids)) == len(ids):
            break
    return [re.sub(r"[^\w.-]+", "_", i) for i in ids]


def grade_all(source: Source, paths: list[Path], out_dir: Path, timeout: int = CELL_TIMEOUT,
              pass_mark: float = 60.0, jobs: int = 1, kernel_name: str = KERNEL,
              sandboxed: bool = True, kernels_at_once: int | None = None) -> list[SubmissionResult]:
    """Grades every submission; with jobs > 1 in that many worker processes, one kernel each. With
    `sandboxed` (the default) each submission runs in its own sandbox (RuntimeError where there is none).
    `kernels_at_once` (default: jobs) divides the CPUs among the kernels that run at the same time."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ids = submission_ids(paths)
    sandbox = grading_sandbox(kernel_name) if sandboxed else None
    threads = course_kernel.torch_threads(kernels_at_once or jobs)
    refused = refused_cells(source, [_readable(p) for p in paths], kernel_name)
    args = [(source, p, i, out_dir, timeout, pass_mark, kernel_name, sandbox, r, threads)
            for p, i, r in zip(paths, ids, refused)]
    if jobs <= 1 or len(args) <= 1:
        return [grade_one(*a) for a in args]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(grade_one, *zip(*args)))


def grading_sandbox(kernel_name: str = KERNEL) -> Sandbox:
    """The sandbox for untrusted submissions, with DJL's caches filled; RuntimeError where there is none."""
    problem = sandbox_problem()
    if problem:
        raise RuntimeError(f"no sandbox for untrusted submissions: {problem}. "
                           "For trusted work only (your own notebooks), pass --no-sandbox.")
    prepare_caches(kernel_name)
    return Sandbox.for_kernel(kernel_name)


def _readable(path: Path):
    try:
        return nbformat.read(path, as_version=4)
    except Exception:
        return None


def write_reports(source: Source, results: list[SubmissionResult], out_dir: Path, pass_mark: float) -> None:
    doc = {"assignment": source.name, "pass_mark": pass_mark, "max_score": source.max_score,
           "submissions": [dict(asdict(r), percent=round(r.percent, 1)) for r in results]}
    (out_dir / "report.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    (out_dir / "report.xml").write_text(junit(source, results), encoding="utf-8")
    (out_dir / "report.md").write_text(markdown(source, results, pass_mark), encoding="utf-8")


def junit(source: Source, results: list[SubmissionResult]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"]
    for r in results:
        failures = sum(c.status != "passed" for c in r.checks)
        out.append(f'  <testsuite name={quoteattr(f"{source.name}/{r.id}")} tests="{len(r.checks)}" '
                   f'failures="{failures}" time="{r.seconds:.2f}">')
        for c in r.checks:
            name = quoteattr(f"{c.id} ({c.points:g}/{c.max_points:g})")
            out.append(f'    <testcase classname={quoteattr(source.name + "." + r.id)} name={name} time="{c.seconds:.2f}">')
            if c.status != "passed":
                out.append(f'      <failure type={quoteattr(c.status)} message={quoteattr(c.message.splitlines()[0] if c.message else c.status)}>'
                           f'{escape(c.message)}</failure>')
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


STATUS_RU = {"passed": "✓ пройдена", "failed": "✗ не пройдена", "timeout": "✗ превышено время",
             "kernel-died": "✗ ядро упало", "not-run": "✗ не выполнялась"}


def markdown(source: Source, results: list[SubmissionResult], pass_mark: float) -> str:
    out = [f"# Оценка: {source.name}", "",
           f"Проходной балл: {pass_mark:g} %. Максимум: {source.max_score:g}.", "",
           "| работа | баллы | % | зачтено | время, с |", "|---|---:|---:|---|---:|"]
    for r in results:
        out.append(f"| {r.id} | {r.score:g} / {r.max_score:g} | {r.percent:.0f} | {'да' if r.passed else 'нет'} | {r.seconds:.1f} |")
    for r in results:
        out += ["", f"## {r.id}: {r.score:g} из {r.max_score:g}", ""]
        if r.error:
            out += [f"**Ошибка:** {r.error}", ""]
        out += ["| проверка | баллы | результат | время, с | сообщение |", "|---|---:|---|---:|---|"]
        for c in r.checks:
            msg = c.message.replace("|", "\\|").replace("\n", "<br>")
            out.append(f"| {c.id} | {c.points:g} / {c.max_points:g} | {STATUS_RU[c.status]} | {c.seconds:.1f} | {msg} |")
        for note in r.notes:
            out.append(f"\n* {note}")
    return "\n".join(out) + "\n"


# --- command line --------------------------------------------------------------------------------

def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_run"]:
        return runner_main()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("release", help="write the student version of a source notebook")
    r.add_argument("source", type=Path)
    r.add_argument("--out", type=Path, help="folder (default: assignments/release/<name>)")
    g = sub.add_parser("grade", help="grade submissions against a source notebook")
    g.add_argument("source", type=Path)
    g.add_argument("submissions", nargs="+", type=Path)
    g.add_argument("--out", type=Path, default=Path("build/grading"))
    g.add_argument("--pass-mark", type=float, default=60.0, help="percent of the points (default 60)")
    g.add_argument("--timeout", type=int, default=CELL_TIMEOUT, help=f"seconds per cell (default {CELL_TIMEOUT})")
    g.add_argument("--jobs", type=int, default=1, help="submissions graded at once, one kernel each (default 1)")
    g.add_argument("--kernel", default=KERNEL)
    g.add_argument("--no-sandbox", action="store_true",
                   help="run the kernels without the sandbox: for trusted work only (see docs/grading.md)")
    g.add_argument("--remove-source", action="store_true",
                   help="delete the source notebook once read, before any kernel starts (CI with hidden tests)")
    a = p.parse_args(argv)
    try:
        source = load_source(a.source)
    except Exception as e:
        print(f"cannot read the source notebook {a.source}: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    if a.command == "release":
        out = a.out or Path("assignments/release") / source.name
        out.mkdir(parents=True, exist_ok=True)
        nbformat.write(release(source.nb), out / a.source.name)
        print(f"{out / a.source.name}: {len(source.checks)} graded cells, {source.max_score:g} points")
        return 0
    if a.remove_source:
        a.source.unlink()
    paths = find_submissions(a.submissions)
    if not paths:
        print("no submissions found", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    try:
        results = grade_all(source, paths, a.out, a.timeout, a.pass_mark, a.jobs, a.kernel, sandboxed=not a.no_sandbox)
    except RuntimeError as e:
        print(e, file=sys.stderr)
        return 2
    write_reports(source, results, a.out, a.pass_mark)
    for res in results:
        print(f"{res.id}: {res.score:g}/{res.max_score:g} ({res.percent:.0f} %) {'passed' if res.passed else 'FAILED'}"
              f" in {res.seconds:.1f} s")
        for c in res.checks:
            if c.status != "passed":
                print(f"  {c.id}: {c.status}: {c.message.splitlines()[0] if c.message else ''}")
    print(f"{len(results)} submission(s) in {time.perf_counter() - t0:.1f} s; reports in {a.out}")
    return 0 if all(res.passed for res in results) else 1


if __name__ == "__main__":
    sys.exit(main())
