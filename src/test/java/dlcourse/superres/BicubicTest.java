package dlcourse.superres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Bicubic resampling against MATLAB imresize's weights and what a cubic kernel must preserve. */
class BicubicTest {

    /**
     * MATLAB's {@code imresize(I, 0.5)} (bicubic, antialiasing on) weighs 8 input pixels per output
     * pixel with these weights (its {@code contributions} for scale 0.5).
     */
    @Test
    void halvingUsesMatlabsWeights() {
        double[] matlab = {
            -0.01171875,
            -0.03515625,
            0.11328125,
            0.43359375,
            0.43359375,
            0.11328125,
            -0.03515625,
            -0.01171875
        };
        assertArrayEquals(matlab, Bicubic.downWeights(2), 1e-12);
        // doubling: the pixel a quarter to the left of an input pixel, and its mirror
        assertArrayEquals(
                new double[] {-0.0234375, 0.2265625, 0.8671875, -0.0703125, 0},
                Bicubic.upWeights(2, 0),
                1e-12);
        assertArrayEquals(
                new double[] {0, -0.0703125, 0.8671875, 0.2265625, -0.0234375},
                Bicubic.upWeights(2, 1),
                1e-12);
    }

    /** Constants stay constant (borders included), and linear ramps stay linear inside. */
    @Test
    void preservesConstantsAndLinearRamps() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray flat = m.ones(new Shape(2, 3, 8, 8), DataType.FLOAT64).mul(0.7);
            assertEquals(0, Bicubic.downsample(flat, 2).sub(0.7).abs().max().getDouble(), 1e-12);
            assertEquals(0, Bicubic.upsample(flat, 2).sub(0.7).abs().max().getDouble(), 1e-12);

            // f(r, c) = r + 2c on pixel centres: shrunk, output (i, j) sits at (2i + 0.5, 2j + 0.5)
            int n = 16;
            double[] ramp = new double[n * n];
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    ramp[r * n + c] = r + 2 * c;
                }
            }
            NDArray x = m.create(ramp, new Shape(1, 1, n, n));
            NDArray down = Bicubic.downsample(x, 2); // (1, 1, 8, 8)
            NDArray up = Bicubic.upsample(x, 2); // (1, 1, 32, 32)
            for (int i = 2; i < 6; i++) { // away from the mirrored borders
                for (int j = 2; j < 6; j++) {
                    double expected = (2 * i + 0.5) + 2 * (2 * j + 0.5);
                    assertEquals(expected, down.getDouble(0, 0, i, j), 1e-9, "down " + i + "," + j);
                }
            }
            for (int i = 6; i < 26; i++) { // output i sits at input coordinate i/2 − 0.25
                for (int j = 6; j < 26; j++) {
                    double expected = (i / 2.0 - 0.25) + 2 * (j / 2.0 - 0.25);
                    assertEquals(expected, up.getDouble(0, 0, i, j), 1e-9, "up " + i + "," + j);
                }
            }
        }
    }

    /**
     * Against an independent implementation: Pillow 13's {@code Image.resize(…, BICUBIC)} of the
     * float image 0.5 + 0.4·sin(r/4)·cos(c/5), 28×28 → 14×14 → 28×28 (its borders are handled
     * differently, so values are compared inside; {@code tools/reference/superres.py} prints them).
     */
    @Test
    void agreesWithPillowInside() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(smooth(28), new Shape(1, 1, 28, 28));
            NDArray down = Bicubic.downsample(x, 2);
            NDArray up = Bicubic.upsample(down, 2);
            double[] pillowDown = {
                0.4003719091415405, 0.34189948439598083, 0.3083876967430115, 0.30512726306915283
            };
            double[] pillowUp = {
                0.40065068006515503, 0.3600073456764221, 0.32418251037597656, 0.2960040867328644
            };
            for (int j = 0; j < 4; j++) {
                assertEquals(
                        pillowDown[j],
                        down.getDouble(0, 0, 5, 5 + j),
                        1e-6,
                        "down (5, " + (5 + j) + ")");
                assertEquals(
                        pillowUp[j],
                        up.getDouble(0, 0, 10, 10 + j),
                        1e-6,
                        "up (10, " + (10 + j) + ")");
            }
        }
    }

    static double[] smooth(int n) {
        double[] v = new double[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                v[r * n + c] = 0.5 + 0.4 * Math.sin(r / 4.0) * Math.cos(c / 5.0);
            }
        }
        return v;
    }

    /** Shrinking then enlarging a smooth image comes close to it; a blank one would not. */
    @Test
    void aRoundTripOfASmoothImageIsClose() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(smooth(28), new Shape(1, 1, 28, 28));
            NDArray back = Bicubic.upsample(Bicubic.downsample(x, 2), 2);
            assertEquals(x.getShape(), back.getShape());
            double err = back.sub(x).abs().get(new NDIndex(":, :, 3:25, 3:25")).max().getDouble();
            assertTrue(err < 0.02, "round trip error " + err);
            assertTrue(x.sub(x.mean()).abs().max().getDouble() > 0.3, "the image is not flat");
        }
    }
}
