package dlcourse.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import dlcourse.core.Devices;
import dlcourse.core.Interruptible;
import dlcourse.train.FitOptimizer;

/**
 * The training step alone: forward, loss, backward and the Adam update on one batch that is already
 * in memory, repeated. No data loading, no accuracy counting, no progress, no history: the speed
 * the engine itself reaches for a model, against which the course's training loop ({@link
 * dlcourse.train.Training}) and PyTorch-Python ({@link PeerBench}) are measured.
 */
final class EngineStep implements AutoCloseable {

    private final Model model;
    private final NDManager data;
    private final FitOptimizer adam;
    private final Trainer trainer;
    private final NDList x;
    private final NDList y;

    /** A trainer for {@code net} with Adam (learning rate 10⁻⁴) on the batch {@code (x, y)}. */
    EngineStep(Block net, Shape exampleShape, Loss loss, NDList x, NDList y) {
        model = Model.newInstance("engine-step", Devices.best());
        data = model.getNDManager().newSubManager();
        model.setBlock(net);
        this.x = x.toDevice(data.getDevice(), true);
        this.y = y.toDevice(data.getDevice(), true);
        this.x.attach(data);
        this.y.attach(data);
        adam = FitOptimizer.adam(1e-4f);
        trainer = model.newTrainer(adam.config(loss, data.getDevice()));
        trainer.initialize(new Shape(1).addAll(exampleShape));
    }

    /**
     * Examples per second of {@code steps} training steps on the batch {@code (x, y)}, after {@code
     * warmUp} untimed steps (the engine plans and allocates on the first ones).
     */
    static double examplesPerSecond(
            Block net, Shape exampleShape, Loss loss, NDList x, NDList y, int warmUp, int steps) {
        try (EngineStep step = new EngineStep(net, exampleShape, loss, x, y)) {
            step.seconds(warmUp);
            return steps * step.batchSize() / step.seconds(steps);
        }
    }

    long batchSize() {
        return x.head().getShape().get(0);
    }

    /**
     * Seconds that {@code steps} training steps take, on the thread the course's loops train on (it
     * alone computes with all of the engine's threads, {@link dlcourse.core.EngineThreads}).
     */
    double seconds(int steps) {
        return Interruptible.run(
                () -> {
                    long start = System.nanoTime();
                    for (int i = 0; i < steps; i++) {
                        step();
                    }
                    return (System.nanoTime() - start) / 1e9;
                },
                () -> {});
    }

    private void step() {
        try (NDManager step = data.newSubManager()) {
            x.tempAttach(step); // everything computed from x lives in `step` and is freed with it
            y.tempAttach(step);
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray loss = trainer.getLoss().evaluate(y, trainer.forward(x));
                gc.backward(loss);
                // read back, as any loop that watches its loss must (and waits for a GPU)
                loss.getFloat();
            }
            trainer.step();
        }
    }

    @Override
    public void close() {
        trainer.close();
        adam.close();
        model.close();
    }
}
