"""Every notebook in notebooks/ runs top to bottom, headless, in the smoke profile.

Each notebook is one test (id = file name), executed with tools/run_notebook.execute in a
fresh java-dl kernel with DL_PROFILE=smoke and DL_CHECKPOINTS pointing at a temporary folder
(shared by the session, so a notebook may reuse what an earlier one saved). The executed copies
and HTML exports land in build/test/notebooks/ for inspection.

Environment: DL_TEST_NOTEBOOKS=<folder> runs the notebooks of another folder instead;
DL_CELL_TIMEOUT=<seconds> changes the per-cell limit (default 1800).
"""
import os
from pathlib import Path

import pytest

from run_notebook import CELL_TIMEOUT, execute

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = Path(os.environ.get("DL_TEST_NOTEBOOKS") or ROOT / "notebooks")
OUT = ROOT / "build" / "test" / "notebooks"
TIMEOUT = int(os.environ.get("DL_CELL_TIMEOUT", CELL_TIMEOUT))

notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))


@pytest.fixture(scope="session")
def checkpoints(tmp_path_factory):
    return tmp_path_factory.mktemp("checkpoints")


@pytest.mark.parametrize("notebook", notebooks, ids=[nb.name for nb in notebooks])
def test_notebook_runs(notebook, checkpoints, record_notebook):
    result = execute(notebook, OUT, TIMEOUT,
                     env={"DL_PROFILE": "smoke", "DL_CHECKPOINTS": str(checkpoints)})
    record_notebook(result)
    if not result.ok:
        pytest.fail(result.describe(), pytrace=False)
