"""Release and grade the course's assignments (nbgrader-compatible notebooks, no nbgrader needed).

    .venv/bin/python tools/grade.py release assignments/source/lstm/lstm.ipynb [--out assignments/release/lstm]
    .venv/bin/python tools/grade.py grade assignments/source/lstm/lstm.ipynb SUBMISSION... \\
            [--out build/grading] [--pass-mark 60] [--timeout 120] [--jobs 1] [--remove-source]

`release` writes the student version: every `// BEGIN SOLUTION` ... `// END SOLUTION` region becomes a
stub that throws (in Russian), hidden tests are cut out, outputs cleared.

`grade` grades each SUBMISSION (a notebook, or a folder searched for *.ipynb) against the SOURCE
notebook (the instructor's version, with solutions and hidden tests):
  * the submission's solution cells are kept; every other graded or locked cell is taken from the
    source (a student cannot edit or delete the checks), markdown and outputs are dropped;
  * each submission runs in a fresh kernel, in an empty temporary working folder, with a time limit
    per cell; a failing cell never stops the run; a timed-out cell or a dead kernel costs that cell
    only: the kernel is restarted and the earlier non-test cells are replayed;
  * hidden tests are sent to the kernel only when their cell runs (after the student's code), as a
    separate execution, so that the report can tell visible from hidden failures; their code and
    messages never reach the report or the executed copy;
  * a test cell earns its points when both parts pass and nothing was written to stderr (as nbgrader).
Outputs in --out: report.json, report.xml (JUnit), report.md and one executed copy per submission.
Exit status: 0 when every submission reaches --pass-mark percent, 1 when one does not, 2 on a usage
error (e.g. an unreadable source). A malformed submission is reported (score 0), never crashed on.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import nbformat
from nbformat.v4 import new_code_cell

KERNEL = "java-dl"
CELL_TIMEOUT = 120          # seconds per cell
MAX_RESTARTS = 3            # kernel (re)starts per submission after the first, before the rest is skipped
STARTUP_TIMEOUT = 180       # seconds for a kernel to start (a loaded machine needs more than nbclient's 60)
STUB = ('// ВАШ КОД ЗДЕСЬ\n'
        'throw new UnsupportedOperationException("Решение не написано: замените эту строку своим кодом");')
HIDDEN_NOTE = "Скрытая проверка не пройдена (её код и сообщение видит только преподаватель)."
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


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
            checks.append(Check(meta["grade_id"], float(meta.get("points", 0)), visible, hidden, task))
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


def assemble(source: Source, submission) -> tuple[list[Step], list[str]]:
    """What the kernel runs for a submission, and notes about the submission's structure."""
    notes = []
    ids = {nbgrader_meta(c).get("grade_id"): c for c in submission.cells if nbgrader_meta(c).get("grade_id")}
    by_check = {c.id: c for c in source.checks}
    steps = []
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
            steps.append(Step("code", mine.source, task=gid, label=f"решение {gid}"))
        elif gid in by_check:
            check = by_check[gid]
            steps.append(Step("visible", check.visible, gid, f"проверка {gid}"))
            if check.hidden.strip():
                steps.append(Step("hidden", check.hidden, gid, f"скрытая проверка {gid}"))
        else:
            steps.append(Step("code", cell.source, label=f"ячейка {gid or cell.get('id', '')}"))
    known = {nbgrader_meta(c).get("grade_id") for c in source.nb.cells}
    extra = [c for c in submission.cells if c.cell_type == "code" and nbgrader_meta(c).get("grade_id") not in known]
    if extra:
        notes.append(f"добавленные ячейки кода ({len(extra)}) не выполняются: пишите решение в ячейках «ваше решение»")
    return steps, notes


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
    """A java-dl kernel in its own empty working folder; cells run one at a time with a time limit."""

    def __init__(self, kernel_name: str, timeout: int, workdir: Path, log):
        from nbclient import NotebookClient
        self.timeout = timeout
        self.client = NotebookClient(
            nbformat.v4.new_notebook(), kernel_name=kernel_name, timeout=timeout, allow_errors=True,
            interrupt_on_timeout=True, startup_timeout=STARTUP_TIMEOUT,
            error_on_timeout={"ename": "CellTimeoutError", "evalue": f"longer than {timeout} s"},
            resources={"metadata": {"path": str(workdir)}})
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
        for o in cell.outputs:
            if o.get("output_type") == "error":
                ename = o.get("ename", "Error")
                if ename == "CellTimeoutError" or seconds >= self.timeout:
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


def _message(error_output) -> str:
    """The student-facing text of a kernel error: the exception line, or the compiler's diagnostics
    followed by the offending line."""
    tb = [_ANSI.sub("", line) for line in error_output.get("traceback", [])]
    lines = [line.rstrip() for line in "\n".join(tb).splitlines() if line.strip() and not line.lstrip().startswith("at ")]
    if error_output.get("ename") == "CompilationException":
        code = [line for line in lines if line.startswith("|")]
        diagnostics = [line.strip() for line in lines if not line.startswith("|")]
        text = "ошибка компиляции: " + "; ".join(diagnostics[:3]) + ("\n" + "\n".join(code[:2]) if code else "")
    else:
        text = "\n".join(lines[:8]) or error_output.get("evalue", "")
    for prefix in ("java.lang.", "dlcourse.grading."):
        text = text.replace(prefix, "")
    return text.strip()


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
              kernel_name: str = KERNEL) -> SubmissionResult:
    t0 = time.perf_counter()
    not_run = lambda msg: [CheckResult(c.id, c.task, 0, c.points, "not-run", msg, 0) for c in source.checks]
    try:
        submission = nbformat.read(path, as_version=4)
        nbformat.validate(submission)
    except Exception as e:
        msg = f"блокнот не читается: {type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"
        return SubmissionResult(sub_id, str(path), 0, source.max_score, False, time.perf_counter() - t0,
                                not_run(msg), [], error=msg)
    steps, notes = assemble(source, submission)
    outcomes: dict[int, Outcome] = {}
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        workdir = Path(tmp) / "work"
        workdir.mkdir()
        log_path = out_dir / f"{sub_id}.kernel.log"
        with open(log_path, "wb") as log:
            kernel, restarts, i = None, 0, 0
            try:
                while i < len(steps):
                    if kernel is None:
                        if restarts > MAX_RESTARTS:
                            notes.append(f"ядро перезапускалось {MAX_RESTARTS} раз: остальные ячейки не выполнялись")
                            break
                        try:
                            kernel = Kernel(kernel_name, timeout, workdir, log)
                        except Exception as e:  # did not start (e.g. a machine under load): try again
                            notes.append(f"ядро не запустилось: {type(e).__name__}: {str(e)[:200]}")
                            restarts += 1
                            continue
                        for j in range(i):  # replay the earlier code cells that worked
                            if steps[j].kind == "code" and outcomes[j].status in ("ok", "error", "stderr"):
                                kernel.run(steps[j].code)
                    step = steps[i]
                    if step.kind == "hidden" and outcomes[i - 1].status != "ok":
                        i += 1  # the visible part failed: no need to run the hidden one
                        continue
                    outcomes[i] = kernel.run(step.code)
                    if outcomes[i].status in ("timeout", "died"):
                        kernel.close()
                        kernel, restarts = None, restarts + 1
                        notes.append(f"{step.label}: {outcomes[i].message}; ядро перезапущено")
                    i += 1
            except Exception as e:  # the kernel did not start, or nbclient failed: report, go on
                notes.append(f"оценка прервана: {type(e).__name__}: {str(e)[:300]}")
            finally:
                if kernel is not None:
                    kernel.close()
    broken = {}  # task -> why its solution cell did not run cleanly
    for n, step in enumerate(steps):
        o = outcomes.get(n)
        if step.task and o is not None and o.status not in ("ok", "stderr"):
            broken[step.task] = f"Ячейка решения «{step.task}» не выполнилась ({o.message.splitlines()[0] if o.message else o.status}). "
    checks = []
    for c in source.checks:
        idx = {s.kind: n for n, s in enumerate(steps) if s.check == c.id}
        vis, hid = outcomes.get(idx.get("visible")), outcomes.get(idx.get("hidden")) if "hidden" in idx else None
        seconds = sum(o.seconds for o in (vis, hid) if o)
        if vis is None:
            checks.append(CheckResult(c.id, c.task, 0, c.points, "not-run", "не выполнялась", seconds))
        elif vis.status != "ok":
            checks.append(CheckResult(c.id, c.task, 0, c.points, _status(vis), broken.get(c.task, "") + vis.message, seconds))
        elif "hidden" in idx and (hid is None or hid.status != "ok"):
            checks.append(CheckResult(c.id, c.task, 0, c.points, _status(hid) if hid else "not-run",
                                      HIDDEN_NOTE, seconds, hidden_failed=True))
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
              pass_mark: float = 60.0, jobs: int = 1, kernel_name: str = KERNEL) -> list[SubmissionResult]:
    """Grades every submission; with jobs > 1 in that many worker processes, one kernel each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ids = submission_ids(paths)
    args = [(source, p, i, out_dir, timeout, pass_mark, kernel_name) for p, i in zip(paths, ids)]
    if jobs <= 1 or len(args) <= 1:
        return [grade_one(*a) for a in args]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(grade_one, *zip(*args)))


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
    results = grade_all(source, paths, a.out, a.timeout, a.pass_mark, a.jobs, a.kernel)
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
