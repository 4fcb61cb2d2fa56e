"""`make bench-peer`: the course's training against PyTorch-Python on the same engine.

Both sides run on this machine with the same thread count, on the same data (the library writes
its batches to files, this script reads them), and never at once: the library's side is a JVM
that waits on its standard input (`dlcourse.bench.PeerBench`), this process is the PyTorch side,
and the two take turns, alternating which goes first. Every ratio therefore comes from one run,
round by round, and the table gives its median and its range over the rounds.

Two comparisons per model:
  step  the training step alone on one batch held in memory (forward, loss, backward, read the
        loss, Adam), the library's `EngineStep` against the same five lines of PyTorch; for DCGAN
        one round of the adversarial game (a D step and a G step) in both;
  loop  the course's whole loop (`Training`, `AdversarialTraining`) over an epoch of real
        batches against a plain PyTorch loop over held tensors that does the same bookkeeping
        (the loss read back and correct predictions counted every batch).
With --profile, each side's engine operations per step under its profiler as well.

The library's JVM is set up as the course kernel is: the training thread computes with the
thread count, every other thread with one (dlcourse.core.EngineThreads).

Usage: .venv-peer/bin/python tools/peer/bench_peer.py [--models alexnet,lstm] [--rounds 5]
       [--threads 2] [--profile] [--label now] [--docs docs/performance.md]
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mirrors  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TORCH_VERSION = "2.7.1"  # the libtorch that DJL 0.36's pytorch-native-cpu loads
MODELS = ["alexnet", "vgg11", "googlenet", "resnet18", "lstm", "dcgan"]
TITLES = {"alexnet": "AlexNet", "vgg11": "VGG-11 (32×32)", "googlenet": "GoogLeNet (+aux)",
          "resnet18": "ResNet-18", "lstm": "LSTM (char model)", "dcgan": "DCGAN (round)"}
LEARNING_RATE = 1e-4  # EngineStep's and the loop's Adam


# ---------------------------------------------------------------------------- the library's side

class Library:
    """The JVM running dlcourse.bench.PeerBench, one command and one answer at a time."""

    def __init__(self, threads):
        classpath = self.classpath()
        # threads as in the kernel: the training thread computes with `threads`, others with one
        self.process = subprocess.Popen(
            ["java", "-Xmx8g", "-Dai.djl.offline=true", f"-Ddlcourse.home={ROOT}",
             "-Dai.djl.pytorch.num_threads=1",
             "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
             "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=off",
             "-cp", classpath, "dlcourse.bench.PeerBench"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "OMP_NUM_THREADS": str(threads)})
        self.machine = self.answer()["machine"]

    @staticmethod
    def classpath():
        out = ROOT / "build" / "peer" / "classpath.txt"
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mvn", "-q", "-B", "test-compile", "dependency:build-classpath",
                        "-Dmdep.includeScope=test", f"-Dmdep.outputFile={out}"],
                       cwd=ROOT, check=True)
        return os.pathsep.join([str(ROOT / "target" / "test-classes"),
                                str(ROOT / "target" / "classes"), out.read_text().strip()])

    def ask(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.answer()

    def answer(self):
        for line in self.process.stdout:
            if line.startswith("peer> "):
                words = line[len("peer> "):].strip()
                if words.startswith("machine "):
                    return {"machine": words[len("machine "):].replace("\\n", "\n")}
                return dict(w.split("=", 1) for w in words.split())
            print("  [library] " + line.rstrip())  # the engine talking
        raise RuntimeError(f"the library's side ended (exit code {self.process.wait()})")

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
            self.process.wait(timeout=60)


def read_array(folder, name, spec):
    dtype, dims = spec.split(":")
    shape = [int(d) for d in dims.split(",")]
    return torch.from_numpy(np.fromfile(folder / f"{name}.bin", dtype=dtype).reshape(shape))


# ------------------------------------------------------------------------------ the PyTorch side

class Classifier:
    """A mirrored network with Adam; the step and the loop as a PyTorch user writes them."""

    def __init__(self, name):
        build, self.loss = mirrors.CLASSIFIERS[name]
        self.build = build
        self.net = build()
        self.opt = torch.optim.Adam(self.net.parameters(), lr=LEARNING_RATE)
        self.integer_inputs = name == "lstm"

    def weights(self):
        return mirrors.weights(self.net)

    def inputs(self, x):
        return x.long() if self.integer_inputs else x

    def steps(self, x, y, n):
        net, opt, loss_fn = self.net, self.opt, self.loss
        net.train()
        start = time.perf_counter()
        for _ in range(n):
            loss = loss_fn(net(x), y)
            opt.zero_grad()
            loss.backward()
            loss.item()
            opt.step()
        return time.perf_counter() - start

    def loop(self, X, Y, batch, epochs):
        """A fresh network trained `epochs` epochs; seconds of the last one."""
        net = self.build()
        opt = torch.optim.Adam(net.parameters(), lr=LEARNING_RATE)
        net.train()
        seconds = 0.0
        for _ in range(epochs):
            start = time.perf_counter()
            order = torch.randperm(len(X))
            loss_sum, correct = 0.0, 0
            for i in range(0, len(X), batch):
                idx = order[i:i + batch]
                x, y = X[idx], Y[idx]
                out = net(x)
                loss = self.loss(out, y)
                opt.zero_grad()
                loss.backward()
                loss_sum += loss.item() * len(idx)
                scores = out[0] if isinstance(out, tuple) else out
                correct += (scores.argmax(-1) == y).sum().item()
                opt.step()
            seconds = time.perf_counter() - start
        return seconds


class Adversarial:
    """The course DCGAN's round as AdversarialTraining plays it: k = 1, Adam(2e-4, β1 0.5)."""

    latent = 64

    def __init__(self):
        self.g, self.d, self.opt_g, self.opt_d = self.players()

    def players(self):
        g, d = mirrors.dcgan_generator(self.latent), mirrors.dcgan_discriminator()
        return (g, d, torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999)),
                torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999)))

    def weights(self):
        return mirrors.weights(self.g, self.d)

    def inputs(self, x):
        return x

    def round(self, g, d, opt_g, opt_d, images):
        real = images * 2 - 1  # pixels in [0, 1] -> G's tanh range
        n = len(real)
        # (1) update D: maximise log D(x) + log(1 - D(G(z))), G held fixed
        fake = g(torch.randn(n, self.latent)).detach()
        real_logit, fake_logit = d(real), d(fake)
        loss = (F.binary_cross_entropy_with_logits(real_logit, torch.ones_like(real_logit))
                + F.binary_cross_entropy_with_logits(fake_logit, torch.zeros_like(fake_logit)))
        opt_d.zero_grad()
        loss.backward()
        loss.item(), torch.sigmoid(real_logit).mean().item(), torch.sigmoid(fake_logit).mean().item()
        opt_d.step()
        # (2) update G: maximise log D(G(z)), D held fixed
        for p in d.parameters():
            p.requires_grad_(False)
        fake_logit = d(g(torch.randn(n, self.latent)))
        loss = F.binary_cross_entropy_with_logits(fake_logit, torch.ones_like(fake_logit))
        opt_g.zero_grad()
        loss.backward()
        loss.item()
        opt_g.step()
        for p in d.parameters():
            p.requires_grad_(True)

    def steps(self, held, _labels, n, batch=64):
        self.g.train(), self.d.train()
        start = time.perf_counter()
        order = torch.randperm(len(held))
        for r in range(n):
            i = (r * batch) % len(held)
            if i == 0 and r > 0:
                order = torch.randperm(len(held))
            self.round(self.g, self.d, self.opt_g, self.opt_d, held[order[i:i + batch]])
        return time.perf_counter() - start

    def loop(self, X, _Y, batch, epochs):
        g, d, opt_g, opt_d = self.players()
        seconds = 0.0
        for _ in range(epochs):
            start = time.perf_counter()
            order = torch.randperm(len(X))
            for r in range(len(X) // batch):
                self.round(g, d, opt_g, opt_d, X[order[r * batch:(r + 1) * batch]])
            seconds = time.perf_counter() - start
        return seconds


# ------------------------------------------------------------------------------- the profiles

def trace_events(path):
    """The completed operations of a Chrome trace (the engine's profiler on both sides)."""
    text = Path(path).read_text()
    try:
        data = json.loads(text)
    except json.JSONDecodeError:  # libtorch's legacy profiler may leave a trailing comma
        data = json.loads(text.rstrip().rstrip(",") + "]")
    events = data["traceEvents"] if isinstance(data, dict) else data
    return [e for e in events if e.get("ph") == "X" and "dur" in e]


def outermost(events):
    """The operations no other operation of their thread encloses: the calls the framework made,
    an operator's own sub-operations left out (an Adam step is its element-wise operations)."""
    by_thread = {}
    for e in events:
        by_thread.setdefault(e.get("tid"), []).append(e)
    calls = []
    for es in by_thread.values():
        es.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        end = float("-inf")
        for e in es:
            if float(e["ts"]) >= end:
                calls.append(e)
                end = float(e["ts"]) + float(e["dur"])
    return calls


def profile_summary(path, steps):
    """Per step: the operations the framework called and the milliseconds inside them. (The time
    between operations is left out: each profiler adds its own cost there, and sampling the
    library's JVM without one, JFR, found under 5 % of a DCGAN round in Java code.)"""
    # PyTorch's trace also holds the profiler's own span and the optimizer's annotations, which
    # enclose the operations they name: the operations themselves are what both sides called
    events = [e for e in trace_events(path) if e.get("cat") not in ("Trace", "user_annotation")]
    calls = outermost(events)
    inside = sum(float(e["dur"]) for e in calls)
    return {"calls": len(calls) / steps, "inside_ms": inside / steps / 1000}


def profile(library, peer, x, y, folder, steps=10):
    """Both sides' operations over `steps` steps, under each engine's profiler."""
    ours = folder / "library-trace.json"
    library.ask(f"profile {steps} {ours}")
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        peer.steps(x, y, steps)
    theirs = folder / "pytorch-trace.json"
    prof.export_chrome_trace(str(theirs))
    return profile_summary(ours, steps), profile_summary(theirs, steps)


# ----------------------------------------------------------------------------------- the rounds

def compare(library, name, args, folder):
    ready = library.ask(f"prepare {name} {folder}")
    batch = int(ready["batch"])
    peer = Adversarial() if name == "dcgan" else Classifier(name)
    ours, theirs = int(ready["weights"]), peer.weights()
    if ours != theirs:
        raise SystemExit(f"{name}: the mirror has {theirs} trainable weights, the library {ours}: "
                         "tools/peer/mirrors.py no longer mirrors the course's network")
    x = peer.inputs(read_array(folder, "x", ready["x"]))
    y = read_array(folder, "y", ready["y"]).long()
    if name == "dcgan":  # the rounds draw from four batches held in memory, as the library's do
        x = peer.inputs(read_array(folder, "loop_x", ready["loop_x"]))[:4 * batch]
    loop_x = peer.inputs(read_array(folder, "loop_x", ready["loop_x"]))
    loop_y = read_array(folder, "loop_y", ready["loop_y"]).long()

    # warm-up on both sides, then as many steps as fill about args.seconds on the library's side
    float(library.ask("step 3")["seconds"])
    peer.steps(x, y, 3)
    per_step = float(library.ask("step 3")["seconds"]) / 3
    n = max(3, round(args.seconds / per_step))
    step_ratios, step_rates = [], ([], [])
    for r in range(args.rounds):
        sides = [lambda: float(library.ask(f"step {n}")["seconds"]), lambda: peer.steps(x, y, n)]
        times = timed_in_turn(sides, r)
        rates = [n * batch / t for t in times]  # DCGAN: images generated per second
        step_rates[0].append(rates[0])
        step_rates[1].append(rates[1])
        step_ratios.append(rates[0] / rates[1])
        print(f"    step round {r + 1}: library {rates[0]:.0f}, PyTorch {rates[1]:.0f} examples/s",
              flush=True)
    # before the loops: for DCGAN a loop's fresh game replaces the step's (one game per GAN)
    profiled = profile(library, peer, x, y, folder) if args.profile else None
    loop_ratios, loop_rates = [], ([], [])
    examples = len(loop_x)
    for r in range(args.loop_rounds):
        sides = [lambda: float(library.ask(f"loop {args.loop_epochs}")["seconds"]),
                 lambda: peer.loop(loop_x, loop_y, batch, args.loop_epochs)]
        times = timed_in_turn(sides, r)
        done = examples - examples % batch if name == "dcgan" else examples
        rates = [done / t for t in times]
        loop_rates[0].append(rates[0])
        loop_rates[1].append(rates[1])
        loop_ratios.append(rates[0] / rates[1])
        print(f"    loop round {r + 1}: library {rates[0]:.0f}, PyTorch {rates[1]:.0f} examples/s",
              flush=True)
    return {"name": name, "weights": ours, "batch": batch, "steps": n, "examples": examples,
            "step": (step_rates, step_ratios), "loop": (loop_rates, loop_ratios),
            "profile": profiled}


def timed_in_turn(sides, round_index):
    """Runs both sides one after the other, the library first in even rounds; returns (ours,
    theirs). A short pause lets the other side's idle threads stop spinning first."""
    order = [0, 1] if round_index % 2 == 0 else [1, 0]
    times = [0.0, 0.0]
    for i in order:
        time.sleep(0.5)
        times[i] = sides[i]()
    return times


# ---------------------------------------------------------------------------------- the report

def spread(values):
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def table(results, kind):
    """One row per model; the loop's rows say how many examples an epoch has."""
    size = "examples per epoch" if kind == "loop" else "trainable weights"
    rows = [f"| model | {size} | batch | library, examples/s | PyTorch, examples/s "
            "| library / PyTorch: median (range) |", "|---|---:|---:|---:|---:|---|"]
    for res in results:
        (ours, theirs), ratios = res[kind]
        count = res["examples"] if kind == "loop" else res["weights"]
        rows.append(f"| {TITLES[res['name']]} | {count:,} | {res['batch']} "
                    f"| {statistics.median(ours):.0f} | {statistics.median(theirs):.0f} "
                    f"| **{spread(ratios)}** |".replace(",", " "))
    return "\n".join(rows)


def profile_table(results):
    rows = ["| model | operations per step, library / PyTorch | ms inside them, library / PyTorch |",
            "|---|---|---|"]
    for res in results:
        ours, theirs = res["profile"]
        rows.append(f"| {TITLES[res['name']]} | {ours['calls']:.0f} / {theirs['calls']:.0f} "
                    f"| {ours['inside_ms']:.2f} / {theirs['inside_ms']:.2f} |")
    return "\n".join(rows)


def report(results, args, machine, load):
    return "\n".join([
        f"`make bench-peer` ({args.label}), {time.strftime('%Y-%m-%d %H:%M')}: PyTorch "
        f"{torch.__version__} in Python {platform.python_version()} against the library on DJL's "
        f"libtorch; {args.threads} threads on both sides; load average {load[0]} at the start, "
        f"{load[1]} at the end.",
        "",
        "```", machine, "```", "",
        f"**The training step alone** (one batch held in memory; {args.rounds} rounds, each side "
        f"timed for about {args.seconds:.0f} s a round, alternating which goes first):", "",
        table(results, "step"), "",
        f"**The whole loop** (one epoch of real batches, the last of {args.loop_epochs} epochs of "
        f"a fresh network; {args.loop_rounds} rounds):",
        "",
        table(results, "loop"), ""]
        + (["**Operations per step** (10 steps under each engine's profiler, which slows both: "
            "the operations each framework called, an operator's own sub-operations not counted, "
            "and the time inside them):", "", profile_table(results), ""]
           if args.profile else []))


def load_average():
    return Path("/proc/loadavg").read_text().split()[0]


def write_docs(docs, label, text):
    begin, end = f"<!-- bench-peer {label} -->", f"<!-- /bench-peer {label} -->"
    content = docs.read_text()
    if begin not in content:  # a quick run under a label of its own stays out of the docs
        print(f"{docs} has no '{begin}' block: the tables stay in build/peer/report-{label}.md")
        return
    head, rest = content.split(begin, 1)
    _, tail = rest.split(end, 1)
    docs.write_text(f"{head}{begin}\n{text}\n{end}{tail}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--loop-rounds", type=int, default=3)
    parser.add_argument("--loop-epochs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--label", default="now")
    parser.add_argument("--profile", action="store_true",
                        help="also count each side's engine operations per step")
    parser.add_argument("--docs", type=Path, help="replace this run's block in this file")
    args = parser.parse_args()
    if not torch.__version__.startswith(TORCH_VERSION):
        raise SystemExit(f"PyTorch {torch.__version__} found; the comparison needs "
                         f"{TORCH_VERSION}, the libtorch DJL loads (make bench-peer installs it)")
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    load = [load_average()]
    library = Library(args.threads)
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-peer-") as tmp:
            for name in args.models.split(","):
                print(f"==> {name}", flush=True)
                res = compare(library, name, args, Path(tmp) / name)
                results.append(res)
                print(f"    step {spread(res['step'][1])}, loop {spread(res['loop'][1])}",
                      flush=True)
    finally:
        library.close()
    load.append(load_average())
    text = report(results, args, library.machine, load)
    print("\n" + text)
    out = ROOT / "build" / "peer" / f"report-{args.label}.md"
    out.write_text(text)
    if args.docs:
        write_docs(args.docs, args.label, text)


if __name__ == "__main__":
    main()
