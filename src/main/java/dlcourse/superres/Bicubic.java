package dlcourse.superres;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import dlcourse.nn.PixelShuffle;

/**
 * Bicubic resampling by an integer factor, as MATLAB's {@code imresize} does it (which SRGAN's
 * paper used to make its low-resolution inputs): Keys' cubic kernel with a = −0.5, stretched by the
 * factor when shrinking (so that it also filters out what the smaller grid cannot hold), mirrored
 * ("symmetric") borders, each output pixel's weights normalised to sum 1.
 *
 * <p>Both directions are separable convolutions: shrinking is one stride-s convolution; enlarging
 * computes the s² output phases (each a 5×5 convolution of the small image) and interleaves them by
 * depth-to-space, the pixel shuffle of {@link PixelShuffle}. Images (B, C, H, W), any value range.
 */
public final class Bicubic {

    private Bicubic() {}

    /** Keys' cubic convolution kernel with a = −0.5. */
    public static double cubic(double x) {
        double t = Math.abs(x);
        if (t <= 1) {
            return 1.5 * t * t * t - 2.5 * t * t + 1;
        }
        if (t < 2) {
            return -0.5 * t * t * t + 2.5 * t * t - 4 * t + 2;
        }
        return 0;
    }

    /**
     * The 1-D weights of shrinking by {@code s}, for input offsets {@link #downFirstOffset}(s), …
     * from s·i: 4s taps. For s = 2: −0.0117, −0.0352, 0.1133, 0.4336, 0.4336, 0.1133, −0.0352,
     * −0.0117.
     */
    public static double[] downWeights(int s) {
        int first = downFirstOffset(s), last = (int) Math.floor((s - 1) / 2.0 + 2 * s);
        double[] w = new double[last - first + 1];
        double centre = (s - 1) / 2.0; // output pixel i sits at input coordinate s·i + (s − 1)/2
        for (int o = first; o <= last; o++) {
            w[o - first] = cubic((o - centre) / s);
        }
        return normalised(w);
    }

    /** The input offset of the first shrinking tap. */
    static int downFirstOffset(int s) {
        return (int) Math.ceil((s - 1) / 2.0 - 2 * s);
    }

    /**
     * The 1-D weights of enlarging by {@code s} for output phase r (output pixel s·m + r), over
     * input pixels m − 2 … m + 2.
     */
    public static double[] upWeights(int s, int r) {
        double delta =
                (2 * r + 1 - s) / (2.0 * s); // the output pixel sits at input coordinate m + δ
        double[] w = new double[5];
        for (int t = -2; t <= 2; t++) {
            w[t + 2] = cubic(t - delta);
        }
        return normalised(w);
    }

    /** (B, C, H·s, W·s) → (B, C, H, W). */
    public static NDArray downsample(NDArray x, int s) {
        double[] w = downWeights(s);
        int before = -downFirstOffset(s), after = w.length - before - s;
        NDArray kernel = outer(x, w, w).reshape(1, 1, w.length, w.length);
        NDArray padded = mirror(perChannel(x), before, after);
        NDArray y = Conv2d.conv2d(padded, kernel, null, new Shape(s, s)).head();
        return back(y, x.getShape());
    }

    /** (B, C, H, W) → (B, C, H·s, W·s). */
    public static NDArray upsample(NDArray x, int s) {
        NDList phases = new NDList();
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < s; j++) {
                phases.add(outer(x, upWeights(s, i), upWeights(s, j)).reshape(1, 1, 5, 5));
            }
        }
        NDArray kernels = NDArrays.concat(phases); // (s², 1, 5, 5), phase i·s + j
        NDArray y = Conv2d.conv2d(mirror(perChannel(x), 2, 2), kernels, null).head();
        return back(PixelShuffle.depthToSpace(y, s), x.getShape()); // from (B·C, 1, Hs, Ws)
    }

    /**
     * (B, C, H, W) → (B·C, 1, H, W): every channel filtered alone (also by {@link ImageQuality}).
     */
    static NDArray perChannel(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0) * s.get(1), 1, s.get(2), s.get(3));
    }

    /** (B·C, 1, h, w) → (B, C, h, w). */
    private static NDArray back(NDArray y, Shape original) {
        return y.reshape(
                original.get(0), original.get(1), y.getShape().get(2), y.getShape().get(3));
    }

    /** Symmetric padding of the last two axes: x₂ x₁ x₀ | x₀ x₁ … x_{n−1} | x_{n−1} x_{n−2} …. */
    static NDArray mirror(NDArray x, int before, int after) {
        return mirrorAxis(mirrorAxis(x, 2, before, after), 3, before, after);
    }

    private static NDArray mirrorAxis(NDArray x, int axis, int before, int after) {
        long n = x.getShape().get(axis);
        String lead = axis == 2 ? ":, :, " : ":, :, :, ";
        NDList parts = new NDList();
        if (before > 0) {
            parts.add(x.get(new NDIndex(lead + "0:{}", before)).flip(axis));
        }
        parts.add(x);
        if (after > 0) {
            parts.add(x.get(new NDIndex(lead + "{}:{}", n - after, n)).flip(axis));
        }
        return NDArrays.concat(parts, axis);
    }

    /** The separable kernel a ⊗ b, in x's manager and type. */
    private static NDArray outer(NDArray x, double[] a, double[] b) {
        double[] k = new double[a.length * b.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                k[i * b.length + j] = a[i] * b[j];
            }
        }
        return x.getManager()
                .create(k, new Shape(a.length, b.length))
                .toType(x.getDataType(), false);
    }

    private static double[] normalised(double[] w) {
        double sum = 0;
        for (double v : w) {
            sum += v;
        }
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i] / sum;
        }
        return out;
    }
}
