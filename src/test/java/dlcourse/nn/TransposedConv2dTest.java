package dlcourse.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The transposed convolution against its definition: the adjoint of the strided convolution. */
class TransposedConv2dTest {

    /**
     * ⟨conv(x), y⟩ = ⟨x, convT(y)⟩ for random x, y, k, for several kernel/stride/padding settings.
     */
    @Test
    void isTheAdjointOfTheStridedConvolution() {
        // k s p h: DCGAN's layers (k4 s2 p1; k7 s1 p0 from a 1×1 input), k not a multiple of s,
        // stride 3
        int[][] cases = {
            {4, 2, 1, 8},
            {3, 2, 1, 9},
            {7, 1, 0, 7},
            {5, 3, 2, 13},
            {3, 1, 1, 6},
            {4, 2, 1, 14},
            {2, 2, 0, 8},
            {5, 2, 0, 11}
        };
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            for (int[] c : cases) {
                int k = c[0], s = c[1], p = c[2], h = c[3];
                NDArray w =
                        m.randomNormal(new Shape(5, 3, k, k))
                                .toType(DataType.FLOAT64, false); // conv: 3 -> 5
                NDArray x = m.randomNormal(new Shape(2, 3, h, h)).toType(DataType.FLOAT64, false);
                NDArray cx = Conv2d.conv2d(x, w, null, new Shape(s, s), new Shape(p, p)).head();
                NDArray y = m.randomNormal(cx.getShape()).toType(DataType.FLOAT64, false);
                NDArray ty =
                        TransposedConv2d.apply(
                                y, w, null, s, p); // convT: 5 -> 3, same weight tensor
                // the adjoint maps back to x's shape when (h + 2p − k) is divisible by s
                assertEquals(x.getShape(), ty.getShape(), "k" + k + " s" + s + " p" + p);
                double lhs = cx.mul(y).sum().getDouble();
                double rhs = x.mul(ty).sum().getDouble();
                assertEquals(
                        lhs, rhs, 1e-9 * Math.max(1, Math.abs(lhs)), "k" + k + " s" + s + " p" + p);
                assertTrue(Math.abs(lhs) > 1e-3, "a non-trivial inner product");
            }
        }
    }

    /**
     * The phases by one gather and the crop by a negative pad give what the construction before
     * them gave (the weight reshaped, its taps flipped and transposed; the crop a slice), values
     * and both gradients, in double precision.
     */
    @Test
    void equalsThePhasesByFlipAndTheCropBySlicing() {
        int[][] cases = {{4, 2, 1, 7}, {3, 2, 1, 5}, {5, 3, 2, 4}, {5, 2, 0, 6}, {4, 2, 0, 3}};
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            for (int[] c : cases) {
                int k = c[0], s = c[1], p = c[2], h = c[3];
                String what = "k" + k + " s" + s + " p" + p;
                NDArray x = m.randomNormal(new Shape(2, 3, h, h)).toType(DataType.FLOAT64, false);
                NDArray w = m.randomNormal(new Shape(3, 4, k, k)).toType(DataType.FLOAT64, false);
                NDArray probe = null;
                NDArray[] ours = new NDArray[3];
                NDArray[] before = new NDArray[3];
                for (NDArray[] result : new NDArray[][] {ours, before}) {
                    NDArray xi = x.duplicate(), wi = w.duplicate();
                    xi.setRequiresGradient(true);
                    wi.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray y =
                                result == ours
                                        ? TransposedConv2d.apply(xi, wi, null, s, p)
                                        : byFlipAndSlice(xi, wi, s, p);
                        if (probe == null) {
                            probe = m.randomNormal(y.getShape()).toType(DataType.FLOAT64, false);
                        }
                        gc.backward(y.mul(probe).sum());
                        result[0] = y.stopGradient();
                    }
                    result[1] = xi.getGradient();
                    result[2] = wi.getGradient();
                }
                for (int i = 0; i < 3; i++) {
                    assertEquals(before[i].getShape(), ours[i].getShape(), what);
                    double d = ours[i].sub(before[i]).abs().max().getDouble();
                    assertTrue(d < 1e-12, what + ": output/gradient " + i + " differs by " + d);
                }
            }
        }
    }

    /** The construction before the gather: phases by reshape, flip and transpose; crop a slice. */
    private static NDArray byFlipAndSlice(NDArray x, NDArray w, int s, int p) {
        long channels = w.getShape().get(0), filters = w.getShape().get(1);
        int k = (int) w.getShape().get(2), m = (k + s - 1) / s;
        NDArray taps = m * s == k ? w : w.pad(new Shape(0, m * s - k, 0, m * s - k), 0);
        NDArray phases =
                taps.reshape(channels, filters, m, s, m, s)
                        .flip(2, 4)
                        .transpose(1, 3, 5, 0, 2, 4)
                        .reshape(filters * s * s, channels, m, m);
        NDArray q = Conv2d.conv2d(x, phases, null, new Shape(1, 1), new Shape(m - 1, m - 1)).head();
        NDArray u = PixelShuffle.depthToSpace(q, s);
        long out = TransposedConv2d.outputSize(x.getShape().get(2), k, s, p);
        return u.get(new NDIndex(":, :, {}:{}, {}:{}", p, p + out, p, p + out));
    }

    @Test
    void outputShapeFollowsTheStandardFormula() {
        assertEquals(14, TransposedConv2d.outputSize(7, 4, 2, 1));
        assertEquals(7, TransposedConv2d.outputSize(1, 7, 1, 0));
        assertEquals(28, TransposedConv2d.outputSize(14, 4, 2, 1));
        try (NDManager m = NDManager.newBaseManager()) {
            int[][] cases = {{4, 2, 1, 7}, {7, 1, 0, 1}, {3, 2, 0, 5}, {5, 3, 2, 4}};
            for (int[] c : cases) {
                TransposedConv2d block = TransposedConv2d.of(6, c[0], c[1], c[2]);
                block.initialize(m, DataType.FLOAT32, new Shape(2, 4, c[3], c[3]));
                NDArray out =
                        block.forward(
                                        new ai.djl.training.ParameterStore(m, false),
                                        new ai.djl.ndarray.NDList(
                                                m.randomNormal(new Shape(2, 4, c[3], c[3]))),
                                        false)
                                .head();
                long side = (c[3] - 1L) * c[1] - 2L * c[2] + c[0];
                assertEquals(new Shape(2, 6, side, side), out.getShape());
                assertEquals(
                        out.getShape(),
                        block.getOutputShapes(new Shape[] {new Shape(2, 4, c[3], c[3])})[0]);
            }
        }
    }
}
