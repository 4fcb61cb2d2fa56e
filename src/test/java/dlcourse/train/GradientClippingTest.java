package dlcourse.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.PairList;
import dlcourse.core.Seeds;
import org.junit.jupiter.api.Test;

class GradientClippingTest {

    /** Backward through an initialised two-layer network with huge targets: large gradients. */
    private static PairList<String, Parameter> largeGradients(NDManager m, GradientCollector gc) {
        Block net =
                new SequentialBlock()
                        .add(Linear.builder().setUnits(8).build())
                        .add(Activation::tanh)
                        .add(Linear.builder().setUnits(1).build());
        net.initialize(m, DataType.FLOAT32, new Shape(4, 3));
        net.getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(true));
        NDArray x = m.randomNormal(new Shape(4, 3));
        NDArray y = net.forward(new ParameterStore(m, false), new NDList(x), true).head();
        gc.backward(y.sub(1000f).square().mean());
        return net.getParameters();
    }

    @Test
    void clippingBoundsTheGlobalNormAndKeepsTheDirection() {
        Seeds.fix(7);
        try (NDManager m = NDManager.newBaseManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            PairList<String, Parameter> params = largeGradients(m, gc);
            NDArray before = params.get(0).getValue().getArray().getGradient().duplicate();
            double norm = GradientClipping.clipByGlobalNorm(params, 1.0);
            assertTrue(norm > 10, "the set-up must produce a large gradient, got " + norm);
            assertEquals(1.0, GradientClipping.globalNorm(params), 1e-3);
            NDArray after = params.get(0).getValue().getArray().getGradient();
            // same direction: after = before · (1 / norm)
            assertTrue(after.sub(before.div((float) norm)).abs().max().getFloat() < 1e-4);
            // below the threshold nothing changes
            double again = GradientClipping.clipByGlobalNorm(params, 5.0);
            assertEquals(1.0, again, 1e-3);
            assertEquals(1.0, GradientClipping.globalNorm(params), 1e-3);
        }
    }

    @Test
    void enginesOptClipGradDoesNotBoundNegativeComponents() {
        // Documents the engine's behaviour the library works around: optClipGrad(0.1) lets −3
        // through.
        try (NDManager m = NDManager.newBaseManager();
                Model model = Model.newInstance("clip")) {
            Block lin = Linear.builder().setUnits(1).optBias(false).build();
            model.setBlock(lin);
            Optimizer sgd =
                    Optimizer.sgd()
                            .setLearningRateTracker(Tracker.fixed(1f))
                            .optClipGrad(0.1f)
                            .build();
            try (Trainer t =
                    model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(sgd))) {
                t.initialize(new Shape(1, 1));
                NDArray w = lin.getParameters().get("weight").getArray();
                w.set(new float[] {0f});
                try (GradientCollector gc = t.newGradientCollector()) {
                    // d/dw of (−3·w·x) with x = 1 is −3
                    NDArray out = t.forward(new NDList(m.ones(new Shape(1, 1)))).head();
                    gc.backward(out.mul(-3f).sum());
                }
                assertEquals(-3f, w.getGradient().getFloat(), 1e-6);
                t.step();
                float step = w.getFloat(); // w − lr·clip(g)
                // a correct clip to [−0.1, 0.1] would move w by +0.1; the engine moves it by +3
                assertTrue(
                        step > 1f,
                        "optClipGrad clipped the negative gradient (w = "
                                + step
                                + "): engine fixed?");
            }
        }
    }
}
