"""In the course kernel the engine's CPU threads belong to the training thread (EngineThreads).

A cell loads data, which computes in parallel on the cell's thread; then the cell's thread must
still compute on one thread and the training thread on all that EngineThreads.count() gives.
Without the kernel spec's `-Dai.djl.pytorch.num_threads=1` the cell's thread computed with every
core and kept its own team of OpenMP workers beside the training thread's, and training steps of
small operations ran two to three times slower (docs/performance.md, section 6).
"""
import os
import re

import pytest
from jupyter_client.manager import start_new_kernel

import course_kernel

CELL = """
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.dataset.Dataset;
import dlcourse.core.*;
import dlcourse.data.FashionMnistData;

FashionMnistData.load(Dataset.Usage.TRAIN, 128, 2000, 0, true);
System.out.printf("THREADS cell %d training %d wanted %d%n", JniUtils.getNumThreads(),
        Interruptible.run(JniUtils::getNumThreads, () -> {}), EngineThreads.count());
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: every thread computes on one")
def test_only_the_training_thread_computes_with_every_core():
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    km, client = start_new_kernel(kernel_name=course_kernel.NAME, startup_timeout=120, env=env)
    out = []
    try:
        reply = client.execute_interactive(
            CELL, timeout=120,
            output_hook=lambda m: out.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)
    text = "".join(out)
    assert reply["content"]["status"] == "ok", text
    cell, training, wanted = map(int, re.search(r"THREADS cell (\d+) training (\d+) wanted (\d+)", text).groups())
    assert wanted >= 2, text
    assert (cell, training) == (1, wanted), text


SHORT_KEEP_ALIVE = """
var field = jdk.jshell.JShell.class.getDeclaredField("executionControl");
field.setAccessible(true);
var control = field.get(kernel().getJShell());
var pool = control.getClass().getDeclaredField("executor");
pool.setAccessible(true);
((java.util.concurrent.ThreadPoolExecutor) pool.get(control)).setKeepAliveTime(1, java.util.concurrent.TimeUnit.SECONDS);
System.out.println("THREAD " + Thread.currentThread().getName());
"""
EDIT_A_PARAMETER = """
var weights = ai.djl.ndarray.NDManager.newBaseManager().ones(new ai.djl.ndarray.types.Shape(3));
weights.setRequiresGradient(true);
weights.muli(2);  // what a check does to a block's parameters; fails where gradients are recorded
System.out.println("THREAD " + Thread.currentThread().getName() + " " + weights.sum().getFloat());
"""


def test_a_new_cell_thread_records_no_gradients():
    """JJava gives a cell a new thread after its pool's keep-alive (60 s; here 1 s) or when a cell
    arrives before the last thread is back in the pool. PyTorch starts each thread recording
    gradients, and an in-place edit of a parameter then failed (CellThreads)."""
    import time
    km, client = start_new_kernel(kernel_name=course_kernel.NAME, startup_timeout=120)
    out, replies = [], []
    hook = lambda m: out.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None
    try:
        replies.append(client.execute_interactive(EDIT_A_PARAMETER, timeout=120, output_hook=hook))  # loads the engine
        replies.append(client.execute_interactive(SHORT_KEEP_ALIVE, timeout=60, output_hook=hook))
        time.sleep(3)
        replies.append(client.execute_interactive(EDIT_A_PARAMETER, timeout=60, output_hook=hook))
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)
    text = "".join(out)
    assert [r["content"]["status"] for r in replies] == ["ok"] * 3, text
    threads = re.findall(r"THREAD (\S+)", text)
    assert len(threads) == 3 and threads[2] != threads[0], f"the last cell ran on the same thread: {text}"
    assert text.rstrip().endswith("6.0"), text
