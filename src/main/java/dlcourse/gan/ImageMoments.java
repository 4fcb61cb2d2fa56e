package dlcourse.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The geometry of the ink in one-channel images, from their moments: how much ink, how wide and how
 * tall it spreads, how it slants. On digits these are what InfoGAN's continuous codes came to
 * control (width and rotation, Chen et al. 2016, fig. 2); here they say what the codes learned on
 * garments. Images are in the GANs' range [−1, 1]; a pixel's ink is (x + 1) / 2. Per image:
 *
 * <ul>
 *   <li>ink — the mean ink of its pixels;
 *   <li>width, height — the standard deviations of the ink's column and row, in pixels;
 *   <li>slant — the ink's column shift per row down, cov(column, row) / var(row): 0 upright,
 *       positive leaning like «\».
 * </ul>
 */
public final class ImageMoments {

    /**
     * The statistics (ink, width, height, slant), in the order of {@link #values} and {@link
     * #shift}.
     */
    public static final String[] NAMES = {"чернила", "ширина", "высота", "наклон"};

    private final double[][] values;

    private ImageMoments(double[][] values) {
        this.values = values;
    }

    /** The moments of each image of {@code images}, shaped (N, 1, H, W) or (N, H, W). */
    public static ImageMoments of(NDArray images) {
        Shape s = images.getShape();
        int h = (int) s.get(s.dimension() - 2);
        int w = (int) s.get(s.dimension() - 1);
        if (s.size() % ((long) h * w) != 0 || (s.dimension() == 4 && s.get(1) != 1)) {
            throw new IllegalArgumentException(
                    "нужны одноканальные изображения (N, 1, H, W), а форма " + s);
        }
        int n = (int) (s.size() / ((long) h * w));
        float[] px = images.toType(DataType.FLOAT32, false).toFloatArray();
        double[][] v = new double[NAMES.length][n];
        for (int i = 0; i < n; i++) {
            double mass = 0;
            double sx = 0;
            double sy = 0;
            double sxx = 0;
            double syy = 0;
            double sxy = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double m = Math.max(0, Math.min(1, (px[(i * h + y) * w + x] + 1) / 2));
                    mass += m;
                    sx += m * x;
                    sy += m * y;
                    sxx += m * x * x;
                    syy += m * y * y;
                    sxy += m * x * y;
                }
            }
            double mx = sx / mass;
            double my = sy / mass;
            double varX = sxx / mass - mx * mx;
            double varY = syy / mass - my * my;
            v[0][i] = mass / (h * w);
            v[1][i] = Math.sqrt(Math.max(0, varX));
            v[2][i] = Math.sqrt(Math.max(0, varY));
            v[3][i] = (sxy / mass - mx * my) / varY;
        }
        return new ImageMoments(v);
    }

    /** Statistic {@code k} ({@link #NAMES}) of every image. */
    public double[] values(int k) {
        return values[k].clone();
    }

    /**
     * What moving from images {@code from} to images {@code to} (the same inputs but one, pair by
     * pair) does to each statistic: the mean change over the pairs in standard deviations of the
     * statistic over {@code reference} (real images), so that statistics of different units
     * compare. |shift| ≥ 0.5 is a change one sees in a grid; near 0 the input controls nothing.
     */
    public static double[] shift(ImageMoments from, ImageMoments to, ImageMoments reference) {
        double[] out = new double[NAMES.length];
        for (int k = 0; k < NAMES.length; k++) {
            double[] a = from.values[k];
            double[] b = to.values[k];
            if (a.length != b.length) {
                throw new IllegalArgumentException(
                        "пары изображений: " + a.length + " и " + b.length);
            }
            double change = 0;
            for (int i = 0; i < a.length; i++) {
                change += b[i] - a[i];
            }
            out[k] = change / a.length / sd(reference.values[k]);
        }
        return out;
    }

    private static double sd(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x / v.length;
        }
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        return Math.sqrt(ss / (v.length - 1));
    }
}
