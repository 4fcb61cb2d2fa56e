package dlcourse.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The optimizer of one fit, which frees what it keeps per weight (Adam's two moments, SGD's
 * momentum) when closed. Every training loop of the library makes its optimizer here, in a
 * try-with-resources block or a close() of its own:
 *
 * <pre>{@code
 * try (FitOptimizer adam = FitOptimizer.adam(1e-3f);
 *         Trainer trainer = model.newTrainer(adam.config(loss, device))) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Why: on DJL 0.36's PyTorch engine that state is created with {@code weight.zerosLike()}, which
 * lands in the engine's system manager: it is not closed with the model and is never freed. Each
 * fit with Adam would leave two copies of the network's weights in native memory (1.1 GB for
 * VGG-16), which a student re-running a training cell pays again every time. DJL keeps the state in
 * private maps {@code parameter id → device → array}; closing reads them, as {@link Memory} reads
 * the managers' resource maps.
 */
public final class FitOptimizer implements AutoCloseable {

    private static final AtomicInteger OPEN = new AtomicInteger();

    private final Optimizer optimizer;
    private boolean closed;

    private FitOptimizer(Optimizer optimizer) {
        this.optimizer = optimizer;
        OPEN.incrementAndGet();
    }

    /** Adam with a fixed learning rate and the paper's β₁ = 0.9, β₂ = 0.999. */
    public static FitOptimizer adam(float learningRate) {
        return adam(learningRate, 0.9f);
    }

    /** Adam with a fixed learning rate and β₁ (DCGAN trains with β₁ = 0.5). */
    public static FitOptimizer adam(float learningRate, float beta1) {
        return new FitOptimizer(
                Optimizer.adam()
                        .optLearningRateTracker(Tracker.fixed(learningRate))
                        .optBeta1(beta1)
                        .build());
    }

    /** Any optimizer (a student's choice): its state is freed on close like Adam's. */
    public static FitOptimizer of(Optimizer optimizer) {
        return new FitOptimizer(optimizer);
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** A training configuration with this optimizer, the loss and the device. */
    public DefaultTrainingConfig config(Loss loss, Device device) {
        return new DefaultTrainingConfig(loss)
                .optOptimizer(optimizer)
                .optDevices(new Device[] {device});
    }

    /** Frees the optimizer's state; idempotent. Used again, the optimizer starts afresh. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            OPEN.decrementAndGet();
            release(optimizer);
        }
    }

    /** How many handles are open in this JVM: zero whenever no fit is running. */
    public static int open() {
        return OPEN.get();
    }

    /** Closes every state array of {@code optimizer} and forgets it; returns how many it closed. */
    static int release(Optimizer optimizer) {
        int closed = 0;
        for (Class<?> c = optimizer.getClass();
                c != null && c != Object.class;
                c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())
                        || !Map.class.isAssignableFrom(f.getType())) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    Map<?, ?> state = (Map<?, ?>) f.get(optimizer);
                    if (state == null) {
                        continue;
                    }
                    for (Object perDevice : state.values()) {
                        if (perDevice instanceof Map<?, ?> arrays) {
                            for (Object a : arrays.values()) {
                                if (a instanceof NDArray array && !array.isReleased()) {
                                    array.close();
                                    closed++;
                                }
                            }
                        }
                    }
                    if (state.values().stream().anyMatch(v -> v instanceof Map<?, ?>)) {
                        state.clear();
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new IllegalStateException(
                            "DJL's optimizer "
                                    + c.getSimpleName()
                                    + " changed: update FitOptimizer.release",
                            e);
                }
            }
        }
        return closed;
    }
}
