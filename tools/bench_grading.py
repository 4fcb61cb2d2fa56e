"""How long grading a class takes: N submissions of one assignment, graded one at a time and in
parallel worker processes (one kernel each), each in its sandbox and, side by side in the same run,
without it (what the sandbox costs, as a ratio).

    .venv/bin/python tools/bench_grading.py [--assignment lstm] [-n 30] [--jobs 1 2] [--modes sandbox plain] [--neighbours 0]

The class is half reference solutions and half untouched releases (alternating), so that a
parallel run that mixed kernels or files up would show as a wrong score: every submission must
get exactly the score its kind deserves (full marks / zero), or the command exits with status 1.
With --neighbours K, K processes spin on the CPU for the whole run: a machine shared with other
work, where an honest submission must still get every point.
Prints a Markdown table (seconds in all, per submission, submissions per minute) for docs/grading.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import grade  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--assignment", default="lstm")
    p.add_argument("-n", type=int, default=30, help="submissions (default 30)")
    p.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="worker counts to compare (default 1 2)")
    p.add_argument("--modes", nargs="+", choices=["sandbox", "plain"], default=["sandbox", "plain"],
                   help="with and/or without the sandbox (default both)")
    p.add_argument("--timeout", type=int, default=grade.CELL_TIMEOUT)
    p.add_argument("--neighbours", type=int, default=0, help="processes that spin on the CPU meanwhile (default 0)")
    a = p.parse_args(argv)
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(a.neighbours)]
    try:
        return bench(a)
    finally:
        for spinner in spinners:
            spinner.kill()


def bench(a) -> int:
    source = grade.load_source(ROOT / "assignments" / "source" / a.assignment / f"{a.assignment}.ipynb")
    rows, ok = [], True
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = Path(tmp)
        paths, expected = [], {}
        for i in range(a.n):
            kind = "reference" if i % 2 == 0 else "release"
            path = tmp / "class" / f"student{i:02d}" / f"{a.assignment}.ipynb"
            path.parent.mkdir(parents=True)
            nbformat.write(source.nb if kind == "reference" else grade.release(source.nb), path)
            paths.append(path)
            expected[f"student{i:02d}"] = source.max_score if kind == "reference" else 0
        load = os.getloadavg()[0]
        for jobs in a.jobs:
            for mode in a.modes:
                t0 = time.perf_counter()
                results = grade.grade_all(source, paths, tmp / f"out-{mode}-{jobs}", a.timeout, 60.0, jobs,
                                          sandboxed=mode == "sandbox")
                seconds = time.perf_counter() - t0
                wrong = [r.id for r in results if r.score != expected[r.id.split("__")[0]]]
                ok &= not wrong
                rows.append((mode, jobs, seconds, wrong))
                print(f"{mode}, jobs={jobs}: {a.n} submissions in {seconds:.1f} s"
                      + (f"; WRONG SCORES: {wrong}" if wrong else "; every score as expected"), flush=True)
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
          f"load average {load:.1f} at the start, {a.neighbours} spinning neighbour(s); assignment {a.assignment} ({len(source.checks)} checks), "
          f"{a.n} submissions (half reference, half release)\n")
    plain = {jobs: seconds for mode, jobs, seconds, _ in rows if mode == "plain"}
    print("| mode | workers | total, s | per submission, s | submissions/min | vs. plain | scores |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for mode, jobs, seconds, wrong in rows:
        ratio = f"{seconds / plain[jobs]:.2f}×" if jobs in plain else "—"
        print(f"| {mode} | {jobs} | {seconds:.0f} | {seconds / a.n:.1f} | {60 * a.n / seconds:.1f} | {ratio} | "
              f"{'all as expected' if not wrong else 'WRONG: ' + ', '.join(wrong)} |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
