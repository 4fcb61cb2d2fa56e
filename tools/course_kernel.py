"""What every tool knows about the course's Jupyter kernel: its name, where `make setup` installs
its spec, and how to read the errors it reports (grade.py, run_notebook.py, install_kernel.py and
the tests share this)."""
from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "java-dl"
SPEC = ROOT / ".venv" / "share" / "jupyter" / "kernels" / NAME / "kernel.json"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def plain(text: str) -> str:
    """`text` without ANSI colour codes (JJava colours its tracebacks)."""
    return _ANSI.sub("", text)


def first_error(outputs: list) -> dict | None:
    """The first error output of a cell's outputs, if any."""
    return next((o for o in outputs if o.get("output_type") == "error"), None)


def traceback(error_output: dict) -> list[str]:
    """An error output's traceback lines, without colours."""
    return [plain(line) for line in error_output.get("traceback", [])]


def timed_out(ename: str, seconds: float, timeout: float) -> bool:
    """Whether a failed cell hit its time limit. On a timeout nbclient interrupts the cell, and the
    kernel then usually reports its interruption, not a timeout: the time the cell took tells."""
    return ename == "CellTimeoutError" or seconds >= timeout


def torch_threads(kernels_at_once: int) -> int | None:
    """PyTorch's threads per kernel (OMP_NUM_THREADS) when several kernels share the CPUs: two kernels
    that each start a thread per core slow each other down far more than twice."""
    return max(1, (os.cpu_count() or 1) // kernels_at_once) if kernels_at_once > 1 else None
