package dlcourse.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine's threads go to the training thread; every other thread computes on one. */
class EngineThreadsTest {

    @Test
    void theCountIsOmpNumThreadsElseThePhysicalCoresJavaMayUse() {
        assertEquals(3, EngineThreads.count("3", 8, 4));
        assertEquals(4, EngineThreads.count(null, 8, 4), "one thread per physical core");
        assertEquals(2, EngineThreads.count(null, 2, 4), "no more than a container's quota");
        assertEquals(8, EngineThreads.count(null, 8, 0), "cores unknown: the processors");
        assertEquals(4, EngineThreads.count("0", 8, 4), "not a positive number: ignored");
        assertEquals(4, EngineThreads.count("two", 8, 4), "not a number: ignored");
    }

    /**
     * In a JVM set up as the kernel is (one thread the engine's default) with two threads wanted:
     * the thread that loaded the engine and computed stays at one, the training thread computes
     * with two, and a thread started afterwards starts from one again.
     */
    @Test
    void onlyTheTrainingThreadComputesWithSeveralThreads() throws Exception {
        ProcessBuilder java =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Dai.djl.pytorch.num_threads=1",
                                "-Dai.djl.offline=true",
                                "-Dorg.slf4j.simpleLogger.defaultLogLevel=off",
                                "-cp",
                                System.getProperty("java.class.path"),
                                Probe.class.getName())
                        .redirectErrorStream(true);
        java.environment().put("OMP_NUM_THREADS", "2");
        Process probe = java.start();
        probe.getOutputStream().close();
        String said = read(probe);
        assertEquals("cell 1, training 2, a new thread 1", said.strip());
    }

    private static String read(Process p) throws IOException, InterruptedException {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(1, TimeUnit.MINUTES);
        return out;
    }

    /** The JVM of {@link #onlyTheTrainingThreadComputesWithSeveralThreads}. */
    static final class Probe {
        public static void main(String[] args) throws Exception {
            try (NDManager m = NDManager.newBaseManager()) {
                m.ones(new Shape(1000, 1000)).mul(2).sum().getFloat(); // a cell computes
            }
            int cell = JniUtils.getNumThreads();
            int training = Interruptible.run(JniUtils::getNumThreads, () -> {});
            int[] later = new int[1];
            Thread t = new Thread(() -> later[0] = JniUtils.getNumThreads());
            t.start();
            t.join();
            System.out.printf("cell %d, training %d, a new thread %d%n", cell, training, later[0]);
        }
    }
}
