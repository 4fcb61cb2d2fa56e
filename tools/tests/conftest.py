"""Shared set-up for the course's tests: import path, timings, and the end-of-run table.

Every test's duration (and, for notebooks, the kernel's wall time and the cells that wrote to
stderr) is printed as a table at the end of the session and written to
build/test/timings.json, which tools/test.sh folds into its final summary.
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
    if not _durations:
        return
    tr.write_sep("=", "timings")
    if _notebooks:
        tr.write_line(f"{'notebook':<40} {'status':<8} {'wall s':>8}  slowest cell   stderr")
        for name, n in sorted(_notebooks.items()):
            slow = n["slowest_cell"]
            slow_txt = f"#{slow['index']} {slow['seconds']:.1f} s" if slow else "-"
            err = ",".join(map(str, n["stderr_cells"])) or "-"
            tr.write_line(f"{name:<40} {'ok' if n['ok'] else 'FAILED':<8} {n['seconds']:>8.1f}  {slow_txt:<14} {err}")
        if any(n["stderr_cells"] for n in _notebooks.values()):
            tr.write_line("(stderr: cells that wrote to stderr; reported only, it does not fail the test)")
        tr.write_line("")
    tr.write_line(f"{'test':<70} {'outcome':<8} {'s':>8}")
    for nodeid, d in _durations.items():
        short = nodeid.replace("tools/tests/", "")
        if len(short) > 70:
            short = short[:67] + "..."
        tr.write_line(f"{short:<70} {d['outcome']:<8} {d['seconds']:>8.1f}")
    tr.write_line(f"{'total (pytest session)':<70} {'':<8} {total:>8.1f}")
