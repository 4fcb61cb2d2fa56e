"""How long grading a class takes: N submissions of one assignment, graded one at a time and in
parallel worker processes (one kernel each).

    .venv/bin/python tools/bench_grading.py [--assignment lstm] [-n 30] [--jobs 1 2] [--timeout 120]

The class is half reference solutions and half untouched releases (alternating), so that a
parallel run that mixed kernels or files up would show as a wrong score: every submission must
get exactly the score its kind deserves (full marks / zero), or the command exits with status 1.
Prints a Markdown table (seconds in all, per submission, submissions per minute) for docs/grading.md.
"""
from __future__ import annotations

import argparse
import os
import platform
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
    p.add_argument("--timeout", type=int, default=grade.CELL_TIMEOUT)
    a = p.parse_args(argv)
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
        for jobs in a.jobs:
            t0 = time.perf_counter()
            results = grade.grade_all(source, paths, tmp / f"out-{jobs}", a.timeout, 60.0, jobs)
            seconds = time.perf_counter() - t0
            wrong = [r.id for r in results if r.score != expected[r.id.split("__")[0]]]
            ok &= not wrong
            rows.append((jobs, seconds, wrong))
            print(f"jobs={jobs}: {a.n} submissions in {seconds:.1f} s"
                  + (f"; WRONG SCORES: {wrong}" if wrong else "; every score as expected"), flush=True)
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}; "
          f"assignment {a.assignment} ({len(source.checks)} checks), {a.n} submissions (half reference, half release)\n")
    print("| workers | total, s | per submission, s | submissions/min | scores |")
    print("|---:|---:|---:|---:|---|")
    for jobs, seconds, wrong in rows:
        print(f"| {jobs} | {seconds:.0f} | {seconds / a.n:.1f} | {60 * a.n / seconds:.1f} | "
              f"{'all as expected' if not wrong else 'WRONG: ' + ', '.join(wrong)} |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
