"""The student edition (tools/edition.py, `make student-edition`) holds the course and no answer.

The check is tested on the real edition, where it must find nothing, and on copies of it with one
answer planted, where it must find exactly that: a solution line, a hidden-test line, a fixture line
and an exercise solution's line, each in a different kind of file, one pasted inside a longer line,
and one in a commit that a later commit removed again.
"""
import json
import shutil
import subprocess

import nbformat
import pytest

import edition
import grade
from conftest import ROOT


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("edition")
    return out, edition.write(out), edition.secrets()


@pytest.fixture
def copy(written, tmp_path):
    out, _, _ = written
    shutil.copytree(out, tmp_path / "edition")
    return tmp_path / "edition"


def secret(known, kind: str, pick=max) -> edition.Secret:
    """The longest (pick=min: shortest) secret line of a kind: 'solution', 'hidden test', 'fixture',
    'exercise solution'."""
    return pick((s for s in known if s.origin.endswith(f"({kind})")), key=lambda s: len(s.line))


def test_the_edition_holds_the_course_and_no_answer(written):
    out, paths, known = written
    assert edition.check(out, known) == []
    sources = sorted(p.parent.name for p in (ROOT / "assignments" / "source").glob("*/*.ipynb"))
    released = sorted(p.parent.name for p in (out / edition.RELEASED).glob("*/*.ipynb"))
    assert released == sources and len(sources) >= 8
    for name in released:
        nb = nbformat.read(out / edition.RELEASED / name / f"{name}.ipynb", as_version=4)
        assert any(grade.STUB.splitlines()[1] in c.source for c in nb.cells), f"{name}: no stub"
    for must in ["README.md", "Makefile", "Dockerfile", ".devcontainer/devcontainer.json", "pom.xml",
                 "notebooks/00-hardware.ipynb", "src/main/java/dlcourse/train/Training.java", "tools/setup.sh"]:
        assert (out / must).is_file(), must
    for never in ["assignments/source", "assignments/fixtures", "docs/solutions", "tools/grade.py", ".ci"]:
        assert not (out / never).exists(), never
    grading = (out / "docs" / "grading.md").read_text()
    assert "## Студенту" in grading and "## Преподавателю" not in grading and "Модель угроз" not in grading
    assert "eol=lf" in (out / ".gitattributes").read_text()   # Windows clones keep the scripts' LF
    devcontainer = json.loads((out / ".devcontainer" / "devcontainer.json").read_text())
    assert (out / ".devcontainer" / devcontainer["build"]["dockerfile"]).resolve() == (out / "Dockerfile").resolve()
    kinds = {s.origin.rsplit("(", 1)[1] for s in known}
    assert kinds == {"solution)", "hidden test)", "fixture)", "exercise solution)"}, kinds


@pytest.mark.parametrize("kind,path,pick", [
    ("solution", "src/main/java/dlcourse/train/Training.java", max),
    ("solution", "notebooks/homework/lstm/lstm.ipynb", min),
    ("hidden test", "docs/grading.md", max),
    ("hidden test", "tools/lab.sh", min),
    ("fixture", "tools/setup.sh", max),
    ("exercise solution", "README.md", max),
])
def test_a_planted_line_is_found(written, copy, kind, path, pick):
    known = written[2]
    planted = secret(known, kind, pick)
    with open(copy / path, "a") as f:
        f.write("\n" + planted.line + "\n")
    leaks = edition.check(copy, known)
    # other secret lines may be part of the planted one: all found, and only in that file
    assert f"{path}: «{planted.line}» from {planted.origin}" in leaks
    assert {leak.split(": «")[0] for leak in leaks} == {path}, leaks


def test_a_line_planted_in_a_notebook_cell_or_inside_a_longer_line_is_found(written, copy):
    known = written[2]
    hidden = secret(known, "hidden test")
    nb_path = copy / "notebooks" / "01-alexnet.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("int x = 1;\n    " + hidden.line + "   \n"))
    nbformat.write(nb, nb_path)
    solution = secret(known, "solution")
    assert len(solution.line) >= edition.MIN_EMBEDDED
    java = copy / "src" / "main" / "java" / "dlcourse" / "core" / "Profile.java"
    java.write_text(java.read_text() + f"\n// see: {solution.line} (from the instructor)\n")
    leaks = edition.check(copy, known)
    assert f"notebooks/01-alexnet.ipynb: «{hidden.line}» from {hidden.origin}" in leaks
    assert f"{java.relative_to(copy)}: «{solution.line}» from {solution.origin}" in leaks
    assert {leak.split(": «")[0] for leak in leaks} == {"notebooks/01-alexnet.ipynb", str(java.relative_to(copy))}


def test_an_answer_committed_once_stays_in_the_history(written, copy):
    known = written[2]
    planted = secret(known, "fixture")
    git = ["git", "-C", str(copy), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git[:3] + ["init", "-q"], check=True)
    (copy / "answer.java").write_text(planted.line + "\n")
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", "oops"], check=True)
    (copy / "answer.java").unlink()
    subprocess.run(git + ["commit", "-qam", "removed"], check=True)
    leaks = edition.check(copy, known)
    assert len(leaks) == 1 and leaks[0].startswith("git history: blob ") and planted.line in leaks[0], leaks


def test_writing_into_a_clone_keeps_its_history_and_workflows_and_drops_what_is_gone(tmp_path):
    out = tmp_path / "class-repo"
    (out / ".git").mkdir(parents=True)
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    edition.write(out)
    (out / ".github" / "workflows").mkdir(parents=True)
    (out / ".github" / "workflows" / "classroom.yml").write_text("name: Autograding\n")
    (out / "old-notebook.ipynb").write_text("{}")
    edition.write(out)
    assert (out / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert (out / ".github" / "workflows" / "classroom.yml").read_text() == "name: Autograding\n"
    assert not (out / "old-notebook.ipynb").exists()


def test_a_folder_that_is_not_an_edition_is_never_emptied(tmp_path):
    (tmp_path / "thesis.tex").write_text("years of work")
    with pytest.raises(SystemExit, match="not a student edition"):
        edition.write(tmp_path)
    assert (tmp_path / "thesis.tex").read_text() == "years of work"


def test_a_release_that_keeps_the_hidden_tests_is_caught(written, tmp_path, monkeypatch):
    """The check reads the regions itself: a fault in the grader's release cannot hide its own leak."""
    split_hidden = grade.split_hidden
    monkeypatch.setattr(grade, "split_hidden", lambda source: (source, split_hidden(source)[1]))
    edition.write(tmp_path)
    leaks = edition.check(tmp_path, written[2])
    assert leaks and all(leak.startswith("notebooks/homework/") for leak in leaks), leaks[:3]
    assert any("(hidden test)" in leak for leak in leaks)
