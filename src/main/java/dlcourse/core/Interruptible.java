package dlcourse.core;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * Runs a long computation (a training loop) so that the notebook's Interrupt stops it at once,
 * tells the student what happened, and leaves nothing running.
 *
 * <p>JJava interrupts a cell by cancelling its task: the cell is reported interrupted at once, but
 * its thread only receives {@link Thread#interrupt()}, which a loop of native PyTorch calls never
 * looks at. The loop went on in the background, invisible, holding the engine: the next training
 * then met its weights half-updated or "A PtGradientCollector is already collecting". Here the work
 * runs on one training thread while the cell's thread waits for it. On Interrupt the loop is told
 * to stop at its next step ({@link #checkStop()}), and {@code onInterrupt} runs as the cell ends,
 * while its output still accepts updates ({@link Notebook#atCellEnd}), so it can replace the
 * progress display with a line saying what happened. One computation at a time: a cell run right
 * after an interrupt waits until the previous loop has finished its step.
 *
 * <p>The training thread is also the one that computes with all of the engine's CPU threads ({@link
 * EngineThreads}): heavy work goes here even when nobody will interrupt it.
 */
public final class Interruptible {

    private static final String THREAD_NAME = "dlcourse-training";
    private static final ExecutorService THREAD =
            Executors.newSingleThreadExecutor(
                    r -> {
                        Thread t =
                                new Thread(
                                        () -> {
                                            // PyTorch's grad mode is per thread: DJL turns it off
                                            // on the thread that loads the engine
                                            // (gradient collectors turn it on), so this thread
                                            // starts like that one
                                            JniUtils.setGradMode(false);
                                            EngineThreads.takeForThisThread();
                                            r.run();
                                        },
                                        THREAD_NAME);
                        t.setDaemon(true);
                        return t;
                    });

    /** Set for the computation running on the training thread; null between computations. */
    private static volatile Work current;

    private Interruptible() {}

    /**
     * The computation was interrupted: thrown by {@link #checkStop()} and to the interrupted cell.
     */
    public static final class Stopped extends RuntimeException {
        public Stopped() {
            super("прервано пользователем", null, false, false);
        }
    }

    private static final class Work {
        volatile boolean stopRequested;

        /** The cell's thread was interrupted while it waited for this work. */
        volatile boolean cellInterrupted;
    }

    /**
     * Runs {@code work} on the training thread and returns its result or throws its exception. If
     * the cell is interrupted meanwhile, asks the work to stop at its next step, runs {@code
     * onInterrupt} while the cell's output still accepts updates ({@link Notebook#atCellEnd}) and
     * throws {@link Stopped}. Called from the training thread itself (a loop inside a loop), it
     * simply runs the work.
     */
    public static <T> T run(Callable<T> work, Runnable onInterrupt) {
        return run(work, onInterrupt, Notebook::atCellEnd);
    }

    /** {@link #run(Callable, Runnable)} with the cell's end hook given (tests stand in for it). */
    static <T> T run(Callable<T> work, Runnable onInterrupt, Predicate<Runnable> atCellEnd) {
        if (Thread.currentThread().getName().equals(THREAD_NAME)) {
            return call(work);
        }
        // loaded, if at all, by the caller's thread, as when the work ran there
        Engine.getInstance();
        Work w = new Work();
        Future<T> result =
                THREAD.submit(
                        () -> {
                            current = w;
                            try {
                                // interrupted while it waited for an earlier computation
                                checkStop();
                                return work.call();
                            } finally {
                                current = null;
                            }
                        });
        // The cell was interrupted if its thread saw the interrupt or if it ends while the work
        // still runs. Either may come first: the work, once told to stop, can be over before the
        // kernel ends the cell, so "not done yet" alone would miss interrupts (seen in CI).
        Runnable stop =
                () -> {
                    if (w.cellInterrupted || !result.isDone()) {
                        w.stopRequested = true;
                        onInterrupt.run();
                    }
                };
        boolean deferred = atCellEnd.test(stop);
        try {
            return result.get();
        } catch (InterruptedException e) {
            w.stopRequested = true;
            w.cellInterrupted = true;
            if (!deferred) {
                stop.run();
            }
            throw new Stopped();
        } catch (ExecutionException e) {
            throw unchecked(e.getCause());
        }
    }

    /**
     * On the training thread: throws {@link Stopped} if the cell that started the work was
     * interrupted.
     */
    public static void checkStop() {
        Work w = current;
        if (w != null && w.stopRequested) {
            throw new Stopped();
        }
    }

    private static <T> T call(Callable<T> work) {
        try {
            return work.call();
        } catch (Exception e) {
            throw unchecked(e);
        }
    }

    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
