package dlcourse.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;

/**
 * The pixel shuffle (Shi et al., 2016, "Real-Time Single Image and Video Super-Resolution Using an
 * Efficient Sub-Pixel Convolutional Neural Network"): a convolution computes s² values per output
 * channel at the low resolution, and depth-to-space lays them out as an s×s patch of the high
 * resolution. Up-sampling then costs ordinary convolutions only, with no zeros inserted and
 * multiplied (the same decomposition {@link TransposedConv2d} uses).
 *
 * <p>Channel order as PyTorch's {@code pixel_shuffle}: input channel {@code c·s² + i·s + j} goes to
 * output channel {@code c}, rows {@code h·s + i}, columns {@code w·s + j}.
 */
public final class PixelShuffle {

    private PixelShuffle() {}

    /** Depth-to-space: (B, C·s², H, W) → (B, C, H·s, W·s). */
    public static NDArray depthToSpace(NDArray x, int s) {
        Shape in = x.getShape();
        long b = in.get(0), c = in.get(1) / (s * s), h = in.get(2), w = in.get(3);
        if (c * s * s != in.get(1)) {
            throw new IllegalArgumentException(
                    "depth-to-space ×"
                            + s
                            + ": число каналов "
                            + in.get(1)
                            + " не делится на "
                            + s * s);
        }
        return x.reshape(b, c, s, s, h, w) // (B, C, i, j, H, W)
                .transpose(0, 1, 4, 2, 5, 3) // (B, C, H, i, W, j)
                .reshape(b, c, h * s, w * s);
    }

    /** Space-to-depth, the inverse: (B, C, H·s, W·s) → (B, C·s², H, W). */
    public static NDArray spaceToDepth(NDArray x, int s) {
        Shape in = x.getShape();
        long b = in.get(0), c = in.get(1), h = in.get(2) / s, w = in.get(3) / s;
        if (h * s != in.get(2) || w * s != in.get(3)) {
            throw new IllegalArgumentException(
                    "space-to-depth ×" + s + ": размер " + in + " не делится на " + s);
        }
        return x.reshape(b, c, h, s, w, s) // (B, C, H, i, W, j)
                .transpose(0, 1, 3, 5, 2, 4) // (B, C, i, j, H, W)
                .reshape(b, c * s * s, h, w);
    }

    /** Depth-to-space as a block. */
    public static LambdaBlock block(int s) {
        return new LambdaBlock(x -> new NDList(depthToSpace(x.head(), s)), "PixelShuffle");
    }

    /**
     * SRGAN's up-sampling stage ×2: 3×3 convolution to 4·C channels, pixel shuffle, PReLU. (B, C,
     * H, W) → (B, C, 2H, 2W).
     */
    public static SequentialBlock upsampler(int channels) {
        return new SequentialBlock()
                .add(
                        Conv2d.builder()
                                .setKernelShape(new Shape(3, 3))
                                .optPadding(new Shape(1, 1))
                                .setFilters(4 * channels)
                                .build()) // (B, 4C, H, W)
                .add(block(2)) // (B, C, 2H, 2W)
                .add(PRelu.perChannel());
    }
}
