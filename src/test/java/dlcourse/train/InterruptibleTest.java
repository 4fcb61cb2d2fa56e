package dlcourse.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the notebook's Interrupt does to a long computation, with a plain thread as the cell. */
class InterruptibleTest {

    @Test
    void anInterruptStopsTheLoopAtItsNextStepAndTheNextComputationWaitsForIt() throws Exception {
        CountDownLatch looping = new CountDownLatch(1);
        AtomicInteger steps = new AtomicInteger();
        AtomicInteger toldTheStudent = new AtomicInteger();
        AtomicReference<Throwable> cellSaw = new AtomicReference<>();
        Thread cell =
                new Thread(
                        () -> {
                            try {
                                Interruptible.run(
                                        () -> {
                                            while (true) {
                                                Interruptible.checkStop();
                                                steps.incrementAndGet();
                                                looping.countDown();
                                                // a step that never looks at the thread's interrupt
                                                // flag
                                                Thread.sleep(5);
                                            }
                                        },
                                        toldTheStudent::incrementAndGet);
                            } catch (Throwable t) {
                                cellSaw.set(t);
                            }
                        });
        cell.start();
        assertTrue(looping.await(10, TimeUnit.SECONDS));
        cell.interrupt();
        cell.join(10_000);
        assertTrue(cellSaw.get() instanceof Interruptible.Stopped, "the cell saw " + cellSaw.get());
        assertEquals(1, toldTheStudent.get());
        // the next computation runs only once the interrupted loop has left the training thread
        int stepsWhenNextStarts = Interruptible.run(steps::get, () -> {});
        Thread.sleep(50);
        assertEquals(stepsWhenNextStarts, steps.get(), "the interrupted loop kept running");
    }

    @Test
    void theWorksExceptionReachesTheCellAsItIs() {
        var thrown = new IllegalArgumentException("shape mismatch");
        var e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Interruptible.run(
                                        () -> {
                                            throw thrown;
                                        },
                                        () -> {}));
        assertEquals(thrown, e);
        assertEquals(
                42,
                Interruptible.run(() -> Interruptible.run(() -> 42, () -> {}), () -> {}),
                "a computation inside a computation runs in place");
    }
}
