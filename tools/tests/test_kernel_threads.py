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
