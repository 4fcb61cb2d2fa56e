package dlcourse.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** PReLU against its definition, values and both gradients, element by element. */
class PReluTest {

    private static final int C = 3;

    @Test
    void valuesAndGradientsAreTheDefinitions() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(2);
            NDArray x = m.randomNormal(new Shape(2, C, 4, 5)).toType(DataType.FLOAT64, false);
            NDArray a = m.create(new double[] {0.25, -0.5, 1.5});
            NDArray upstream = m.randomNormal(x.getShape()).toType(DataType.FLOAT64, false);
            x.setRequiresGradient(true);
            a.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                y = PRelu.apply(x, a);
                gc.backward(y.mul(upstream).sum()); // d/dy = upstream
            }
            double[] xs = x.toDoubleArray(), ys = y.toDoubleArray(), up = upstream.toDoubleArray();
            double[] dx = x.getGradient().toDoubleArray(), da = a.getGradient().toDoubleArray();
            double[] slopes = a.toDoubleArray(), expectedDa = new double[C];
            int plane = 4 * 5;
            for (int i = 0; i < xs.length; i++) {
                int c = (i / plane) % C;
                double slope = xs[i] > 0 ? 1 : slopes[c];
                assertEquals(slope * xs[i], ys[i], 1e-12, "f(x) at " + i);
                assertEquals(slope * up[i], dx[i], 1e-12, "df/dx at " + i);
                expectedDa[c] += Math.min(0, xs[i]) * up[i];
            }
            assertArrayEquals(expectedDa, da, 1e-9, "df/da = Σ min(0, x)·upstream per channel");
        }
    }

    /** The block: one slope per channel, starting at the paper's 0.25. */
    @Test
    void theBlockLearnsOneSlopePerChannelFromAQuarter() {
        try (NDManager m = NDManager.newBaseManager()) {
            PRelu prelu = PRelu.perChannel();
            prelu.initialize(m, DataType.FLOAT32, new Shape(1, C, 2, 2));
            float[] slope = prelu.getParameters().get("slope").getArray().toFloatArray();
            assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f}, slope);
            NDArray x =
                    m.create(
                            new float[] {-4, 4, -8, 8, -1, 1, -2, 2, 0, -12, 12, 3},
                            new Shape(1, C, 2, 2));
            NDArray y = prelu.forward(new ParameterStore(m, false), new NDList(x), false).head();
            assertArrayEquals(
                    new float[] {-1, 4, -2, 8, -0.25f, 1, -0.5f, 2, 0, -3, 12, 3},
                    y.toFloatArray());
        }
    }
}
