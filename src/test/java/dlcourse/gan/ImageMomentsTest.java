package dlcourse.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Moments of drawn shapes against their formulas: a uniform run of n pixels has sd √((n²−1)/12).
 */
class ImageMomentsTest {

    private static final int SIDE = 28;

    /** A 28×28 image in [−1, 1]: ink (+1) where {@code ink[y][x]}. */
    private static float[] image(boolean[][] ink) {
        float[] px = new float[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                px[y * SIDE + x] = ink[y][x] ? 1f : -1f;
            }
        }
        return px;
    }

    private static boolean[][] rectangle(int x0, int width, int y0, int height) {
        boolean[][] ink = new boolean[SIDE][SIDE];
        for (int y = y0; y < y0 + height; y++) {
            Arrays.fill(ink[y], x0, x0 + width, true);
        }
        return ink;
    }

    /** One pixel per row on rows 4..23, at column y (leaning «\») or 27 − y («/»). */
    private static boolean[][] diagonal(boolean back) {
        boolean[][] ink = new boolean[SIDE][SIDE];
        for (int y = 4; y < 24; y++) {
            ink[y][back ? y : SIDE - 1 - y] = true;
        }
        return ink;
    }

    /** Rows 4..23, each with 6 pixels starting at column y − 2: a «\» slanting one column a row. */
    private static boolean[][] parallelogram() {
        boolean[][] ink = new boolean[SIDE][SIDE];
        for (int y = 4; y < 24; y++) {
            Arrays.fill(ink[y], y - 2, y + 4, true);
        }
        return ink;
    }

    private static ImageMoments moments(NDManager m, boolean[][]... images) {
        float[] all = new float[images.length * SIDE * SIDE];
        for (int i = 0; i < images.length; i++) {
            System.arraycopy(image(images[i]), 0, all, i * SIDE * SIDE, SIDE * SIDE);
        }
        return ImageMoments.of(m.create(all, new Shape(images.length, 1, SIDE, SIDE)));
    }

    @Test
    void aRectangleAndTwoDiagonals() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImageMoments mo = moments(m, rectangle(10, 6, 5, 16), diagonal(true), diagonal(false));
            assertEquals(96.0 / 784, mo.values(0)[0], 1e-6, "ink");
            assertEquals(Math.sqrt(35.0 / 12), mo.values(1)[0], 1e-6, "width of 6 columns");
            assertEquals(Math.sqrt(255.0 / 12), mo.values(2)[0], 1e-6, "height of 16 rows");
            assertArrayEquals(new double[] {0, 1, -1}, mo.values(3), 1e-6, "slant");
        }
    }

    /**
     * Column = row − 2 + u, u uniform on 0..5 and independent of the row: slant 1, var x = var y +
     * var u.
     */
    @Test
    void aParallelogramSlantsByItsShearNotByItsWidth() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImageMoments mo = moments(m, parallelogram());
            assertEquals(1, mo.values(3)[0], 1e-6, "slant");
            assertEquals(Math.sqrt(399.0 / 12 + 35.0 / 12), mo.values(1)[0], 1e-6, "width");
        }
    }

    /** Widening 6-column rectangles to 12 moves width by √(143/12) − √(35/12), in reference sds. */
    @Test
    void theShiftIsTheMeanChangeInReferenceStandardDeviations() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImageMoments narrow = moments(m, rectangle(10, 6, 5, 16), rectangle(2, 6, 5, 16));
            ImageMoments wide = moments(m, rectangle(10, 12, 5, 16), rectangle(2, 12, 5, 16));
            ImageMoments reference =
                    moments(m, rectangle(10, 6, 5, 16), rectangle(10, 12, 4, 20), diagonal(true));
            double[] widths = {Math.sqrt(35.0 / 12), Math.sqrt(143.0 / 12), Math.sqrt(399.0 / 12)};
            double[] shift = ImageMoments.shift(narrow, wide, reference);
            double expected = (Math.sqrt(143.0 / 12) - Math.sqrt(35.0 / 12)) / sampleSd(widths);
            assertEquals(expected, shift[1], 1e-6, "width");
            assertEquals(0, shift[2], 1e-9, "height unchanged");
            assertEquals(0, shift[3], 1e-9, "slant unchanged");
        }
    }

    private static double sampleSd(double[] v) {
        double mean = Arrays.stream(v).average().orElseThrow();
        return Math.sqrt(Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1));
    }

    @Test
    void colourImagesAreRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            var rgb = m.zeros(new Shape(2, 3, SIDE, SIDE));
            assertThrows(IllegalArgumentException.class, () -> ImageMoments.of(rgb));
        }
    }
}
