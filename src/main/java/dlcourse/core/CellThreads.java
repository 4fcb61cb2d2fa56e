package dlcourse.core;

import ai.djl.pytorch.jni.JniUtils;
import java.lang.reflect.Field;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Every thread that runs a notebook's cells starts with the engine's gradient recording off, as the
 * first one did.
 *
 * <p>Why: JJava runs each cell on a thread of a cached pool. A thread idle for 60 s leaves the
 * pool, and a cell that arrives before the last one's thread is back in the pool (more likely on a
 * busy machine) gets a new thread. PyTorch keeps gradient mode per thread and starts every thread
 * with it on; DJL turns it off only on the thread that loads the engine. On any later thread, an
 * in-place edit of a parameter failed ("a leaf Variable that requires grad is being used in an
 * in-place operation") and every forward pass recorded a graph: a student who came back after a
 * minute's pause, or a grader's hidden check on a loaded machine, hit it at random.
 *
 * <p>So the kernel spec runs {@link #install()} when the kernel starts ({@code
 * JJAVA_STARTUP_SCRIPT}, tools/install_kernel.py): the pool's thread factory is wrapped so that
 * each new thread turns recording off before its first cell. JJava offers no hook for this; the
 * pool is reached through JShell's execution control ({@code --add-opens jdk.jshell/jdk.jshell},
 * which JJava's launcher passes).
 */
public final class CellThreads {

    private CellThreads() {}

    /**
     * Wraps the thread factory of the kernel's cell pool; false (and nothing changed) outside JJava
     * or where its internals differ from those of the version the course pins.
     */
    public static boolean install() {
        try {
            Object kernel =
                    Class.forName("org.dflib.jjava.kernel.JavaNotebookStatics")
                            .getMethod("kernel")
                            .invoke(null);
            Object shell = kernel.getClass().getMethod("getJShell").invoke(kernel);
            Object control = field(shell.getClass(), "executionControl").get(shell);
            ThreadPoolExecutor pool =
                    (ThreadPoolExecutor) field(control.getClass(), "executor").get(control);
            ThreadFactory threads = pool.getThreadFactory();
            pool.setThreadFactory(
                    cell ->
                            threads.newThread(
                                    () -> {
                                        recordingOff();
                                        cell.run();
                                    }));
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Gradient recording off on this thread (the engine's own default for inference). */
    static void recordingOff() {
        try {
            JniUtils.setGradMode(false);
        } catch (RuntimeException | LinkageError e) {
            // no engine loaded here: nothing records
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(name);
    }
}
