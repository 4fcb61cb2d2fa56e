package dlcourse.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.pooling.Pool;

/**
 * Local response normalisation across channels, as in the AlexNet paper (section 3.3):
 *
 * <pre>
 *   b[i] = a[i] / (k + α · Σ_{j = max(0, i−n/2)}^{min(C−1, i+n/2)} a[j]²)^β,   k=2, n=5, α=1e-4, β=0.75
 * </pre>
 *
 * Note the paper's α multiplies the sum; PyTorch's {@code LocalResponseNorm} divides α by n.
 * It has no parameters. Later networks (VGG onwards) dropped it: it costs time and barely helps.
 */
public final class LocalResponseNorm {

    public static final float K = 2f;
    public static final int N = 5;
    public static final float ALPHA = 1e-4f;
    public static final float BETA = 0.75f;

    private LocalResponseNorm() {}

    /** The block with the paper's constants. */
    public static Block block() {
        return new LambdaBlock(list -> new NDList(apply(list.singletonOrThrow(), K, N, ALPHA, BETA)), "LRN");
    }

    /** The normalisation of a {@code (B, C, H, W)} tensor. */
    public static NDArray apply(NDArray a, float k, int n, float alpha, float beta) {
        Shape s = a.getShape();
        long b = s.get(0);
        long c = s.get(1);
        // (B, C, H, W) -> (B, 1, C, H·W): a window of n along C is a pooling window (n, 1).
        NDArray squares = a.square().reshape(b, 1, c, s.get(2) * s.get(3));
        NDArray sum = Pool.avgPool2d(squares, new Shape(n, 1), new Shape(1, 1), new Shape(n / 2, 0), false, true)
                .mul(n) // average over a zero-padded window × n = the paper's sum
                .reshape(s);
        return a.div(sum.mul(alpha).add(k).pow(beta));
    }
}
