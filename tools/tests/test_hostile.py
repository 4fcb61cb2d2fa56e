"""Submissions that try to cheat (assignments/fixtures/hostile/, threat model in docs/grading.md).

Each attack is a folder of solution cells (`<task>.java`; tasks without a file keep the reference
solution) and an `attack.json`: the assignment, the `honest` score (what the same cells would earn
without the trick) and, optionally, a `secret` line of the hidden tests; for an attack on a resource,
what the executed copy `shows` when the limit held (and `never_shows`: what it prints when the limit
did not; `needs_root`: a limit only root's grading sets), and the `largest_file` the grader may write.
A `next` submission (a plain wrong answer from assignments/fixtures/, scoring `next_honest`) is
graded after the attack on the same machine. Every attack must score no more than its honest value, leave
its reports as the grader wrote them (checked again after the attack had time to act), never show
hidden-test code to the student, and leave the next submission's score alone.
"""
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest

import grade

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "assignments" / "fixtures" / "hostile"
OUT = ROOT / "build" / "test" / "grading"
JOBS = int(os.environ.get("DL_GRADING_JOBS", "2"))
ATTACKS = sorted(p.name for p in HOSTILE.iterdir() if (p / "attack.json").is_file())
if os.environ.get("DL_HOSTILE_ATTACKS"):  # a comma-separated subset, to try one attack
    ATTACKS = [a for a in ATTACKS if a in os.environ["DL_HOSTILE_ATTACKS"].split(",")]
GRACE = 5   # seconds an attack gets, after the reports are written, to tamper with them


def attack(name: str) -> dict:
    return json.loads((HOSTILE / name / "attack.json").read_text())


def submission(source: grade.Source, cells: dict[str, str]):
    """The reference notebook with the given solution cells replaced."""
    nb = nbformat.from_dict(json.loads(json.dumps(source.nb)))
    for cell in nb.cells:
        gid = grade.nbgrader_meta(cell).get("grade_id")
        if gid in cells:
            cell.source = cells[gid]
    return nb


def grade_attack(name: str, folder: Path) -> list[grade.SubmissionResult]:
    spec = attack(name)
    source = grade.load_source(ROOT / "assignments" / "source" / spec["assignment"] / f"{spec['assignment']}.ipynb")
    paths = [folder / f"{name}.ipynb"]
    nbformat.write(submission(source, {f.stem: f.read_text() for f in (HOSTILE / name).glob("*.java")}), paths[0])
    if "next" in spec:
        task = Path(spec["next"]).stem
        paths.append(folder / f"{name}-next.ipynb")
        nbformat.write(submission(source, {task: (HOSTILE.parent / spec["next"]).read_text()}), paths[1])
    out = OUT / f"hostile-{name}"
    out.mkdir(parents=True, exist_ok=True)
    results = grade.grade_all(source, paths, out, timeout=120, pass_mark=60.0, jobs=1, kernels_at_once=JOBS)
    grade.write_reports(source, results, out, 60.0)
    return results


@pytest.fixture(scope="session")
def attacked(tmp_path_factory) -> dict[str, list[grade.SubmissionResult]]:
    folder = tmp_path_factory.mktemp("hostile")
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=JOBS) as pool:
        futures = {name: pool.submit(grade_attack, name, folder) for name in ATTACKS}
        results = {name: f.result() for name, f in futures.items()}
    time.sleep(GRACE)
    print(f"\ngraded {len(ATTACKS)} hostile submissions in {time.perf_counter() - t0:.1f} s")
    return results


def _summary(r: grade.SubmissionResult) -> str:
    return "\n".join(f"  {c.id}: {c.points:g}/{c.max_points:g} {c.status} {c.message[:200]}" for c in r.checks)


@pytest.mark.parametrize("name", ATTACKS)
def test_attack_scores_no_more_than_its_honest_value(name, attacked):
    r = attacked[name][0]
    assert r.score <= attack(name)["honest"], f"{name}: {r.score:g} points\n{_summary(r)}"


@pytest.mark.parametrize("name", ATTACKS)
def test_attack_leaves_the_reports_as_written(name, attacked):
    out = OUT / f"hostile-{name}"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [s["score"] for s in report["submissions"]] == [r.score for r in attacked[name]]
    assert (out / "report.md").read_text(encoding="utf-8") == grade.markdown(
        grade.load_source(ROOT / "assignments" / "source" / attack(name)["assignment"] /
                          f"{attack(name)['assignment']}.ipynb"), attacked[name], 60.0)


@pytest.mark.parametrize("name", ATTACKS)
def test_attack_never_shows_hidden_tests(name, attacked):
    spec = attack(name)
    secrets = ["BEGIN HIDDEN", "END HIDDEN"] + ([spec["secret"]] if "secret" in spec else [])
    out = OUT / f"hostile-{name}"
    for path in out.iterdir():  # reports, executed copies, kernels' logs
        text = path.read_text(encoding="utf-8", errors="replace")
        for secret in secrets:
            assert secret not in text, f"{name}: {secret!r} in {path.name}"


BOUNDED = [n for n in ATTACKS if {"shows", "largest_file"} & attack(n).keys()]


@pytest.mark.parametrize("name", BOUNDED)
def test_attack_on_a_resource_meets_its_limit(name, attacked):
    spec = attack(name)
    if spec.get("needs_root") and os.geteuid() != 0:
        pytest.skip("this limit holds where the grader runs as root (docs/grading.md)")
    executed = nbformat.read(attacked[name][0].executed, as_version=4)
    printed = "".join(o.get("text", "") + o.get("evalue", "") for c in executed.cells for o in c.get("outputs", []))
    if "shows" in spec:
        assert spec["shows"] in printed, f"{name}: {spec['shows']!r} not in what the cells printed"
    if "never_shows" in spec:
        assert spec["never_shows"] not in printed, f"{name}: the limit did not hold"
    for path in (OUT / f"hostile-{name}").iterdir():
        assert path.stat().st_size <= spec.get("largest_file", grade.LOG_BYTES), f"{path.name}: {path.stat().st_size} bytes"


@pytest.mark.parametrize("name", [n for n in ATTACKS if "next" in attack(n)])
def test_attack_leaves_the_next_submission_alone(name, attacked):
    nxt = attacked[name][1]
    assert nxt.score == attack(name)["next_honest"], f"the submission after {name}: {nxt.score:g} points\n{_summary(nxt)}"


def test_grading_refuses_untrusted_work_without_a_sandbox(tmp_path):
    """Where bubblewrap is missing (here: not on PATH) grading stops with the reason and the way out."""
    import subprocess
    import sys
    source = ROOT / "assignments" / "source" / "lstm" / "lstm.ipynb"
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "grade.py"), "grade", str(source), str(source),
                           "--out", str(tmp_path)], capture_output=True, text=True,
                          env=dict(os.environ, PATH=str(tmp_path)))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "bubblewrap" in done.stderr and "--no-sandbox" in done.stderr, done.stderr
    assert not (tmp_path / "report.json").exists()


# --- one batch, every kind of broken submission --------------------------------------------------

LSTM = ROOT / "assignments" / "source" / "lstm" / "lstm.ipynb"
THROWS = ('NDList lstmStep(NDArray x, NDArray h, NDArray c, NDArray wIh, NDArray wHh, NDArray bIh, NDArray bHh) {\n'
          '    throw new IllegalStateException("line\\u2028separator, controls \\u0001\\u001b[31m and \\uffff");\n}')


def broken_batch(folder: Path) -> dict[str, float | None]:
    """A folder of submissions, each broken in its own way, beside honest ones; file name -> the
    score it must get (None: reported as unreadable)."""
    source = grade.load_source(LSTM)
    reference = source.nb
    cell = {grade.nbgrader_meta(c).get("grade_id"): c.source for c in reference.cells}
    expected = {}

    def write(name, nb, score):
        nbformat.write(nb, folder / name)
        expected[name] = score

    write("a b.ipynb", grade.release(reference), 0)       # the same id as the next one, once punctuation is gone
    write("a_b.ipynb", reference, 8)
    # one kernel for three tasks, each broken its own way: every one costs its task only (8 - 4 - 2 - 2)
    broken = submission(source, {
        "lstm_step": THROWS,                                                        # U+2028, controls in the message
        "lstm_unroll": cell["lstm_unroll"].replace(                                 # nested past the parser's stack
            "NDArray h = h0", "int depth = " + "(" * 19_000 + "1" + ")" * 19_000 + ";\n    NDArray h = h0"),
        "forget_bias": cell["forget_bias"] + "\n" * 400_000})                      # longer than any solution
    broken.cells.append(nbformat.v4.new_markdown_cell("a line\u2028separator in a cell"))
    write("unparsable.ipynb", broken, 0)
    text = json.loads(nbformat.writes(reference))
    text["cells"][1]["metadata"] = "a string"
    (folder / "metadata-string.ipynb").write_text(json.dumps(text))
    expected["metadata-string.ipynb"] = None
    text = json.loads(nbformat.writes(reference))
    text["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "x" * (grade.SUBMISSION_BYTES + 1)})
    (folder / "huge.ipynb").write_text(json.dumps(text))
    expected["huge.ipynb"] = None
    (folder / "link.ipynb").symlink_to(LSTM)   # the instructor's source: full marks if followed
    expected["link.ipynb"] = None
    (folder / "not-json.ipynb").write_text('{"cells": [')
    expected["not-json.ipynb"] = None
    os.mkfifo(folder / "fifo.ipynb")  # reading it would wait for a writer forever
    expected["fifo.ipynb"] = None
    text = json.loads(nbformat.writes(reference))
    solutions = [c for c in text["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    solutions[0]["metadata"]["nbgrader"] = "a string"  # nbformat's schema leaves what is inside it open
    for c in solutions[1:]:
        c["metadata"]["nbgrader"]["grade_id"] = [c["metadata"]["nbgrader"]["grade_id"]]
    (folder / "odd-metadata.ipynb").write_text(json.dumps(text))
    expected["odd-metadata.ipynb"] = 0  # no solution cell found: every task unsolved, and a row of its own
    return expected


def test_one_broken_submission_never_stops_the_batch(tmp_path):
    """Every kind of broken notebook gets its own row; the others are graded; the reports stay valid."""
    import xml.etree.ElementTree as ET
    folder, out = tmp_path / "submitted", OUT / "broken-batch"
    folder.mkdir()
    expected = broken_batch(folder)
    paths = grade.find_submissions([folder])
    source = grade.load_source(LSTM)
    results = grade.grade_all(source, paths, out, timeout=60, jobs=JOBS)
    grade.write_reports(source, results, out, 60.0)
    by_name = {Path(r.path).name: r for r in results}
    assert sorted(by_name) == sorted(expected) and len({r.id for r in results}) == len(results)
    for name, score in expected.items():
        r = by_name[name]
        if score is None:
            assert r.score == 0 and r.error and "блокнот не читается" in r.error, (name, r.error)
        else:
            assert r.score == score and not r.error, f"{name}: {r.score:g}\n{_summary(r)}"
    assert sum("не найдена" in note for note in by_name["odd-metadata.ipynb"].notes) == 3
    assert "символическая ссылка" in by_name["link.ipynb"].error
    unparsable = {c.task: c.message for c in by_name["unparsable.ipynb"].checks}
    assert "не удалось разобрать" in unparsable["lstm_unroll"], _summary(by_name["unparsable.ipynb"])
    assert "длиннее" in unparsable["forget_bias"] and "IllegalStateException" in unparsable["lstm_step"], unparsable
    ET.parse(out / "report.xml")  # valid XML whatever the students printed
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(report["submissions"]) == len(expected)
    assert "separator" in json.dumps(report, ensure_ascii=False)  # the student's message, made printable
