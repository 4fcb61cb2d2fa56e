package dlcourse.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dlcourse.core.Seeds;
import org.junit.jupiter.api.Test;

/**
 * The window model of figure 38 is one network f applied to every window of l values with the same
 * weights (the lecture: «фактически это одномерные свёртки»), and nothing older than l steps
 * reaches a prediction.
 */
class WindowModelTest {

    private static final int L = 5;
    private static final int T = 12;

    @Test
    void slidingTheModelIsTheSameNetworkOnEachWindowAlone() {
        Seeds.fix(21);
        try (NDManager m = NDManager.newBaseManager()) {
            Block f = WindowModel.block(L, 6, 2);
            f.initialize(m, DataType.FLOAT32, new Shape(3, T, 1));
            NDArray x = m.randomNormal(new Shape(3, T, 1));
            NDArray slid = run(f, x, m);
            assertEquals(new Shape(3, T - L + 1, 2), slid.getShape());
            for (int n = 0; n + L <= T; n++) {
                NDArray alone = run(f, x.get(new NDIndex(":, {}:{}, :", n, n + L)), m); // (3, 1, 2)
                NDArray there = slid.get(new NDIndex(":, {}:{}, :", n, n + 1));
                assertTrue(
                        alone.sub(there).abs().max().getFloat() < 1e-5,
                        "window " + n + ": sliding differs from the window alone");
            }
        }
    }

    @Test
    void nothingOlderThanTheWindowReachesAPrediction() {
        Seeds.fix(22);
        try (NDManager m = NDManager.newBaseManager()) {
            Block f = WindowModel.block(L, 6, 2);
            f.initialize(m, DataType.FLOAT32, new Shape(3, T, 1));
            NDArray x = m.randomNormal(new Shape(3, T, 1));
            NDArray changed = x.duplicate();
            changed.set(new NDIndex(":, 0, :"), 100f); // the oldest value, inside window 0 only
            NDArray d =
                    run(f, changed, m)
                            .sub(run(f, x, m))
                            .abs()
                            .max(new int[] {2})
                            .max(new int[] {0});
            assertTrue(d.getFloat(0) > 0, "window 0 sees its first value");
            for (int n = 1; n < T - L + 1; n++) {
                assertEquals(
                        0f, d.getFloat(n), 0f, "prediction " + n + " saw a value older than l");
            }
        }
    }

    private static NDArray run(Block f, NDArray x, NDManager m) {
        return f.forward(new ParameterStore(m, false), new NDList(x), false).head();
    }
}
