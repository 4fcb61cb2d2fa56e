"""Execute course notebooks headless and export them.

    .venv/bin/python tools/run_notebook.py notebooks/01-alexnet.ipynb [more notebooks...]
                         [--out build/notebooks] [--timeout 1800] [--kernel java-dl] [--jobs 1]

Writes the executed copy <out>/<name>.ipynb and an HTML export <out>/<name>.html (also when a
cell fails, so the partial run can be inspected), prints the wall time, and on failure prints
the notebook, the failing cell and the error, and exits with status 1. Several notebooks run
--jobs at a time, each in its own kernel, and end with a line "N passed, N failed".

The run size comes from the environment, as in JupyterLab: DL_PROFILE=smoke|laptop|full,
DL_CHECKPOINTS=<dir>. Tests import `execute` from here.
"""
from __future__ import annotations

import argparse
import atexit
import copy
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter

import course_kernel

KERNEL = course_kernel.NAME
CELL_TIMEOUT = 1800  # seconds per cell
PLOTLY_MIME = "application/vnd.plotly.v1+json"


@dataclass
class CellFailure:
    index: int              # 0-based index among all cells of the notebook
    source: str             # the cell's source
    ename: str              # e.g. RuntimeException, CompilationException, CellTimeoutError
    evalue: str
    traceback: list[str] = field(default_factory=list)  # without ANSI colours

    def head(self, lines: int = 5) -> str:
        src = self.source.splitlines()
        more = f"\n    ... ({len(src) - lines} more lines)" if len(src) > lines else ""
        return "\n".join("    " + s for s in src[:lines]) + more


@dataclass
class Result:
    notebook: Path
    executed: Path          # the executed (maybe partial) copy
    html: Path | None       # None when the export itself failed
    seconds: float
    failure: CellFailure | None = None
    export_error: str | None = None
    cell_seconds: dict[int, float] = field(default_factory=dict)
    stderr_cells: list[int] = field(default_factory=list)  # cells that wrote to stderr

    @property
    def ok(self) -> bool:
        return self.failure is None and self.export_error is None

    @property
    def name(self) -> str:
        return self.notebook.name

    def describe(self) -> str:
        """A multi-line account of what went wrong (empty when ok)."""
        out = []
        if self.failure and self.failure.index < 0:
            f = self.failure
            out.append(f"{self.name}: the kernel did not start: {f.ename}: {f.evalue.strip()}")
        elif self.failure:
            f = self.failure
            out.append(f"{self.name}: cell {f.index} failed: {f.ename}: {f.evalue.strip()}")
            out.append(f"  cell {f.index} source:\n{f.head()}")
            if f.traceback:
                tb = [line for line in f.traceback if line.strip()]
                more = f"\n    ... ({len(tb) - 12} more lines)" if len(tb) > 12 else ""
                out.append("  error output:\n" + "\n".join("    " + line for line in tb[:12]) + more)
            out.append(f"  executed copy: {self.executed}")
        if self.export_error:
            out.append(f"{self.name}: HTML export failed: {self.export_error}")
        return "\n".join(out)


def _error_output(cell) -> tuple[str, str, list[str]] | None:
    out = course_kernel.first_error(cell.get("outputs", []))
    return (out.get("ename", "Error"), out.get("evalue", ""), course_kernel.traceback(out)) if out else None


def _plotly_as_html(nb):
    """A copy of `nb` in which each stored plotly figure also carries a text/html twin, so that
    the static HTML export draws it (plotly.js is inlined once, offline). Without plotly the
    figure is left alone: the exporter then falls back to its text/plain form."""
    try:
        import plotly.io as pio
    except ImportError:
        return nb
    nb = copy.deepcopy(nb)
    first = True
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data") or {}
            if PLOTLY_MIME not in data or "text/html" in data:
                continue
            try:
                fig = data[PLOTLY_MIME]
                html = pio.to_html(fig, full_html=False, include_plotlyjs=first, validate=False,
                                   config=fig.get("config") if isinstance(fig, dict) else None)
            except Exception as e:  # a malformed figure must not break the export
                html = f"<pre>plotly figure not exported: {type(e).__name__}: {e}</pre>"
            data["text/html"] = html
            first = False
    return nb


def export_html(nb, path: Path) -> None:
    # nbconvert does not know plotly's MIME type (it would fall back to text/plain); the
    # text/html twin added here is what it renders.
    body, _ = HTMLExporter().from_notebook_node(_plotly_as_html(nb))
    path.write_text(body, encoding="utf-8")


def _log_error(kernel_log: Path) -> str:
    """The first line of the kernel's log that names an exception or a JVM error, if any."""
    try:
        lines = kernel_log.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    for line in lines:
        if re.search(r"Exception|Error|^#  ", line) and not line.startswith("\tat "):
            return "\n    kernel log: " + line.strip()[:300]
    return ""


def _failure(e: Exception, nb, current: dict, timeout: int, kernel_log: Path) -> CellFailure:
    i = current["index"]
    cell = nb.cells[i] if 0 <= i < len(nb.cells) else {"source": ""}
    stored = _error_output(cell) if i >= 0 else None
    text = str(e).strip()
    ename, evalue = type(e).__name__, text.splitlines()[0] if text else ""
    timed_out = isinstance(e, CellTimeoutError) or (
        i >= 0 and course_kernel.timed_out(ename, time.perf_counter() - current["start"], timeout))
    if timed_out:
        ename = "CellTimeoutError"
        evalue = f"the cell ran longer than {timeout} s and was interrupted"
        if stored:
            evalue += f" ({stored[0]})"
    elif stored and not isinstance(e, DeadKernelError):
        ename, evalue = stored[0], stored[1]
    else:  # the kernel died or never started: its log says why
        evalue = f"{evalue} (the kernel's log: {kernel_log}){_log_error(kernel_log)}"
    return CellFailure(i, cell.get("source", ""), ename, evalue, stored[2] if stored else [])


def execute(path, out_dir="build/notebooks", timeout: int = CELL_TIMEOUT, env: dict | None = None,
            kernel: str = KERNEL) -> Result:
    """Execute notebook `path` in kernel `kernel` with `timeout` seconds per cell.

    `env` adds to (and overrides) this process's environment for the kernel. The notebook runs
    with its own folder as working directory. Writes <out_dir>/<name>.ipynb and .html; never
    raises for a failing cell: look at Result.ok / Result.failure.
    """
    path = Path(path).resolve()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(path, as_version=4)

    current = {"index": -1, "start": 0.0}
    cell_seconds: dict[int, float] = {}

    def on_start(cell, cell_index, **_):
        current["index"], current["start"] = cell_index, time.perf_counter()

    def on_executed(cell, cell_index, **_):
        cell_seconds[cell_index] = time.perf_counter() - current["start"]

    # Killed at the end, not shut down: JJava's JVM ignores a shutdown request (see grade.Kernel),
    # and the executed notebook is in hand by then.
    client = NotebookClient(
        nb, kernel_name=kernel, timeout=timeout, interrupt_on_timeout=True,
        allow_errors=False, record_timing=True, shutdown_kernel="immediate",
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_start=on_start, on_cell_executed=on_executed)

    kernel_env = dict(os.environ)
    kernel_env.update(env or {})
    stem = path.stem
    # The kernel's own log (JJava's start-up lines, JVM crashes) goes to a file, not our stderr.
    kernel_log = out_dir / f"{stem}.kernel.log"
    failure = None
    t0 = time.perf_counter()
    with open(kernel_log, "wb") as log:
        try:
            client.execute(env=kernel_env, stdout=log, stderr=log)
        except Exception as e:  # CellExecutionError, CellTimeoutError, DeadKernelError, start-up
            failure = _failure(e, nb, current, timeout, kernel_log)
        finally:
            # When the kernel fails to start, nbclient leaves an exit hook behind that fails
            # noisily at interpreter exit; clean up now instead.
            atexit.unregister(client._cleanup_kernel)
            if client.km is not None and client.km.has_kernel:
                try:
                    client._cleanup_kernel()
                except Exception:
                    pass
    seconds = time.perf_counter() - t0

    executed = out_dir / f"{stem}.ipynb"
    nbformat.write(nb, executed)
    html, export_error = out_dir / f"{stem}.html", None
    try:
        export_html(nb, html)
    except Exception as e:
        html, export_error = None, f"{type(e).__name__}: {e}"

    stderr_cells = [i for i, c in enumerate(nb.cells) if any(
        o.get("output_type") == "stream" and o.get("name") == "stderr" for o in c.get("outputs", []))]
    return Result(path, executed, html, seconds, failure, export_error, cell_seconds, stderr_cells)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("notebooks", type=Path, nargs="+", metavar="notebook")
    p.add_argument("--out", type=Path, default=Path("build/notebooks"), help="output folder (default build/notebooks)")
    p.add_argument("--timeout", type=int, default=CELL_TIMEOUT, help=f"seconds per cell (default {CELL_TIMEOUT})")
    p.add_argument("--kernel", default=KERNEL, help=f"kernel spec name (default {KERNEL})")
    p.add_argument("--jobs", type=int, default=1,
                   help="notebooks run at once, each kernel with cores/jobs PyTorch threads (default 1)")
    a = p.parse_args(argv)
    missing = [nb for nb in a.notebooks if not nb.is_file()]
    if missing:
        print(f"no such notebook: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    profile = os.environ.get("DL_PROFILE", "(default)")
    threads = course_kernel.torch_threads(a.jobs)
    env = {"OMP_NUM_THREADS": str(threads)} if threads else {}
    print(f"running {len(a.notebooks)} notebook(s), {a.jobs} at a time (kernel {a.kernel}, DL_PROFILE={profile}, "
          f"{a.timeout} s per cell)", flush=True)

    def run(nb: Path) -> Result:
        r = execute(nb, a.out, a.timeout, env=env, kernel=a.kernel)
        print(f"{r.name}: {'ok' if r.ok else 'FAILED'} in {r.seconds:.1f} s wall time"
              + (f" (cells {r.stderr_cells} wrote to stderr)" if r.stderr_cells else ""), flush=True)
        return r

    with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:  # each run waits on its own kernel
        results = list(pool.map(run, a.notebooks))
    print(f"executed copies and HTML exports in {a.out}")
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(r.describe(), file=sys.stderr)
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
