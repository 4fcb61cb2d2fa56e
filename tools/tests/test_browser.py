"""A real browser draws a plot that a notebook stored: the path a student's figure takes.

1. A small notebook calls the course library (dlcourse.plot.Plots) in the java-dl kernel; the
   executed copy holds an application/vnd.plotly.v1+json output.
2. JupyterLab (from .venv, plotly's prebuilt renderer, offline) serves it on 127.0.0.1.
3. Headless Chromium opens it: the DOM must hold plotly's SVG with the trace and the title,
   and a screenshot goes to build/screenshots/plot.png.

JupyterLab runs with the student's configuration (tools/lab, as `make lab`). `make test` installs
Debian's `chromium` when it is missing (tools/test.sh); without it this test fails and names the
command. Set CHROMIUM=<path> to use another Chromium/Chrome binary.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import course_kernel
from labserver import STUDENT_CONFIG, free_port, private_state, running
from run_notebook import PLOTLY_MIME, execute

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "build" / "screenshots" / "plot.png"
TITLE = "browser check: squares"
CODE = f"""\
import dlcourse.plot.Plots;
Plots.show(Plots.lines("{TITLE}", "x", "y",
        Plots.Series.of("squares", new double[]{{1, 4, 9, 16}})));"""


def chromium() -> str | None:
    for name in filter(None, [os.environ.get("CHROMIUM"), "chromium", "chromium-browser",
                              "google-chrome", "google-chrome-stable"]):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser():
    path = chromium()
    if not path:
        pytest.fail("no Chromium for the browser test: run `make test` (it installs Debian's chromium), "
                    "or `sudo apt-get install chromium`, or set CHROMIUM=<binary>", pytrace=False)
    return path


@pytest.fixture(scope="module")
def executed_notebook(tmp_path_factory, browser):
    src = tmp_path_factory.mktemp("src") / "plot.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": course_kernel.NAME, "display_name": "Java", "language": "java"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Browser check"), nbformat.v4.new_code_cell(CODE)]
    nbformat.write(nb, src)
    served = tmp_path_factory.mktemp("lab")
    result = execute(src, served, timeout=300, env={"DL_PROFILE": "smoke"})
    assert result.ok, result.describe()
    outputs = nbformat.read(result.executed, as_version=4).cells[1].outputs
    assert any(PLOTLY_MIME in o.get("data", {}) for o in outputs), \
        f"Plots.show stored no {PLOTLY_MIME} output; outputs: {outputs}"
    for extra in served.iterdir():  # serve the notebook alone
        if extra != result.executed:
            extra.unlink()
    return result.executed


@pytest.fixture(scope="module")
def lab(executed_notebook, tmp_path_factory):
    """The student's JupyterLab on a free port, empty token, its own Jupyter state; stopped whatever happens."""
    port = free_port()
    home = tmp_path_factory.mktemp("jupyter")
    env = dict(os.environ, **private_state(home), JUPYTER_CONFIG_PATH=str(STUDENT_CONFIG))
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--allow-root",
           "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
           "--IdentityProvider.token=", "--ServerApp.password=",
           f"--ServerApp.root_dir={executed_notebook.parent}"]
    base = f"http://127.0.0.1:{port}"
    with running(cmd, env, home / "lab.log", base):
        yield base


def run_chromium(browser: str, profile: Path, url: str, *args: str, budget_ms: int = 30000):
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
           f"--virtual-time-budget={budget_ms}", "--window-size=1280,900", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)


def layout(notebook: Path) -> dict:
    for o in nbformat.read(notebook, as_version=4).cells[1].outputs:
        if PLOTLY_MIME in o.get("data", {}):
            return o["data"][PLOTLY_MIME].get("layout")
    return {}


def test_jupyterlab_draws_the_plotly_figure(browser, lab, executed_notebook, tmp_path):
    url = f"{lab}/lab/tree/{executed_notebook.name}"
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    dom = run_chromium(browser, tmp_path / "profile-dom", url, "--dump-dom")
    shot = run_chromium(browser, tmp_path / "profile-shot", url, f"--screenshot={SCREENSHOT}")
    html = dom.stdout
    saved = SCREENSHOT.with_suffix(".dom.html")
    saved.write_text(html)
    where = f"(DOM in {saved.relative_to(ROOT)}, screenshot in {SCREENSHOT.relative_to(ROOT)})"

    if 'class="main-svg"' not in html:
        pytest.fail(f"no plotly SVG in the page {where}; chromium exit {dom.returncode}, "
                    f"{len(html)} characters of DOM; its stderr ends:\n{dom.stderr[-2000:]}", pytrace=False)
    if 'class="trace scatter' not in html or 'class="js-line"' not in html:
        pytest.fail(f"plotly drew the axes but no line {where}", pytrace=False)
    # The title must be drawn in the SVG (the code cell shows it too, so look for plotly's element).
    if not re.search(r'<text[^>]*class="gtitle"[^>]*>[^<]*' + re.escape(TITLE), html):
        pytest.fail(
            f"plotly drew the figure without its title {TITLE!r} {where}. plotly.js >= 3 ignores a "
            f"plain-string title: it wants layout.title = {{\"text\": ...}} (likewise "
            f"xaxis.title, yaxis.title). Stored layout: {layout(executed_notebook)}", pytrace=False)
    assert SCREENSHOT.is_file() and SCREENSHOT.stat().st_size > 10_000, (
        f"no screenshot (chromium exit {shot.returncode}):\n{shot.stderr[-2000:]}")
