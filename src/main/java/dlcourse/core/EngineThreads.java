package dlcourse.core;

import ai.djl.pytorch.jni.JniUtils;

/**
 * The engine's CPU threads belong to one thread of the kernel: the training thread ({@link
 * Interruptible}).
 *
 * <p>Why: PyTorch computes in parallel with OpenMP (GNU libgomp), which keeps a team of worker
 * threads for every thread that has computed in parallel. An idle worker spins for the next
 * parallel operation for about 3 ms before it sleeps, but once the workers of all teams outnumber
 * the cores, libgomp lets it spin only 100 times: every parallel operation then has to wake its
 * workers first. A kernel computes on two threads, the cell's (loading data, a forward pass for a
 * figure) and the training thread, and with a team each on two cores, a training step of many small
 * operations ran two to three times slower, for the rest of the session: 100 steps of notebook 06's
 * character LSTM took 1.8–2.5 s instead of 0.7–0.9 s (docs/performance.md, section 6).
 *
 * <p>So the kernel spec makes one thread the engine's default ({@code
 * -Dai.djl.pytorch.num_threads=1}, tools/install_kernel.py): a cell's thread computes on one core
 * and never starts a team, and the training thread takes {@link #count()} threads for itself when
 * it starts. Work that is heavy goes to the training thread ({@link Interruptible#run}).
 */
public final class EngineThreads {

    private EngineThreads() {}

    /**
     * The threads the training thread computes with: {@code OMP_NUM_THREADS} when it is set (as
     * PyTorch reads it), else one per physical core the process may use.
     */
    public static int count() {
        return count(
                System.getenv("OMP_NUM_THREADS"),
                Runtime.getRuntime().availableProcessors(),
                Hardware.physicalCores());
    }

    /**
     * {@link #count()} from its inputs: a positive {@code OMP_NUM_THREADS} wins; else the
     * processors Java may use (a container's quota included), but no more than the physical cores
     * when they are known (0: unknown), as PyTorch, which gains nothing from a core's second
     * hardware thread.
     */
    static int count(String ompNumThreads, int processors, int physicalCores) {
        if (ompNumThreads != null) {
            try {
                int n = Integer.parseInt(ompNumThreads.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // not a number: PyTorch ignores it too
            }
        }
        return physicalCores > 0 ? Math.min(processors, physicalCores) : processors;
    }

    /**
     * On the training thread, before it computes: it takes {@link #count()} threads, and every
     * thread that has not computed yet keeps the engine's default. PyTorch keeps one setting per
     * thread, read from a process-wide default at the thread's first operation, and its setter
     * changes both; so the default is put back from a thread that never computes.
     */
    static void takeForThisThread() {
        int standard = JniUtils.getNumThreads(); // this thread's setting starts from the default
        int wanted = count();
        if (wanted == standard) {
            return;
        }
        JniUtils.setNumThreads(wanted);
        Thread restore = new Thread(() -> JniUtils.setNumThreads(standard), "engine-threads");
        restore.start();
        try {
            restore.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
