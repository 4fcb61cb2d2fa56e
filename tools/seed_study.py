"""One notebook run several times with different seeds: what its «Проверяем утверждения лекции»
cells print, every number that varies given as mean ± standard deviation over the runs.

    .venv/bin/python tools/seed_study.py notebooks/04-resnet.ipynb --profile laptop --seeds 3
    make seed-study NB=notebooks/04-resnet.ipynb PROFILE=laptop SEEDS=3

Run r (0, 1, …) executes the notebook with DL_SEED_REPLICATE=r: every `Seeds.fix(s)` in it then
fixes s + 1000·r, and nothing else changes (the notebook's banner says which replicate ran). A
figure that docs/ quote for a notebook's experiment comes from this command or from one run of the
notebook: the notebook is the one implementation of its experiment. Writes the page to
docs/seeds-<notebook>-<profile>.md (or --out) and the executed copies to build/seed-study/.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
from datetime import date
from pathlib import Path

from notebook_figures import CLAIMS, claims_output, machine
from run_notebook import CELL_TIMEOUT, execute

ROOT = Path(__file__).resolve().parent.parent
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def merge(runs: list[list[str]]) -> list[str]:
    """The runs' lines side by side: where every run printed the same words with other numbers,
    one line with each varying number as `mean ± sd`; otherwise each run's line, marked."""
    out = []
    for i in range(max(len(r) for r in runs)):
        lines = [r[i] if i < len(r) else "" for r in runs]
        skeletons = {NUMBER.sub("#", line) for line in lines}
        if len(skeletons) != 1:
            out += [f"[run {k}] {line}" for k, line in enumerate(lines)]
            continue
        numbers = [NUMBER.findall(line) for line in lines]
        pieces, rest = [], lines[0]
        for slot in zip(*numbers):
            at = NUMBER.search(rest)
            pieces.append(rest[:at.start()])
            rest = rest[at.end():]
            pieces.append(slot[0] if len(set(slot)) == 1 else spread(slot))
        out.append("".join(pieces) + rest)
    return out


def spread(values: tuple[str, ...]) -> str:
    """`mean ± sd` of numbers as printed, to the printed precision (plus one digit for the sd)."""
    x = [float(v) for v in values]
    decimals = max(len(v.split(".")[1]) if "." in v and "e" not in v.lower() else 0 for v in values)
    mean, sd = statistics.fmean(x), statistics.stdev(x)
    if any("e" in v.lower() for v in values):
        return f"{mean:.2e} ± {sd:.1e}"
    return f"{mean:.{decimals}f} ± {sd:.{decimals + 1}f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--profile", choices=["smoke", "laptop", "full"], default="laptop")
    parser.add_argument("--seeds", type=int, default=3, help="number of runs (at least 2)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.seeds < 2:
        parser.error("a spread needs at least 2 runs")
    notebook = args.notebook.resolve()
    runs, walls = [], []
    for r in range(args.seeds):
        out_dir = ROOT / "build" / "seed-study" / args.profile / f"run{r}"
        result = execute(notebook, out_dir, CELL_TIMEOUT, env={
            "DL_PROFILE": args.profile, "DL_SEED_REPLICATE": str(r),
            "DL_CHECKPOINTS": str(out_dir / "checkpoints")})
        if not result.ok:
            print(result.describe(), file=sys.stderr)
            return 1
        runs.append(claims_output(result.executed))
        walls.append(result.seconds)
        print(f"run {r}: {result.seconds:.0f} s", flush=True)
    threads = os.environ.get("OMP_NUM_THREADS", "default")
    page = [f"# {notebook.stem}: {args.seeds} seeds, `{args.profile}` profile", "",
            f"Generated on {date.today().isoformat()} by",
            f"`tools/seed_study.py {args.notebook} --profile {args.profile} --seeds {args.seeds}`.",
            f"Machine: {machine()} (OMP_NUM_THREADS {threads}). Wall time per run: "
            + ", ".join(f"{w:.0f} s" for w in walls) + ".",
            f"The lines the cells under «{CLAIMS}» printed; a number that differed between the runs",
            "is given as mean ± standard deviation over them (run r fixed every seed s as s + 1000·r).", "",
            "```text", *merge(runs), "```", ""]
    out = args.out or ROOT / "docs" / f"seeds-{notebook.stem}-{args.profile}.md"
    out.write_text("\n".join(page))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
