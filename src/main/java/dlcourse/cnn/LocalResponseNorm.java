package dlcourse.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.convolutional.Conv2d;

/**
 * Local response normalisation across channels, as in the AlexNet paper (section 3.3):
 *
 * <pre>
 *   b[i] = a[i] / (k + α · Σ_{j = max(0, i−n/2)}^{min(C−1, i+n/2)} a[j]²)^β,   k=2, n=5, α=1e-4, β=0.75
 * </pre>
 *
 * Note the paper's α multiplies the sum; PyTorch's {@code LocalResponseNorm} divides α by n. It has
 * no parameters. Later networks (VGG onwards) dropped it: it costs time and barely helps.
 */
public final class LocalResponseNorm {

    public static final float K = 2f;
    public static final int N = 5;
    public static final float ALPHA = 1e-4f;
    public static final float BETA = 0.75f;

    private LocalResponseNorm() {}

    /** The block with the paper's constants. */
    public static Block block() {
        return new LambdaBlock(
                list -> new NDList(apply(list.singletonOrThrow(), K, N, ALPHA, BETA)), "LRN");
    }

    /** The normalisation of a {@code (B, C, H, W)} tensor. */
    public static NDArray apply(NDArray a, float k, int n, float alpha, float beta) {
        int c = (int) a.getShape().get(1);
        // Σ over the window of n neighbouring channels is a 1×1 convolution whose fixed C×C
        // weight is a band of ones: band[i][j] = 1 when |i − j| ≤ n/2.
        float[] band = new float[c * c];
        for (int i = 0; i < c; i++) {
            for (int j = Math.max(0, i - n / 2); j <= Math.min(c - 1, i + n / 2); j++) {
                band[i * c + j] = 1f;
            }
        }
        NDArray window =
                a.getManager().create(band, new Shape(c, c, 1, 1)).toType(a.getDataType(), false);
        NDArray sum = Conv2d.conv2d(a.square(), window).singletonOrThrow();
        // (k + α·Σ)^β as exp(β·log(·)): the engine's pow with a fractional exponent is far slower.
        return a.div(sum.mul(alpha).add(k).log().mul(beta).exp());
    }
}
