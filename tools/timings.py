"""The test run's timing summary, from build/test/timings.json (written by tools/tests/conftest.py):
notebooks by profile (with each one's slowest cell and the cells that wrote to stderr), then the
browser, kernel, grading and other checks. conftest prints it at the end of a pytest session;
tools/test.sh prints it under the set-up and Maven rows.

    python tools/timings.py build/test/timings.json
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

PROFILES = ["smoke", "laptop", "full", "solutions"]  # solutions: docs/solutions/, in smoke
OUTCOMES = ["skipped", "passed", "failed"]

# (label, how to recognise the test's node id); the first match wins, in this order
SINGLE = [
    ("  kernel: 16 re-runs of a cell, start-up", "test_kernel_memory.py::"),
    ("  browser test (JupyterLab + Chromium)", "test_browser.py::"),
    ("  JJava's plain kernel runs the course", "test_lab.py::test_the_plain_jjava_kernel"),
    ("  make lab (the student's JupyterLab)", "test_lab.py::"),
]
GRADING = ("test_grading.py::", "test_hostile.py::", "test_nbgrader.py::")


def lines(timings: dict) -> list[str]:
    notebooks: dict[str, dict] = {}
    rows, grading, other = [], [], []
    for nodeid, d in timings["tests"].items():
        if "test_notebooks.py::test_notebook_runs[" in nodeid:
            profile, name = nodeid.split("[", 1)[1].rstrip("]").split("/", 1)
            notebooks.setdefault(name, {})[profile] = d
        elif any(g in nodeid for g in GRADING):
            grading.append(d)
        elif "test_student_session.py::" in nodeid:
            rows.append((f"  student session: {nodeid.split('::test_')[1][:33]}", d["outcome"], d["seconds"]))
        else:
            label = next((label for label, key in SINGLE if key in nodeid), None)
            if label:
                rows.append((label, d["outcome"], d["seconds"]))
            else:
                other.append(d)
    out = []
    if notebooks:
        profiles = sorted({p for runs in notebooks.values() for p in runs}, key=PROFILES.index)
        details = timings.get("notebooks", {})
        out.append(f"  {'notebooks':<44} " + "".join(f"{p + ' (s)':>18}" for p in profiles)
                   + "  slowest cell, stderr cells")
        # a notebook's own kernel time where recorded (notebooks may run several at a time: the
        # test itself then only waits for it), else its test's duration
        own = lambda p, name, run: details.get(f"{p}/{name}", {}).get("seconds", run["seconds"])
        for name, runs in sorted(notebooks.items()):
            cells = [f"{runs[p]['outcome']} {own(p, name, runs[p]):7.1f}" if p in runs else "-" for p in profiles]
            notes = []
            for p in profiles:
                n = details.get(f"{p}/{name}")
                if n and n.get("slowest_cell"):
                    notes.append(f"{p}: #{n['slowest_cell']['index']} {n['slowest_cell']['seconds']:.1f} s"
                                 + (f", stderr {n['stderr_cells']}" if n["stderr_cells"] else ""))
            out.append(f"    {name:<42} " + "".join(f"{c:>18}" for c in cells) + "  " + "; ".join(notes))
        out.append(f"    {'all notebooks, one after another':<42} " + "".join(
            f"{sum(own(p, n, r[p]) for n, r in notebooks.items() if p in r):>18.1f}" for p in profiles))
        out.append(f"    {'all notebooks, wall time':<42} " + "".join(
            f"{sum(r[p]['seconds'] for r in notebooks.values() if p in r):>18.1f}" for p in profiles))
    for label, group in ((f"  grading, honest and hostile ({len(grading)} tests)", grading),
                         (f"  other checks ({len(other)} tests: hygiene, pins, classpath)", other)):
        if group:
            # the grading tests share one session fixture: its time is charged to the first of them
            worst = max((d["outcome"] for d in group), key=OUTCOMES.index)
            rows.append((label, worst, sum(d["seconds"] for d in group)))
    out += [f"  {label:<44} {outcome:<7} {s:>8.1f}" for label, outcome, s in rows]
    return out


def main(argv: list[str]) -> int:
    try:
        timings = json.loads(Path(argv[1]).read_text())
    except (IndexError, OSError, ValueError):
        return 0  # no pytest run to summarise
    print("\n".join(lines(timings)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
