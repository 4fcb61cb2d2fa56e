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
import dlcourse.train.FitOptimizer;

/**
 * The training step alone: forward, loss, backward and the Adam update on one batch that is already
 * in memory, repeated. No data loading, no accuracy counting, no progress, no history: the speed
 * the engine itself reaches for a model, against which the course's training loop ({@link
 * dlcourse.train.Training}) is measured.
 */
final class EngineStep {

    private EngineStep() {}

    /**
     * Examples per second of {@code steps} training steps on the batch {@code (x, y)}, after {@code
     * warmUp} untimed steps (the engine plans and allocates on the first ones).
     */
    static double examplesPerSecond(
            Block net, Shape exampleShape, Loss loss, NDList x, NDList y, int warmUp, int steps) {
        try (Model model = Model.newInstance("engine-step", Devices.best());
                NDManager data = model.getNDManager().newSubManager()) {
            model.setBlock(net);
            NDList xs = x.toDevice(data.getDevice(), true);
            NDList ys = y.toDevice(data.getDevice(), true);
            xs.attach(data);
            ys.attach(data);
            try (FitOptimizer adam = FitOptimizer.adam(1e-4f);
                    Trainer trainer = model.newTrainer(adam.config(loss, data.getDevice()))) {
                trainer.initialize(new Shape(1).addAll(exampleShape));
                long start = 0;
                for (int i = 0; i < warmUp + steps; i++) {
                    if (i == warmUp) {
                        start = System.nanoTime();
                    }
                    step(trainer, xs, ys);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                return steps * xs.head().getShape().get(0) / seconds;
            }
        }
    }

    private static void step(Trainer trainer, NDList x, NDList y) {
        try (NDManager step = x.head().getManager().newSubManager()) {
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
}
