"""nbgrader itself (PyPI, pinned in requirements.txt) round-trips our Java assignments:
`nbgrader generate_assignment` writes the same student release as tools/grade.py for every
assignment, and `nbgrader autograde` gives a completed submission full marks and the untouched
release zero, as tools/grade.py does (tools/tests/test_grading.py)."""
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

import grade

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = sorted(p.name for p in (ROOT / "assignments" / "source").iterdir() if p.is_dir())
# Autograding costs about 17 s an assignment (two kernels under nbgrader), so by default two are
# autograded: lstm, the first, and srgan, the newest, with hidden checks (DL_NBGRADER_ASSIGNMENTS=all:
# all eight, which took 168 s one at a time; or a comma-separated list). CI's time went to the class
# server's test (make hub-test), which runs nbgrader's exchange end to end.
_CHOSEN = os.environ.get("DL_NBGRADER_ASSIGNMENTS", "lstm,srgan")
AUTOGRADED = ASSIGNMENTS if _CHOSEN == "all" else _CHOSEN.split(",")
VENV_BIN = Path(sys.executable).parent
JOBS = int(os.environ.get("DL_GRADING_JOBS", "2"))


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")  # nbgrader runs `alembic`
    return subprocess.run([str(VENV_BIN / "nbgrader"), *args, "--force"], cwd=course, env=env,
                          capture_output=True, text=True, timeout=600)


def course_of(root: Path, assignment: str) -> Path:
    """An nbgrader course holding one assignment, with the course's own config pointed at this
    checkout's tools/ (for the shared stub), its release generated and, if it is autograded, two
    submissions autograded: alice wrote the reference solution into the release, bob left it as it is."""
    course = root / assignment
    shutil.copytree(ROOT / "assignments" / "source" / assignment, course / "source" / assignment)
    config = (ROOT / "assignments" / "nbgrader_config.py").read_text()
    config = config.replace('Path(__file__).resolve().parents[1] / "tools"', repr(str(ROOT / "tools")))
    (course / "nbgrader_config.py").write_text(config)
    run = nbgrader(course, "generate_assignment", assignment)
    assert run.returncode == 0, run.stdout + run.stderr
    if assignment in AUTOGRADED:
        release = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)
        solutions = {grade.nbgrader_meta(c)["grade_id"]: c.source for c in source_of(course, assignment).nb.cells
                     if grade.nbgrader_meta(c).get("solution")}
        done = nbformat.from_dict(json.loads(json.dumps(release)))
        for cell in done.cells:
            gid = grade.nbgrader_meta(cell).get("grade_id")
            if gid in solutions:
                cell.source = solutions[gid]
        for student, nb in (("alice", done), ("bob", release)):
            (course / "submitted" / student / assignment).mkdir(parents=True)
            nbformat.write(nb, course / "submitted" / student / assignment / f"{assignment}.ipynb")
        run = nbgrader(course, "autograde", assignment)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return course


def source_of(course: Path, assignment: str) -> grade.Source:
    return grade.load_source(course / "source" / assignment / f"{assignment}.ipynb")


@pytest.fixture(scope="module")
def courses(tmp_path_factory) -> dict[str, Path]:
    """One course per assignment (a gradebook each), JOBS at a time: each autograde runs one kernel."""
    if shutil.which("nbgrader", path=str(VENV_BIN)) is None:
        pytest.fail("nbgrader is not installed in the course environment: run `make setup` (requirements.txt pins it)")
    root = tmp_path_factory.mktemp("courses")
    with ThreadPoolExecutor(max_workers=JOBS) as pool:
        made = {a: pool.submit(course_of, root, a) for a in sorted(ASSIGNMENTS, key=lambda a: a not in AUTOGRADED)}
        return {a: f.result() for a, f in made.items()}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_release_equals_ours(courses, assignment):
    course = courses[assignment]
    theirs = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    ours = grade.release(source_of(course, assignment).nb)
    assert [c.source for c in theirs.cells] == [c.source for c in ours.cells]
    assert sum(grade.STUB.splitlines()[-1] in c.source for c in theirs.cells) == len(
        [c for c in theirs.cells if grade.nbgrader_meta(c).get("solution")]) > 0


@pytest.mark.parametrize("assignment", AUTOGRADED)
def test_nbgrader_autograde_scores_our_java_notebooks(courses, assignment):
    from nbgrader.api import Gradebook
    course = courses[assignment]
    max_score = source_of(course, assignment).max_score
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        alice, bob = (gb.find_submission(assignment, s) for s in ("alice", "bob"))
        assert alice.max_score == max_score
        assert alice.score == max_score, f"alice: {alice.score}/{alice.max_score}"
        assert bob.score == 0, f"bob: {bob.score}/{bob.max_score}"
