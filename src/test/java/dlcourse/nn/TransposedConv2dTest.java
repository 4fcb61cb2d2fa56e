package dlcourse.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
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
