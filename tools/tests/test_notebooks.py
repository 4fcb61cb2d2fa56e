"""Every notebook in notebooks/ runs top to bottom, headless, in each profile under test.

Each (profile, notebook) is one test, id `<profile>/<file name>`, executed with
tools/run_notebook.execute in a fresh java-dl kernel with DL_PROFILE=<profile> and DL_CHECKPOINTS
pointing at a temporary folder per profile (shared by the session, so a notebook may reuse what
an earlier one saved). The executed copies and HTML exports land in build/test/notebooks/<profile>/.

Environment: DL_TEST_PROFILES="smoke laptop" chooses the profiles (default smoke; CI runs
laptop, what a student without a GPU runs); DL_TEST_NOTEBOOKS=<folder> runs the notebooks of
another folder; DL_CELL_TIMEOUT=<seconds> changes the per-cell limit (default 1800);
DL_NOTEBOOK_JOBS=<n> (default 1) runs n notebooks at a time, each kernel with cores/n PyTorch
threads. On 2 cores two one-thread kernels finish a pair of notebooks in 0.75 of the time the two
take one after the other with two threads each (02 and 03, laptop): small convolutions keep a
second thread busy only part of the time. Notebooks that train the same checkpoint take turns
(Training holds a lock on it). A notebook's time in the summary is its own kernel's wall time.

The instructors' solutions of the notebooks' exercises (docs/solutions/, see test_exercises.py) run
too, in the smoke profile whatever DL_TEST_PROFILES says, under the label `solutions`: they check
their answers with asserts, and smoke keeps them cheap.
"""
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

import course_kernel
from run_notebook import CELL_TIMEOUT, execute

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = Path(os.environ.get("DL_TEST_NOTEBOOKS") or ROOT / "notebooks")
OUT = ROOT / "build" / "test" / "notebooks"
TIMEOUT = int(os.environ.get("DL_CELL_TIMEOUT", CELL_TIMEOUT))
PROFILES = os.environ.get("DL_TEST_PROFILES", "smoke").split()

SOLUTIONS = ROOT / "docs" / "solutions"
SOLUTIONS_PROFILE = "smoke"

notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
cases = ([(profile, nb) for profile in PROFILES for nb in notebooks]
         + [("solutions", nb) for nb in sorted(SOLUTIONS.glob("*.ipynb"))])


JOBS = int(os.environ.get("DL_NOTEBOOK_JOBS", "1"))


@pytest.fixture(scope="session")
def runs(request, tmp_path_factory):
    """(profile, notebook) -> the future of its run, for the notebook tests selected (-k): they all
    start with the first, JOBS at a time in the order of `cases`, each in its own kernel; a
    profile's runs share its checkpoints."""
    selected = [(i.callspec.params["profile"], i.callspec.params["notebook"])
                for i in request.session.items if i.originalname == "test_notebook_runs"]
    threads = course_kernel.torch_threads(JOBS)
    env = {"OMP_NUM_THREADS": str(threads)} if threads else {}
    pool = ThreadPoolExecutor(max_workers=JOBS)  # each run waits on its own kernel process
    checkpoints = tmp_path_factory.getbasetemp()
    futures = {(label, nb): pool.submit(execute, nb, OUT / label, TIMEOUT, env={
        **env, "DL_PROFILE": SOLUTIONS_PROFILE if label == "solutions" else label,
        "DL_CHECKPOINTS": str(checkpoints / f"checkpoints-{label}")})
        for label, nb in selected}
    yield futures
    pool.shutdown(cancel_futures=True)


@pytest.mark.parametrize("profile,notebook", cases, ids=[f"{p}/{nb.name}" for p, nb in cases])
def test_notebook_runs(profile, notebook, runs, record_notebook):
    result = runs[profile, notebook].result()
    record_notebook(result, profile)
    if not result.ok:
        pytest.fail(result.describe(), pytrace=False)


def test_a_false_claim_fails_the_notebook(tmp_path):
    """Every «Проверяем утверждения лекции» check is a Java `assert`, alive only because the kernel
    runs with -ea: a false one must fail the run at its cell, with its message, and stop the rest."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": course_kernel.NAME, "display_name": "Java", "language": "java"}
    nb.cells = [nbformat.v4.new_code_cell('assert 2 + 2 == 4 : "arithmetic";'),
                nbformat.v4.new_code_cell('assert 2 + 2 == 5 : "the lecture claims otherwise";'),
                nbformat.v4.new_code_cell('System.out.println("never reached");')]
    path = tmp_path / "claims.ipynb"
    nbformat.write(nb, path)
    result = execute(path, tmp_path / "out", 120)
    assert not result.ok, "a false assert passed: is -ea missing from the kernel spec?"
    assert result.failure.index == 1, result.describe()
    # JJava reports it as RuntimeException: "java.lang.AssertionError, <message>"
    reported = f"{result.failure.ename}: {result.failure.evalue}"
    assert "AssertionError" in reported and "the lecture claims otherwise" in reported, result.describe()
    assert not nbformat.read(result.executed, as_version=4).cells[2].get("outputs"), "ran past the failure"


def test_numbers_print_with_a_decimal_point_on_a_russian_machine(tmp_path):
    """One decimal separator per notebook, the text's point: the kernel spec pins the JVM's locale,
    so a student whose machine is set to Russian does not get 0,830 from the notebook's own
    String.format beside the library's 0.830. JAVA_TOOL_OPTIONS stands in for such a machine."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": course_kernel.NAME, "display_name": "Java", "language": "java"}
    nb.cells = [nbformat.v4.new_code_cell('System.out.println(String.format("%.3f", 0.83));')]
    path = tmp_path / "locale.ipynb"
    nbformat.write(nb, path)
    result = execute(path, tmp_path / "out", 120,
                     env={"JAVA_TOOL_OPTIONS": "-Duser.language=ru -Duser.country=RU"})
    assert result.ok, result.describe()
    printed = "".join(o.get("text", "") for o in nbformat.read(result.executed, 4).cells[0].outputs)
    assert "0.830" in printed, printed
