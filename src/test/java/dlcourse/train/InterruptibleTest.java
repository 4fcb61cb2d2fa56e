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

    /**
     * The kernel ends the interrupted cell on its own thread, some time after the cell's thread was
     * interrupted; by then the work may have seen the stop and finished. The student is told all
     * the same, once, and a cell that simply ends tells nothing.
     */
    @Test
    void theStudentIsToldEvenWhenTheWorkStoppedBeforeTheCellEnded() throws Exception {
        AtomicReference<Runnable> cellEnd = new AtomicReference<>();
        AtomicInteger toldTheStudent = new AtomicInteger();
        CountDownLatch looping = new CountDownLatch(1);
        Thread cell =
                new Thread(
                        () -> {
                            try {
                                Interruptible.run(
                                        () -> {
                                            while (true) {
                                                Interruptible.checkStop();
                                                looping.countDown();
                                                Thread.sleep(5);
                                            }
                                        },
                                        toldTheStudent::incrementAndGet,
                                        end -> cellEnd.compareAndSet(null, end));
                            } catch (Interruptible.Stopped expected) {
                                // the cell reports the interrupt
                            }
                        });
        cell.start();
        assertTrue(looping.await(10, TimeUnit.SECONDS));
        cell.interrupt();
        cell.join(10_000);
        Interruptible.run(() -> 0, () -> {}); // returns once the stopped work has left the thread
        assertEquals(0, toldTheStudent.get(), "told before the cell ended");
        cellEnd.get().run(); // the kernel ends the cell only now
        assertEquals(
                1, toldTheStudent.get(), "an interrupt the work had already obeyed went unsaid");

        AtomicReference<Runnable> normalEnd = new AtomicReference<>();
        assertEquals(
                7,
                Interruptible.run(
                        () -> 7,
                        toldTheStudent::incrementAndGet,
                        end -> normalEnd.compareAndSet(null, end)));
        normalEnd.get().run();
        assertEquals(1, toldTheStudent.get(), "a cell that finished was reported interrupted");
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
