"""Shared set-up for the course's tests: import path, timings, and the end-of-run table.

Every test's duration (and, for notebooks, the kernel's wall time, the slowest cell and the cells
that wrote to stderr) is written to build/test/timings.json and summarised at the end of the
session by tools/timings.py, which tools/test.sh calls again for its final summary.
"""
import json
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

import timings  # noqa: E402  (tools/ is on the path only now)

BUILD = ROOT / "build" / "test"

_durations: dict[str, dict] = {}    # nodeid -> {"seconds", "outcome"}
_notebooks: dict[str, dict] = {}    # notebook name -> details recorded by the test itself


@pytest.fixture(scope="session")
def record_notebook():
    """A notebook test calls record_notebook(result, profile) with run_notebook.Result."""
    def record(result, profile):
        slowest = sorted(result.cell_seconds.items(), key=lambda kv: -kv[1])[:1]
        _notebooks[f"{profile}/{result.name}"] = {
            "profile": profile,
            "notebook": result.name,
            "seconds": round(result.seconds, 2),
            "ok": result.ok,
            "stderr_cells": result.stderr_cells,
            "slowest_cell": {"index": slowest[0][0], "seconds": round(slowest[0][1], 2)} if slowest else None,
            "executed": str(result.executed),
            "html": str(result.html) if result.html else None,
        }
    return record


def pytest_runtest_logreport(report):
    d = _durations.setdefault(report.nodeid, {"seconds": 0.0, "outcome": "passed"})
    d["seconds"] = round(d["seconds"] + report.duration, 3)
    rank = {"passed": 0, "skipped": 1, "failed": 2}
    if rank.get(report.outcome, 2) > rank[d["outcome"]]:
        d["outcome"] = report.outcome


def pytest_sessionstart(session):
    session.config._dl_t0 = time.perf_counter()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    tr = terminalreporter
    total = time.perf_counter() - getattr(config, "_dl_t0", time.perf_counter())
    BUILD.mkdir(parents=True, exist_ok=True)
    (BUILD / "timings.json").write_text(json.dumps(
        {"total_seconds": round(total, 2), "tests": _durations, "notebooks": _notebooks}, indent=2))
    if _durations:
        tr.write_sep("=", "timings")
        for line in timings.lines(json.loads((BUILD / "timings.json").read_text())):
            tr.write_line(line)
        tr.write_line(f"  {'total (pytest session)':<44} {'':<7} {total:>8.1f}")
