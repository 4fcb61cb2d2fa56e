package dlcourse.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** What the notebook's Interrupt does to a long computation, with a plain thread as the cell. */
class InterruptibleTest {

    /**
     * A cell whose work loops, each step blind to the thread's interrupt flag, until told to stop;
     * interrupted once the loop runs. The student is "told" by counting in {@code told}. Returns
     * what the cell's thread saw.
     */
    private static Throwable interruptALoopingCell(
            AtomicInteger steps, AtomicInteger told, Predicate<Runnable> atCellEnd)
            throws InterruptedException {
        CountDownLatch looping = new CountDownLatch(1);
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
                                                Thread.sleep(5);
                                            }
                                        },
                                        told::incrementAndGet,
                                        atCellEnd);
                            } catch (Throwable t) {
                                cellSaw.set(t);
                            }
                        });
        cell.start();
        assertTrue(looping.await(10, TimeUnit.SECONDS));
        cell.interrupt();
        cell.join(10_000);
        return cellSaw.get();
    }

    @Test
    void anInterruptStopsTheLoopAtItsNextStepAndTheNextComputationWaitsForIt() throws Exception {
        AtomicInteger steps = new AtomicInteger();
        AtomicInteger toldTheStudent = new AtomicInteger();
        // outside a kernel there is no cell end to wait for: the cell's thread tells at once
        Throwable cellSaw = interruptALoopingCell(steps, toldTheStudent, Notebook::atCellEnd);
        assertTrue(cellSaw instanceof Interruptible.Stopped, "the cell saw " + cellSaw);
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
        Throwable cellSaw =
                interruptALoopingCell(
                        new AtomicInteger(),
                        toldTheStudent,
                        end -> cellEnd.compareAndSet(null, end));
        assertTrue(cellSaw instanceof Interruptible.Stopped, "the cell saw " + cellSaw);
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
