"""A student's session in JupyterLab, driven in a real browser: Run All, Interrupt, re-run, Restart.

Playwright for Python drives Debian's Chromium (no browser download) against the student's
JupyterLab (tools/lab, as `make lab`) serving copies of two course notebooks in the smoke
profile, with an empty checkpoint folder. What a student does and what must hold:

- 01-alexnet: Run All — the training cell shows one live display whose bar moves in place;
  Interrupt during epoch 2 — the bar gives way to one Russian line (what happened, epochs saved,
  what re-running does); Restart, Run All — training resumes from the checkpoint and the whole
  notebook runs without an error; the training cell re-run alone, after it finished and after an
  interrupt — it resumes, never "Native resource has been released".
- 09-dcgan: Run All — the GAN cell shows live progress (step, losses, D(x), D(G(z))) while it
  plays, and ends with one summary line.

Screenshots of each step go to build/screenshots/session-*.png (git-ignored).
"""
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from labserver import STUDENT_CONFIG, free_port, get_json, private_state, running
from test_browser import chromium

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in tools/requirements-test.txt: run `make setup`")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab with the student's configuration, the smoke profile and its own checkpoints."""
    served = tmp_path_factory.mktemp("notebooks")
    for name in ("01-alexnet.ipynb", "09-dcgan.ipynb"):
        shutil.copy(ROOT / "notebooks" / name, served / name)
    checkpoints = tmp_path_factory.mktemp("checkpoints")
    home = tmp_path_factory.mktemp("jupyter")
    # every cell in the DOM (JupyterLab 4 renders only the cells in view by default)
    tracker = home / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text('{"windowingMode": "none"}')
    port = free_port()
    env = dict(os.environ, **private_state(home), JUPYTER_CONFIG_PATH=str(STUDENT_CONFIG),
               DL_PROFILE="smoke", DL_CHECKPOINTS=str(checkpoints))
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--allow-root",
           "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
           "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={served}"]
    base = f"http://127.0.0.1:{port}"
    with running(cmd, env, home / "lab.log", base):
        yield base, checkpoints


@pytest.fixture(scope="module")
def browser():
    path = chromium()
    if not path:
        pytest.fail("no Chromium: run `make test` (it installs Debian's chromium) or set CHROMIUM=<binary>",
                    pytrace=False)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


class Session:
    """One notebook open in JupyterLab, operated through its menus, toolbar and keys."""

    def __init__(self, browser, base: str, notebook: str):
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.page.set_default_timeout(120_000)
        self.base = base
        self.page.goto(f"{base}/lab/tree/{notebook}?reset")  # a fresh workspace: this notebook alone
        self.wait_kernel_idle(timeout_s=120)
        self.t0 = time.monotonic()

    def close(self):
        """Closes the page and shuts the server's kernels down (CPU for the next session)."""
        self.page.evaluate("""async () => {
            const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || "";
            for (const k of await (await fetch("/api/kernels")).json())
                await fetch("/api/kernels/" + k.id, {method: "DELETE", headers: {"X-XSRFToken": xsrf}});
        }""")
        self.page.close()
        assert get_json(f"{self.base}/api/kernels") == [], "kernels still running after the session"

    def step(self, what: str):
        print(f"{time.monotonic() - self.t0:6.1f} s  {what}")  # the timings of a run with -s

    def shot(self, name: str, cell):
        """A screenshot of one cell, its outputs included."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        cell.screenshot(path=str(SHOTS / f"session-{name}.png"))

    # --- the notebook -------------------------------------------------------------------------
    def code_cells(self):
        return self.page.locator(".jp-Notebook .jp-CodeCell")

    def cell_with(self, source_text: str, timeout_s: float = 60):
        """The code cell whose source contains `source_text` (JupyterLab renders the editors a
        while after the kernel is ready: on a cold first load, seconds later)."""
        deadline = time.monotonic() + timeout_s
        while True:
            cells = self.code_cells()
            for i in range(cells.count()):
                if source_text in cells.nth(i).locator(".jp-InputArea").inner_text():
                    return cells.nth(i)
            if time.monotonic() > deadline:
                SHOTS.mkdir(parents=True, exist_ok=True)
                self.page.screenshot(path=str(SHOTS / "session-0-no-such-cell.png"))
                raise AssertionError(f"no code cell contains {source_text!r} after {timeout_s} s "
                                     f"({cells.count()} code cells)")
            time.sleep(0.5)

    @staticmethod
    def output_text(cell) -> str:
        return cell.locator(".jp-OutputArea").inner_text()

    def failed_cells(self) -> list[str]:
        """The outputs (shortened) of every cell that wrote an error or to stderr."""
        return [self.output_text(c)[:600] for c in self.code_cells().all() if c.locator(STDERR).count()]

    def prompts(self) -> list[str]:
        return [p.strip() for p in self.code_cells().locator(".jp-InputPrompt").all_inner_texts()]

    def wait_kernel_idle(self, timeout_s: float = 60):
        self.page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=timeout_s * 1000)

    def wait_all_done(self, timeout_s: float):
        """Until no cell is queued or running ([*]) and the kernel is idle."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not any("*" in p for p in self.prompts()):
                time.sleep(0.5)
                if not any("*" in p for p in self.prompts()):
                    self.wait_kernel_idle()
                    return
            time.sleep(0.2)
        raise AssertionError(f"cells still running after {timeout_s} s: {self.prompts()}")

    # --- what a student clicks ----------------------------------------------------------------
    def run_all(self):
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()

    def run_cell(self, cell):
        cell.locator(".jp-InputPrompt").click()
        self.page.keyboard.press("Control+Enter")

    def interrupt(self):
        self.page.locator('[data-command="notebook:interrupt-kernel"]').first.click()

    def restart(self):
        self.page.locator('[data-command="notebook:restart-kernel"]').first.click()
        self.page.locator(".jp-Dialog-button.jp-mod-accept").click()
        self.wait_kernel_idle(timeout_s=120)

    def watch_progress(self, cell, until, timeout_s: float, shot: str | None = None) -> list[str]:
        """Samples the cell's progress bar (value, status line) until `until(cell)`; returns the
        samples. With `shot`, a screenshot of the cell at the third sample (the display live)."""
        seen = []
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            bars = cell.locator("progress")
            n = bars.count()
            if n > 1:
                raise AssertionError(f"{n} progress bars in one cell: the display is not updated in place")
            if n == 1:
                try:
                    sample = bars.first.get_attribute("value", timeout=1000) + " " + cell.locator(
                        ".dl-progress code").first.inner_text(timeout=1000)
                except sync_api.Error:
                    sample = None  # redrawn between the two reads
                if sample and (not seen or seen[-1] != sample):
                    seen.append(sample)
                    if shot and len(seen) == 3:
                        self.shot(shot, cell)
            if until(cell):
                return seen
            time.sleep(0.1)
        raise AssertionError(f"condition not reached in {timeout_s} s; progress seen: {seen}")


def test_training_survives_interrupt_rerun_and_restart(browser, lab):
    base, checkpoints = lab
    s = Session(browser, base, "01-alexnet.ipynb")
    s.step("kernel idle")
    train = s.cell_with("Training.of(net")

    s.run_all()
    epoch_two = s.watch_progress(train, lambda c: "эпоха 2/2" in s.output_text(c), timeout_s=180)
    s.interrupt()
    s.step("Run All, interrupted in epoch 2")
    try:
        s.page.wait_for_function("c => c.innerText.includes('обучение прервано')", arg=train.element_handle(),
                                 timeout=30_000)
    except sync_api.TimeoutError:
        s.shot("1-interrupted", train)
        raise AssertionError(f"no 'обучение прервано' 30 s after Interrupt; the cell shows:\n{s.output_text(train)}")
    s.wait_all_done(timeout_s=60)
    s.shot("1-interrupted", train)
    text = s.output_text(train)
    assert len({v.split()[0] for v in epoch_two}) >= 2, (
        f"the progress bar did not move while epoch 1 trained: {epoch_two}")
    assert train.locator("progress").count() == 0, f"a frozen progress bar stayed after Interrupt:\n{text}"
    assert re.search(r"прервано на эпохе 2 из 2\. Сохранено эпох: 1 из 2 .*продолжит с эпохи 2", text), text

    s.run_cell(train)
    s.wait_all_done(timeout_s=120)
    s.step("training cell re-run after the interrupt")
    s.shot("2-rerun-resumes", train)
    text = s.output_text(train)
    assert "пройдено эпох 1 из 2" in text and "Native resource" not in text, text
    assert train.locator(STDERR).count() == 0, f"the re-run training cell failed:\n{text}"

    s.run_cell(train)
    s.wait_all_done(timeout_s=120)
    s.step("training cell re-run after it finished")
    text = s.output_text(train)
    assert "обучение уже завершено" in text and train.locator(STDERR).count() == 0, text

    s.restart()
    s.step("kernel restarted")
    s.run_all()
    s.wait_all_done(timeout_s=300)
    s.step("Run All after the restart")
    s.shot("3-restart-run-all", train)
    text = s.output_text(train)
    assert "Продолжаем с контрольной точки" in text and "пройдено эпох 2 из 2" in text, text
    failed = s.failed_cells()
    assert not failed, "Run All after a restart left errors:\n" + "\n---\n".join(failed)
    assert all(re.fullmatch(r"\[\d+\]:", p) for p in s.prompts()), s.prompts()
    s.close()


def test_gan_training_shows_live_progress(browser, lab):
    s = Session(browser, lab[0], "09-dcgan.ipynb")
    game = s.cell_with("gan.fit(images, steps)")
    s.run_all()
    seen = s.watch_progress(game, lambda c: "шаг G" in s.output_text(c) and c.locator("progress").count() == 0
                            and "осталось" not in s.output_text(c), timeout_s=300, shot="4-gan-live")
    s.step("GAN cell finished")
    s.shot("5-gan-finished", game)
    text = s.output_text(game)
    steps = {int(m.group(1)) for v in seen for m in [re.search(r"шаг G (\d+)/", v)] if m}
    assert len(steps) >= 3, f"the GAN cell's progress did not update while it played: {seen}"
    assert all(w in seen[-1] for w in ("потери D", "D(x)", "D(G(z))", "шагов/с", "осталось")), seen[-1]
    assert re.search(r"шаг G \d+: потери D", text), text
    s.wait_all_done(timeout_s=300)
    failed = s.failed_cells()
    assert not failed, "Run All left errors:\n" + "\n---\n".join(failed)
    s.close()
