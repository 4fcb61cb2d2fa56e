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
import errno
import json
import os
import re
import shutil
import stat
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
# What one submission may take; docs/grading.md ("Пределы") lists them.
SUBMISSION_BYTES = 8 << 20  # a larger .ipynb is refused unread
SOLUTION_LINES = 400        # a longer solution cell is refused before the analyser sees it (the references: < 40)
SOLUTION_CHARS = 40_000
ANALYSER_SECONDS = 60       # the solution-cell analyser, per batch (plus 1 s a cell); then per submission
MESSAGE_CHARS = 2_000       # a message or note in the reports
STUB = ('// ВАШ КОД ЗДЕСЬ\n'
        'throw new UnsupportedOperationException("Решение не написано: замените эту строку своим кодом");')
HIDDEN_NOTE = "Скрытая проверка не пройдена (её код и сообщение видит только преподаватель)."


# --- notebooks: markers and cells -----------------------------------------------------------

def nbgrader_meta(cell) -> dict:
    """A cell's nbgrader metadata; {} where a (student's) notebook holds anything else there, so that
    no shape of metadata can make the grader raise."""
    meta = cell.get("metadata")
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return meta if isinstance(meta, dict) and isinstance(meta.get("grade_id", ""), str) else {}


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


def read_submission(path: Path) -> nbformat.NotebookNode:
    """A submission as a valid notebook; ValueError with the reason (for the student) when it is not
    one. Read once, without following a symbolic link, at most SUBMISSION_BYTES."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # a FIFO must not block the grader
    except OSError as e:
        raise ValueError("символическая ссылка, а не файл" if e.errno == errno.ELOOP else e.strerror) from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise ValueError("не обычный файл")
        data = f.read(SUBMISSION_BYTES + 1)
    if len(data) > SUBMISSION_BYTES:
        raise ValueError(f"файл больше {SUBMISSION_BYTES >> 20} МиБ")
    nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    nbformat.validate(nb)
    return nb


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
    declared). One JVM judges all the cells of a batch; nothing of the students' code runs here.
    Bounded: a cell over SOLUTION_LINES or SOLUTION_CHARS is refused unread, the analyser has
    ANALYSER_SECONDS, and when the batch's analysis fails each submission is analysed on its own:
    one that still cannot be analysed has its cells refused, the others are judged."""
    reference = solution_cells(source)
    refused: list[dict[str, str]] = [{} for _ in submissions]
    asked: list[list[dict]] = [[] for _ in submissions]
    for n, nb in enumerate(submissions):
        for cell in (nb.cells if nb is not None else []):
            gid = nbgrader_meta(cell).get("grade_id")
            if gid not in reference or cell.cell_type != "code":
                continue
            lines = cell.source.count("\n") + 1
            if lines > SOLUTION_LINES or len(cell.source) > SOLUTION_CHARS:
                refused[n][gid] = (f"ячейка длиннее {SOLUTION_LINES} строк или {SOLUTION_CHARS} символов "
                                   f"({lines} строк, {len(cell.source)} символов): решения задач короче.")
            else:
                asked[n].append({"task": gid, "reference": reference[gid], "cell": cell.source})
    batches, working = [[n for n in range(len(submissions)) if asked[n]]], False
    while batches:
        batch = batches.pop()
        requests = [r for n in batch for r in asked[n]]
        try:
            verdicts = _analyse(requests, kernel_name, ANALYSER_SECONDS + len(requests))
        except (subprocess.SubprocessError, ValueError) as e:
            if not working:  # the analyser itself must work, or every student would get 0
                own = [{"task": t, "reference": r, "cell": r} for t, r in reference.items()]
                try:
                    _analyse(own, kernel_name, ANALYSER_SECONDS)
                except (subprocess.SubprocessError, ValueError) as broken:
                    raise RuntimeError(f"the solution-cell analyser fails on the source's own cells: {broken}") from None
                working = True
            if len(batch) > 1:  # halve until the submission that breaks the analyser stands alone
                batches += [batch[:len(batch) // 2], batch[len(batch) // 2:]]
                continue
            why = "ячейку решения не удалось разобрать за отведённое время" if isinstance(
                e, subprocess.TimeoutExpired) else "ячейку решения не удалось разобрать"
            verdicts = [{"task": r["task"], "problem": why + ": упростите её."} for r in requests]
        owners = [n for n in batch for _ in asked[n]]
        for owner, verdict in zip(owners, verdicts):
            if verdict["problem"]:
                refused[owner][verdict["task"]] = verdict["problem"]
    return refused


def _analyse(requests: list[dict], kernel_name: str | None, seconds: float) -> list[dict]:
    """SolutionCells' verdicts on `requests`, in order; SubprocessError or ValueError when it fails."""
    if not requests:
        return []
    done = subprocess.run(
        [java_command(kernel_name), "-Xmx1g", "-cp", library_classpath(kernel_name), "dlcourse.grading.SolutionCells"],
        input=json.dumps(requests), capture_output=True, text=True, check=True, encoding="utf-8", timeout=seconds)
    verdicts = json.loads(done.stdout)
    if not isinstance(verdicts, list) or len(verdicts) != len(requests):
        raise ValueError("the analyser answered a different number of verdicts")
    return verdicts


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

    def __init__(self, kernel_name: str, timeout: int, workdir: Path, log, data_bytes: int | None = None,
                 uid: int | None = None):
        self.timeout = timeout
        self.client = _capped_client_class()(
            nbformat.v4.new_notebook(), kernel_name=kernel_name, timeout=timeout, allow_errors=True,
            interrupt_on_timeout=True, startup_timeout=STARTUP_TIMEOUT, shutdown_kernel="immediate",
            error_on_timeout={"ename": "CellTimeoutError", "evalue": f"longer than {timeout} s"},
            resources={"metadata": {"path": str(workdir)}},
            **({"kernel_manager_class": _bounded_kernel_manager(data_bytes, uid)} if data_bytes else {}))
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


def _bounded_kernel_manager(data_bytes: int, uid: int | None):
    """A KernelManager whose kernel starts under the per-submission limits (prlimit: `data_bytes` of
    writable memory, file size, no core dumps) and, given a `uid`, as that unprivileged user, with at most
    KERNEL_PROCESSES threads (RLIMIT_NPROC counts a user's, so each submission graded at the same time
    has a user of its own). Inside the sandbox the runner stays root: the student's code can neither
    signal nor trace it nor read its files."""
    from jupyter_client.manager import AsyncKernelManager  # nbclient's own kind: its timeouts need the async client

    limits = ["prlimit", f"--data={data_bytes}", f"--fsize={WORK_BYTES}", "--core=0"]
    drop = []
    if uid is not None:
        limits.append(f"--nproc={KERNEL_PROCESSES}")
        drop = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all", "--"]

    class BoundedKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            return limits + ["--"] + drop + super().format_kernel_cmd(extra_arguments)

        def write_connection_file(self, **kwargs):
            super().write_connection_file(**kwargs)
            if uid is not None:
                os.chown(self.connection_file, uid, uid)  # the kernel must read its ports and key

    return BoundedKernelManager


def _capped_client_class():
    """nbclient's NotebookClient keeping at most OUTPUT_BYTES of what a cell shows: what a flood of
    output costs the runner is one message at a time, and the executed copy says where it was cut."""
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):
        def process_message(self, msg, cell, cell_index):
            if msg["msg_type"] in ("stream", "display_data", "execute_result", "update_display_data", "error"):
                shown = self.__dict__.setdefault("_shown_bytes", {})
                used = shown.get(cell_index, 0)
                size = len(json.dumps(msg["content"]))  # ASCII: its length is its size in bytes
                shown[cell_index] = used + size
                if used + size > OUTPUT_BYTES:
                    if msg["msg_type"] == "error":  # kept, as the cell's verdict, cut to its first lines
                        msg["content"]["traceback"] = [str(line)[:1000] for line in msg["content"].get("traceback", [])[:20]]
                        msg["content"]["evalue"] = str(msg["content"].get("evalue", ""))[:MESSAGE_CHARS]
                    elif used <= OUTPUT_BYTES:  # the first message over the limit: say so, once
                        msg = {**msg, "msg_type": "stream", "content": {
                            "name": "stdout", "text": f"\n… вывод обрезан: ячейка показала больше {OUTPUT_BYTES >> 10} КиБ\n"}}
                        msg["header"] = {**msg["header"], "msg_type": "stream"}
                    else:
                        return None
            return super().process_message(msg, cell, cell_index)

    return CappedClient


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
    {"note": text}, and last {"log": text}, the kernel's own output (at most LOG_BYTES, up to the
    hidden phase). A timed-out cell or a dead kernel costs that cell only: the kernel is restarted
    and the earlier code cells are replayed. What a hidden step printed never leaves this function:
    its outcome carries the status and the kind of failure only."""
    steps, timeout, workdir = job["steps"], job["timeout"], Path(job["workdir"])
    outcomes: dict[int, Outcome] = {}
    with open(job["log"], "w+b") as log:
        kernel, restarts, i, visible_log = None, 0, 0, None
        try:
            while i < len(steps):
                if kernel is None:
                    if restarts > MAX_RESTARTS:
                        yield {"note": f"ядро перезапускалось {MAX_RESTARTS} раз: остальные ячейки не выполнялись"}
                        break
                    try:
                        kernel = Kernel(job["kernel"], timeout, workdir, log, job.get("data_bytes"), job.get("uid"))
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
                if step["kind"] == "hidden" and visible_log is None:
                    # kept now: from here on the kernel may write anywhere in its log, even over the start
                    visible_log = os.pread(log.fileno(), LOG_BYTES, 0)
                outcomes[i] = o = kernel.run(step["code"])
                if step["kind"] == "hidden":
                    o = Outcome(o.status, o.seconds, message=failure_kind(o))
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
        # Read through the runner's own descriptor: no path, so no link the kernel put in its place.
        kept = os.pread(log.fileno(), LOG_BYTES, 0) if visible_log is None else visible_log
        yield {"log": kept.decode("utf-8", errors="replace")}


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
    name = (thrown.group(1) if thrown else o.ename).rsplit(".", 1)[-1]
    # Only names from a fixed list reach the report: the name of a class the student made up could
    # carry the hidden test's text out, a few characters at a time.
    return f"исключение в вашем коде ({name if name in KNOWN_EXCEPTIONS else 'своего класса'}) на входах скрытой проверки"


KNOWN_EXCEPTIONS = frozenset("""
    ArithmeticException ArrayIndexOutOfBoundsException ArrayStoreException AssertionError ClassCastException
    ConcurrentModificationException EngineException IllegalArgumentException IllegalStateException
    IndexOutOfBoundsException NegativeArraySizeException NoSuchElementException NullPointerException
    NumberFormatException OutOfMemoryError StackOverflowError StringIndexOutOfBoundsException
    UnsupportedOperationException""".split())


def runner_main() -> int:
    """`grade.py _run`: the runner inside the sandbox; the job on stdin, one JSON line per result."""
    _make_undumpable()
    job = json.load(sys.stdin)
    if job.get("threads"):  # the kernels inherit it
        os.environ["OMP_NUM_THREADS"] = str(job["threads"])
    for record in run_steps(job):
        print(json.dumps(record), flush=True)  # ASCII: no line separator of a student's text splits a record
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

KERNEL_UID_BASE = 3_000_000  # + the grading process's pid (< 2^22): a uid no account and no other grading process has
NOBODY = 65534
# Per submission (docs/grading.md, "Пределы"); the time limits are CELL_TIMEOUT, STARTUP_TIMEOUT and ANALYSER_SECONDS.
SCRATCH = Path("/grading")  # in the sandbox: the runner's and the kernel's folders, a tmpfs gone with the sandbox
WORK_BYTES = 1 << 30        # all the kernel can write there (its working folder, checkpoints): RAM, not the grader's disk
TMP_BYTES = 256 << 20       # the sandbox's /tmp
LOG_BYTES = 1 << 20         # the kernel's own stdout/stderr kept for the instructor (a tmpfs of 4x that takes it)
OUTPUT_BYTES = 256 << 10    # what one cell shows in the executed copy; the rest is cut
NATIVE_BYTES = 2 << 30      # the kernel's writable memory beyond its Java heap (RLIMIT_DATA: native arrays, thread stacks)
KERNEL_PROCESSES = 512      # processes and threads of a kernel's user (RLIMIT_NPROC; a kernel has ~50)


@dataclass
class Sandbox:
    """What a submission's kernel can see (bubblewrap): the system directories, the JDK, the virtual
    environment, the kernel spec, the library's class path, the course data and the DJL caches, all
    read-only, and the submission's private scratch folder; its own PID, network, IPC and UTS
    namespaces (no network at all), no environment but what is listed, a new session; every process
    in it dies when it ends. Not the course sources, the other submissions, the grader's output
    folder or the rest of the repository. As root the kernel also drops to an unprivileged user."""
    readonly: list[str]
    env: dict[str, str]
    as_root: bool           # the runner is root and the kernel drops to a user of its own; otherwise a user namespace
    data_bytes: int         # RLIMIT_DATA of the kernel: the kernel spec's Java heap (-Xmx) + NATIVE_BYTES

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
        heap = re.search(r"-Xmx(\d+)([kKmMgG]?)\b", spec.env.get("JJAVA_JVM_OPTS", ""))
        heap_bytes = int(heap.group(1)) << {"": 0, "k": 10, "m": 20, "g": 30}[heap.group(2).lower()] if heap else 4 << 30
        return cls(sorted(set(paths)), env, os.geteuid() == 0, heap_bytes + NATIVE_BYTES)

    def command(self, argv: list[str]) -> list[str]:
        cmd = ["bwrap", "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net",
               "--unshare-ipc", "--unshare-uts", "--hostname", "grading", "--clearenv"]
        if not self.as_root:
            cmd += ["--unshare-user"]
        for d in ("/usr", "/etc"):
            cmd += ["--ro-bind", d, d]
        for d in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
            if os.path.islink(d):
                cmd += ["--symlink", os.readlink(d), d]
            elif os.path.isdir(d):
                cmd += ["--ro-bind", d, d]
        cmd += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(TMP_BYTES), "--tmpfs", "/tmp"]
        bound = ["/usr", "/etc"] + self.readonly
        parents = {str(a) for p in self.readonly for a in Path(p).parents
                   if not any(str(a) == b or str(a).startswith(b + "/") for b in bound)}
        for d in sorted(parents - {"/", "/tmp"}, key=len):  # bwrap would create them 0700: the kernel could not pass
            cmd += ["--perms", "0755", "--dir", d]
        for p in self.readonly:
            cmd += ["--ro-bind-try", p, p]
        # Everything the sandbox writes lives in tmpfs of bounded size, nothing on the grader's disk: the
        # kernel's working folder (all it may write), Jupyter's folders (the runner's, 0755) and the kernel's log.
        cmd += ["--perms", "0755", "--size", str(WORK_BYTES), "--tmpfs", str(SCRATCH),
                "--perms", "1777", "--dir", str(SCRATCH / "work"), "--dir", str(SCRATCH / "runtime"),
                "--dir", str(SCRATCH / "home"), "--size", str(4 * LOG_BYTES), "--tmpfs", str(SCRATCH / "log"),
                "--chdir", str(SCRATCH / "work")]
        # bwrap's own root and /dev are tmpfs of no fixed size, writable by the kernel where it is the
        # grader's user (no root): read-only, so that the bounded folders above are all it can fill.
        cmd += ["--remount-ro", "/", "--remount-ro", "/dev"]
        env = dict(self.env, HOME=str(SCRATCH / "home"), JUPYTER_RUNTIME_DIR=str(SCRATCH / "runtime"),
                   JUPYTER_CONFIG_DIR=str(SCRATCH / "home" / ".jupyter"), JUPYTER_DATA_DIR=str(SCRATCH / "home" / "data"),
                   DL_CHECKPOINTS=str(SCRATCH / "work" / "checkpoints"))
        for k, v in sorted(env.items()):
            cmd += ["--setenv", k, v]
        return cmd + ["--"] + argv


def kernel_uid() -> int:
    """The user a kernel runs as when grading as root: one that no other submission graded at the
    same time has (it is the grading process's pid, offset) and no account has, so that RLIMIT_NPROC,
    which counts a user's threads, is each submission's own. Where those ids are not mapped (a
    container's user namespace) it is `nobody`, whose limit the submissions graded at once share."""
    try:
        identity = Path("/proc/self/uid_map").read_text().split() == ["0", "0", "4294967295"]
    except OSError:
        identity = False
    return KERNEL_UID_BASE + os.getpid() if identity else NOBODY


def sandbox_problem() -> str | None:
    """Why submissions cannot be sandboxed on this machine, or None."""
    if shutil.which("bwrap") is None:
        return ("bubblewrap is not installed (Debian/Ubuntu: tools/apt-install.sh 'the grading sandbox' bubblewrap); "
                "grading untrusted work needs it")
    if shutil.which("prlimit") is None:
        return "prlimit (util-linux) is missing: the kernel's memory and processes could not be bounded"
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return "setpriv (util-linux) is missing: the kernel could not drop to an unprivileged user"
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
    if os.geteuid() == 0:  # DJL makes the engine's folder 0700; the kernel's user must read it
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

    def __post_init__(self):
        self.message = printable(self.message)


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

    def __post_init__(self):
        self.notes = [printable(n) for n in self.notes]
        self.error = printable(self.error) if self.error is not None else None

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


def grade_one(source: Source, path: Path, sub_id: str, out_dir: Path, timeout: int, pass_mark: float,
              kernel_name: str = KERNEL, sandbox: Sandbox | None = None,
              refused: dict[str, str] | None = None, threads: int | None = None,
              submission: nbformat.NotebookNode | None = None) -> SubmissionResult:
    """Grades one submission (`submission`: the notebook as already read from `path`): its steps run
    in a runner process (in `sandbox`, unless None), and the scores, the executed copy and the
    kernel's log are written here, once the sandbox is gone. Whatever goes wrong, the submission gets
    a row of its own: an error here never reaches the batch."""
    t0 = time.perf_counter()
    not_run = lambda msg: [CheckResult(c.id, c.task, 0, c.points, "not-run", msg, 0) for c in source.checks]
    try:
        submission = submission if submission is not None else read_submission(path)
    except Exception as e:
        msg = f"блокнот не читается: {type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"
        return SubmissionResult(sub_id, str(path), 0, source.max_score, False, time.perf_counter() - t0,
                                not_run(msg), [], error=msg)
    try:
        return _grade(source, path, sub_id, out_dir, timeout, pass_mark, kernel_name, sandbox, refused, threads,
                      submission, t0)
    except Exception as e:
        msg = f"оценка не удалась: {type(e).__name__}: {str(e)[:200]}"
        return SubmissionResult(sub_id, str(path), 0, source.max_score, False, time.perf_counter() - t0,
                                not_run(msg), [], error=msg)


def _grade(source, path, sub_id, out_dir, timeout, pass_mark, kernel_name, sandbox, refused, threads,
           submission, t0) -> SubmissionResult:
    if refused is None:
        refused = refused_cells(source, [submission], kernel_name)[0]
    steps, notes = assemble(source, submission, refused)
    outcomes: dict[int, Outcome] = {}
    runner = [sys.executable, str(Path(__file__).resolve()), "_run"]
    job = {"steps": [asdict(s) for s in steps], "timeout": timeout, "kernel": kernel_name, "threads": threads}
    limit = (len(steps) + 2) * timeout + (MAX_RESTARTS + 1) * STARTUP_TIMEOUT
    # In the sandbox everything the runner and the kernel write is in the sandbox's own tmpfs; the
    # grader reads nothing the submission could have replaced, only what the runner prints.
    scratch = SCRATCH if sandbox else Path(tempfile.mkdtemp(prefix="grade-"))
    try:
        if sandbox:
            job.update(data_bytes=sandbox.data_bytes, uid=kernel_uid() if sandbox.as_root else None)
            command, env = sandbox.command(runner), None
        else:  # trusted work: a folder of the grader's
            for d in ("work", "log"):
                (scratch / d).mkdir()
            command, env = runner, dict(os.environ, DL_CHECKPOINTS=str(scratch / "work" / "checkpoints"))
        job.update(workdir=str(scratch / "work"), log=str(scratch / "log" / "kernel.log"))
        try:
            done = subprocess.run(command, input=json.dumps(job), capture_output=True, text=True, timeout=limit,
                                  env=env, encoding="utf-8", errors="replace")
            lines, trouble = done.stdout.split("\n"), (done.returncode and done.stderr.strip()[-300:])
        except subprocess.TimeoutExpired as e:
            lines, trouble = (e.stdout or b"").decode(errors="replace").split("\n"), f"дольше {limit} с"
    finally:
        if not sandbox:
            shutil.rmtree(scratch, ignore_errors=True)
    for line in filter(None, lines):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            notes.append(f"непонятная строка от исполнителя: {line[:100]}")
            continue
        if "note" in record:
            notes.append(record["note"])
        elif "log" in record:
            log = str(record["log"]).encode("utf-8")[:LOG_BYTES].decode("utf-8", errors="ignore")  # whole characters
            (out_dir / f"{sub_id}.kernel.log").write_text(log, encoding="utf-8")
        else:
            n = record.pop("i")
            outcomes[n] = Outcome(**record)
    if trouble:
        notes.append(f"оценка прервана: {trouble}")
    broken = {task: f"Ячейка решения «{task}» не принята: {why} " for task, why in refused.items()}
    for n, step in enumerate(steps):
        o = outcomes.get(n)
        if step.task and step.task not in broken and o is not None and o.status not in ("ok", "stderr"):
            broken[step.task] = f"Ячейка решения «{step.task}» не выполнилась ({o.message.splitlines()[0] if o.message else o.status}). "
    checks = []
    for c in source.checks:
        idx = {s.kind: n for n, s in enumerate(steps) if s.check == c.id}
        vis, hid = outcomes.get(idx.get("visible")), outcomes.get(idx.get("hidden")) if "hidden" in idx else None
        seconds = vis.seconds if vis else 0  # a hidden step's time would tell its inputs to a sleeping submission
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


# Characters XML 1.0 cannot carry, whatever the escaping (C0 controls but tab and line ends, lone
# surrogates, U+FFFE/U+FFFF): a student's message must never make a report unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def printable(text: str, limit: int = MESSAGE_CHARS) -> str:
    """`text` as every report can carry it: no character XML forbids, at most `limit` characters."""
    text = _NOT_XML.sub("\ufffd", text)
    return text if len(text) <= limit else text[:limit] + "…"


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
    """The .ipynb files under each path; symbolic links to folders are not followed (a linked
    notebook is found, and refused when read)."""
    found = []
    for p in map(Path, paths):
        if p.is_dir() and not p.is_symlink():
            for folder, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if d != ".ipynb_checkpoints")
                found.extend(Path(folder) / f for f in sorted(files) if f.endswith(".ipynb"))
        else:
            found.append(p)
    return found


def submission_ids(paths: list[Path]) -> list[str]:
    """Readable unique ids, safe as file names: the shortest path suffixes that tell the submissions
    apart; paths that still agree at full length once made safe (names that differ only in
    punctuation) are numbered."""
    parts = [tuple(re.sub(r"[^\w.-]+", "_", x).strip(".") or "_" for x in p.with_suffix("").parts) for p in paths]
    distinct = sorted(set(parts))
    for depth in range(1, max((len(x) for x in distinct), default=1) + 1):
        short = {x: "__".join(x[-depth:]) for x in distinct}
        if len(set(short.values())) == len(short):
            break
    ids, seen = [], {}
    for x in parts:
        seen[x] = seen.get(x, 0) + 1
        candidate = short[x] if seen[x] == 1 else f"{short[x]}-{seen[x]}"
        while candidate in ids or (seen[x] > 1 and candidate in short.values()):
            seen[x] += 1
            candidate = f"{short[x]}-{seen[x]}"
        ids.append(candidate)
    return ids


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
    notebooks = [_readable(p) for p in paths]  # read once: what the analyser judges is what runs
    refused = refused_cells(source, notebooks, kernel_name)
    args = [(source, p, i, out_dir, timeout, pass_mark, kernel_name, sandbox, r, threads, nb)
            for p, i, r, nb in zip(paths, ids, refused, notebooks)]
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
        return read_submission(path)
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
