"""Acceptance tests of the graded assignments (docs/grading.md) and of tools/grade.py.

For every assignment in assignments/source/: the reference solution (the source notebook itself)
scores full marks; the student release with its stubs untouched scores zero on every check; and
each deliberately wrong solution in assignments/fixtures/<assignment>/<solution id>.java loses
exactly the points of the checks of that task (`<solution id>--<mistake>.java`: more wrong answers to
the same task). The misbehaving submissions of
assignments/fixtures/robustness/ (and malformed notebooks) are graded without crashing the grader,
costing only their task. All submissions are graded once per session, DL_GRADING_JOBS (default 2)
at a time, each in its own kernel.
"""
import json
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest

import course_kernel
import grade

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = ROOT / "assignments"
FIXTURES = ASSIGNMENTS / "fixtures"
OUT = ROOT / "build" / "test" / "grading"
JOBS = int(os.environ.get("DL_GRADING_JOBS", "2"))
TIMEOUT = 120               # per cell, as in CI
ROBUST_TIMEOUT = 20         # per cell for the robustness fixtures (the infinite loop waits this long; lstm cells take <= 3 s)
ROBUST_TASK = "lstm_unroll"

SOURCES = sorted(ASSIGNMENTS.glob("source/*/*.ipynb"))
if os.environ.get("DL_GRADING_ASSIGNMENTS"):  # a comma-separated subset, to try one assignment
    SOURCES = [p for p in SOURCES if p.stem in os.environ["DL_GRADING_ASSIGNMENTS"].split(",")]


def task_of(fixture: Path) -> str:
    """The solution id a wrong-answer fixture replaces: `residual_block--stride-on-second-conv` -> `residual_block`."""
    return fixture.stem.split("--")[0]


def with_solution(source_nb, solution_id: str, code: str):
    """A copy of the source notebook whose solution cell `solution_id` holds `code`."""
    nb = nbformat.from_dict(json.loads(json.dumps(source_nb)))
    cells = [c for c in nb.cells if grade.nbgrader_meta(c).get("grade_id") == solution_id]
    assert len(cells) == 1 and grade.nbgrader_meta(cells[0]).get("solution"), solution_id
    cells[0].source = code
    return nb


def submissions(tmp: Path) -> list[tuple[grade.Source, Path, str, int]]:
    """(source, submission path, id, per-cell timeout) for every submission the tests grade."""
    jobs = []
    for path in SOURCES:
        source = grade.load_source(path)
        folder = tmp / source.name
        folder.mkdir()
        nbformat.write(source.nb, folder / "reference.ipynb")
        nbformat.write(grade.release(source.nb), folder / "release.ipynb")
        jobs += [(source, folder / "reference.ipynb", f"{source.name}-reference", TIMEOUT),
                 (source, folder / "release.ipynb", f"{source.name}-release", TIMEOUT)]
        for fixture in sorted((FIXTURES / source.name).glob("*.java")):
            sub = folder / f"wrong-{fixture.stem}.ipynb"
            nbformat.write(with_solution(source.nb, task_of(fixture), fixture.read_text()), sub)
            jobs.append((source, sub, f"{source.name}-wrong-{fixture.stem}", TIMEOUT))
        if source.name == "lstm":
            for fixture in sorted((FIXTURES / "robustness").glob("*.java")):
                sub = folder / f"robust-{fixture.stem}.ipynb"
                nbformat.write(with_solution(source.nb, ROBUST_TASK, fixture.read_text()), sub)
                jobs.append((source, sub, f"robust-{fixture.stem}", ROBUST_TIMEOUT))
            (folder / "malformed-json.ipynb").write_text('{"cells": [ {"cell_type": "code", "sour')
            (folder / "malformed-schema.ipynb").write_text(json.dumps({"nbformat": 4, "cells": "not a list"}))
            jobs += [(source, folder / "malformed-json.ipynb", "malformed-json", ROBUST_TIMEOUT),
                     (source, folder / "malformed-schema.ipynb", "malformed-schema", ROBUST_TIMEOUT)]
    return jobs


@pytest.fixture(scope="session")
def graded(tmp_path_factory) -> dict[str, grade.SubmissionResult]:
    OUT.mkdir(parents=True, exist_ok=True)
    jobs = submissions(tmp_path_factory.mktemp("submissions"))
    # The slowest first, so that the two workers finish together.
    jobs.sort(key=lambda j: (j[2].startswith("robust-infinite"), j[0].name == "alexnet"), reverse=True)
    t0 = time.perf_counter()
    sandbox = grade.grading_sandbox()
    refused = {}  # the solution-cell rule, one JVM per assignment
    for name in {j[0].name for j in jobs}:
        mine = [j for j in jobs if j[0].name == name]
        verdicts = grade.refused_cells(mine[0][0], [grade._readable(j[1]) for j in mine])
        refused.update({j[2]: v for j, v in zip(mine, verdicts)})
    with ProcessPoolExecutor(max_workers=JOBS) as pool:
        futures = {j[2]: pool.submit(grade.grade_one, j[0], j[1], j[2], OUT, j[3], 60.0, grade.KERNEL, sandbox,
                                     refused[j[2]], course_kernel.torch_threads(JOBS)) for j in jobs}
        results = {name: f.result() for name, f in futures.items()}
    by_source = {}
    for j in jobs:
        by_source.setdefault(j[0].name, (j[0], []))[1].append(results[j[2]])
    for name, (source, res) in by_source.items():
        folder = OUT / name
        folder.mkdir(exist_ok=True)
        grade.write_reports(source, res, folder, 60.0)
    print(f"\ngraded {len(jobs)} submissions in {time.perf_counter() - t0:.1f} s with {JOBS} workers")
    return results


def _summary(r: grade.SubmissionResult) -> str:
    return "\n".join(f"  {c.id}: {c.points:g}/{c.max_points:g} {c.status} {c.message[:300]}" for c in r.checks) + \
        ("\n  notes: " + "; ".join(r.notes) if r.notes else "") + (f"\n  error: {r.error}" if r.error else "")


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_reference_solution_scores_full_marks(source, graded):
    r = graded[f"{source.stem}-reference"]
    assert r.score == r.max_score > 0, _summary(r)


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_release_with_stubs_scores_zero(source, graded):
    r = graded[f"{source.stem}-release"]
    assert r.score == 0, _summary(r)
    for c in r.checks:  # the stub fails loudly, in Russian
        assert "Решение не написано" in c.message or c.hidden_failed, _summary(r)


WRONG = [(p, f) for p in SOURCES for f in sorted((FIXTURES / p.stem).glob("*.java"))]


@pytest.mark.parametrize("source,fixture", WRONG, ids=[f"{p.stem}-{f.stem}" for p, f in WRONG])
def test_wrong_solution_loses_exactly_its_tasks_points(source, fixture, graded):
    r = graded[f"{source.stem}-wrong-{fixture.stem}"]
    mine = [c for c in r.checks if c.task == task_of(fixture)]
    assert mine, f"no check follows solution cell {task_of(fixture)}"
    for c in r.checks:
        expected = 0 if c.task == task_of(fixture) else c.max_points
        assert c.points == expected, f"{c.id}: {c.points:g} points, expected {expected:g}\n{_summary(r)}"
    assert r.score == r.max_score - sum(c.max_points for c in mine)


# A failed hidden check tells the student which kind of property failed (never the test itself).
HIDDEN_KINDS = {("lstm", "lstm_step"): "значения против эталона", ("cnn-blocks", "vgg"): "число параметров",
                ("rnn", "window_predictions--java-loops"): "градиент", ("rnn", "bptt--autograd"): "исключение в вашем коде",
                ("dcgan-cgan", "information_term--log-of-softmax"): "конечность значений",
                ("srgan", "depth_to_space--channels-last-order"): "значения против эталона"}


@pytest.mark.parametrize("assignment,fixture", sorted(HIDDEN_KINDS), ids=[f"{a}-{f}" for a, f in sorted(HIDDEN_KINDS)])
def test_a_hidden_failure_names_its_kind(assignment, fixture, graded):
    if f"{assignment}-wrong-{fixture}" not in graded:
        pytest.skip(f"{assignment} not graded in this run (DL_GRADING_ASSIGNMENTS)")
    r = graded[f"{assignment}-wrong-{fixture}"]
    hidden = [c for c in r.checks if c.hidden_failed]
    assert hidden and all(f"Что не так: {HIDDEN_KINDS[assignment, fixture]}" in c.message for c in hidden), _summary(r)


def test_every_task_has_a_wrong_solution_fixture():
    for path in SOURCES:
        tasks = {c.task for c in grade.load_source(path).checks}
        fixtures = {task_of(f) for f in (FIXTURES / path.stem).glob("*.java")}
        assert tasks == fixtures, f"{path.stem}: tasks {sorted(tasks)}, fixtures {sorted(fixtures)}"


# The status of the robustness task's check. Memory: the JVM throws OutOfMemoryError ("failed"),
# unless the collector thrashes past the time limit first on a loaded machine ("timeout").
ROBUST = {"infinite_loop": {"timeout"}, "exception": {"failed"}, "compile_error": {"failed"},
          "kernel_death": {"kernel-died"}, "memory_exhaustion": {"failed", "timeout"}, "stderr": {"failed"}}


@pytest.mark.parametrize("kind", sorted(ROBUST))
def test_misbehaving_submission_costs_only_its_task(kind, graded):
    r = graded[f"robust-{kind}"]
    for c in r.checks:
        if c.task == ROBUST_TASK:
            assert c.points == 0 and c.status in ROBUST[kind], _summary(r)
        else:
            assert c.points == c.max_points, f"{c.id} lost points after {kind}\n{_summary(r)}"
    limit = sum(1 for _ in r.checks) * 2 * ROBUST_TIMEOUT + 120
    assert r.seconds < limit, f"{kind}: graded in {r.seconds:.0f} s"
    if kind == "kernel_death":
        assert any("ядро перезапущено" in n for n in r.notes), r.notes
    if kind == "compile_error":  # the student is told that the solution cell does not compile, and why
        assert any("Ячейка решения «lstm_unroll» не принята: ошибка компиляции: ';' expected (строка 2" in c.message
                   for c in r.checks), _summary(r)
    if kind == "memory_exhaustion":
        assert any("OutOfMemoryError" in c.message or c.status == "timeout" for c in r.checks), _summary(r)
    if kind in ("exception", "infinite_loop", "memory_exhaustion"):  # the fixture itself compiles
        assert not any("ошибка компиляции" in c.message and "Ячейка решения" in c.message for c in r.checks), _summary(r)
    if kind == "stderr":
        assert any("stderr" in c.message for c in r.checks), _summary(r)


@pytest.mark.parametrize("kind", ["malformed-json", "malformed-schema"])
def test_malformed_notebook_is_reported(kind, graded):
    r = graded[kind]
    assert r.score == 0 and r.error and "блокнот не читается" in r.error
    assert all(c.status == "not-run" for c in r.checks)


def test_reports_hide_the_hidden_tests(graded):
    """Neither the JSON/Markdown/JUnit reports nor the executed copies contain hidden test code."""
    sources = [grade.load_source(p) for p in SOURCES]
    # what students may see anyway: every release, the solutions, and code they wrote (the fixtures)
    seen = "".join(nbformat.writes(grade.release(s.nb)) for s in sources) + "".join(
        c.source for s in sources for c in s.nb.cells if grade.nbgrader_meta(c).get("solution")) + "".join(
        f.read_text(encoding="utf-8") for f in FIXTURES.rglob("*.java"))
    hidden = [line.strip() for s in sources for c in s.checks for line in c.hidden.splitlines()
              if len(line.strip()) > 25 and not line.strip().startswith("//") and line.strip() not in seen]
    assert len(hidden) > 20
    texts = [f.read_text(encoding="utf-8") for f in OUT.rglob("*") if f.suffix in (".json", ".md", ".xml", ".ipynb", ".log")]
    assert texts
    for line in hidden:
        assert not any(line in t for t in texts), f"hidden test line in a report: {line}"


def test_junit_and_markdown_reports(graded):
    import xml.etree.ElementTree as ET
    tree = ET.parse(OUT / "lstm" / "report.xml")
    cases = tree.findall(".//testcase")
    assert cases and any(tc.find("failure") is not None for tc in cases)
    report = json.loads((OUT / "lstm" / "report.json").read_text(encoding="utf-8"))
    ref = next(s for s in report["submissions"] if s["id"] == "lstm-reference")
    assert ref["passed"] and ref["percent"] == 100.0
    assert "| lstm-reference |" in (OUT / "lstm" / "report.md").read_text(encoding="utf-8")


# --- the pieces, without a kernel --------------------------------------------------------------

def test_release_has_stubs_and_no_solutions_or_hidden_tests():
    for path in SOURCES:
        source = grade.load_source(path)
        text = nbformat.writes(grade.release(source.nb))
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text, f"{path.stem}: {marker} in the release"
        assert "Решение не написано" in text


def test_clear_solutions_keeps_indentation_and_the_rest():
    code = "int f() {\n    // BEGIN SOLUTION\n    return 42;\n    // END SOLUTION\n}"
    out = grade.clear_solutions(code, stub="// stub\nthrow new X();")
    assert out == "int f() {\n    // stub\n    throw new X();\n}"
    with pytest.raises(ValueError):
        grade.clear_solutions("// BEGIN SOLUTION\nx();")


def test_split_hidden():
    assert grade.split_hidden("a();\n// BEGIN HIDDEN TESTS\nb();\n// END HIDDEN TESTS\nc();") == ("a();\nc();", "b();")


def test_submission_ids_are_unique_and_readable():
    paths = [Path("x/alice/lstm.ipynb"), Path("x/bob/lstm.ipynb"), Path("y/carol.ipynb")]
    assert grade.submission_ids(paths) == ["alice__lstm", "bob__lstm", "y__carol"]
    # names that differ only in what a file name may not carry: never one id for two submissions
    twins = [Path("in/a b.ipynb"), Path("in/a_b.ipynb"), Path("in/a?b.ipynb"), Path("in/a_b-2.ipynb")]
    ids = grade.submission_ids(twins)
    assert len(set(ids)) == 4 and all(re.fullmatch(r"[\w.-]+", i) for i in ids), ids
