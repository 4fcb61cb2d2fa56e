"""nbgrader itself (PyPI, pinned in requirements.txt) round-trips one of our Java assignments:
`nbgrader generate_assignment` writes the same student release as tools/grade.py, and
`nbgrader autograde` gives a completed submission full marks and the untouched release zero."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import grade

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = "lstm"    # the fastest one to execute
VENV_BIN = Path(sys.executable).parent


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")  # nbgrader runs `alembic`
    return subprocess.run([str(VENV_BIN / "nbgrader"), *args, "--force"], cwd=course, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    if shutil.which("nbgrader", path=str(VENV_BIN)) is None:
        pytest.fail("nbgrader is not installed in the course environment: run `make setup` (requirements.txt pins it)")
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "assignments" / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    # The course's own config, pointed at this checkout's tools/ (for the shared stub).
    config = (ROOT / "assignments" / "nbgrader_config.py").read_text()
    config = config.replace('Path(__file__).resolve().parents[1] / "tools"', repr(str(ROOT / "tools")))
    (course / "nbgrader_config.py").write_text(config)
    run = nbgrader(course, "generate_assignment", ASSIGNMENT)
    assert run.returncode == 0, run.stdout + run.stderr
    return course


def test_nbgrader_release_equals_ours(course):
    theirs = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    ours = grade.release(grade.load_source(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").nb)
    assert [c.source for c in theirs.cells] == [c.source for c in ours.cells]
    assert sum(grade.STUB.splitlines()[-1] in c.source for c in theirs.cells) == len(
        [c for c in theirs.cells if grade.nbgrader_meta(c).get("solution")]) > 0


def test_nbgrader_autograde_scores_our_java_notebooks(course):
    release = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    source = grade.load_source(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    solutions = {grade.nbgrader_meta(c)["grade_id"]: c.source for c in source.nb.cells
                 if grade.nbgrader_meta(c).get("solution")}
    done = nbformat.from_dict(json.loads(json.dumps(release)))
    for cell in done.cells:  # a student who wrote the reference solution into the release
        gid = grade.nbgrader_meta(cell).get("grade_id")
        if gid in solutions:
            cell.source = solutions[gid]
    for student, nb in (("alice", done), ("bob", release)):
        (course / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
        nbformat.write(nb, course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    run = nbgrader(course, "autograde", ASSIGNMENT)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        alice, bob = (gb.find_submission(ASSIGNMENT, s) for s in ("alice", "bob"))
        assert alice.max_score == source.max_score
        assert alice.score == source.max_score, f"alice: {alice.score}/{alice.max_score}"
        assert bob.score == 0, f"bob: {bob.score}/{bob.max_score}"
