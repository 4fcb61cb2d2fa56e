package dlcourse.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Depth-to-space against its definition, and space-to-depth as its exact inverse. */
class PixelShuffleTest {

    /** out[b, c, h·s + i, w·s + j] = in[b, c·s² + i·s + j, h, w], element by element. */
    @Test
    void depthToSpaceMovesEveryValueWhereTheDefinitionSays() {
        int b = 2, c = 3, s = 2, h = 4, w = 5;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(0f, b * c * s * s * h * w).reshape(b, c * s * s, h, w);
            float[] in = x.toFloatArray();
            NDArray y = PixelShuffle.depthToSpace(x, s);
            assertEquals(new Shape(b, c, h * s, w * s), y.getShape());
            float[] out = y.toFloatArray();
            for (int n = 0; n < b; n++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int r = 0; r < h * s; r++) {
                        for (int col = 0; col < w * s; col++) {
                            int source = ch * s * s + (r % s) * s + col % s;
                            float expected =
                                    in[((n * c * s * s + source) * h + r / s) * w + col / s];
                            float actual = out[((n * c + ch) * h * s + r) * w * s + col];
                            assertEquals(
                                    expected, actual, "at " + n + "," + ch + "," + r + "," + col);
                        }
                    }
                }
            }
        }
    }

    @Test
    void spaceToDepthIsItsInverseBothWays() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(1);
            NDArray deep = m.randomNormal(new Shape(2, 27, 4, 3));
            assertArrayEquals(
                    deep.toFloatArray(),
                    PixelShuffle.spaceToDepth(PixelShuffle.depthToSpace(deep, 3), 3)
                            .toFloatArray());
            NDArray wide = m.randomNormal(new Shape(2, 3, 8, 6));
            NDArray back = PixelShuffle.depthToSpace(PixelShuffle.spaceToDepth(wide, 2), 2);
            assertArrayEquals(wide.toFloatArray(), back.toFloatArray());
            // the inverse is not the identity: the layout does change in between
            assertEquals(new Shape(2, 12, 4, 3), PixelShuffle.spaceToDepth(wide, 2).getShape());
        }
    }

    @Test
    void refusesChannelsThatAreNotAMultipleOfTheSquare() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> PixelShuffle.depthToSpace(m.zeros(new Shape(1, 6, 2, 2)), 2));
        }
    }
}
