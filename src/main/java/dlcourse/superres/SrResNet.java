package dlcourse.superres;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import dlcourse.gan.Chunks;
import dlcourse.nn.PRelu;
import dlcourse.nn.PixelShuffle;
import java.util.List;

/**
 * SRResNet, the generator of SRGAN (Ledig et al., 2017, "Photo-Realistic Single Image
 * Super-Resolution Using a Generative Adversarial Network", figure 4), which the paper also trains
 * alone on the pixel-wise MSE:
 *
 * <pre>
 * low-res (B, c, H, W) → conv 9×9, C → PReLU                      → (B, C, H, W) ─────┐ long skip
 *   → B × [conv 3×3, BN, PReLU, conv 3×3, BN, + input]           → (B, C, H, W)      │
 *   → conv 3×3, BN, + ────────────────────────────────────────────────────────────────┘
 *   → log₂ s × [conv 3×3 to 4C, pixel shuffle ×2, PReLU]          → (B, C, sH, sW)
 *   → conv 9×9 to c → tanh                                        → (B, c, sH, sW) in [−1, 1]
 * </pre>
 *
 * <p>The paper's configuration ({@link #builder} defaults): 16 residual blocks, 64 channels, ×4,
 * RGB — 1 550 659 parameters with PReLU's slope per channel (1 549 462 with one slope per layer, as
 * PyTorch's default {@code nn.PReLU()} has it). The tanh maps to the [−1, 1] range in which the
 * paper scales its high-resolution images and every generator of the course works.
 */
public final class SrResNet {

    private SrResNet() {}

    public static Builder builder() {
        return new Builder();
    }

    /** For Fashion-MNIST ×2 on a CPU: 4 blocks of 32 channels, one grey channel. */
    public static Builder courseSized() {
        return new Builder().optResidualBlocks(4).optChannels(32).optScale(2).optImageChannels(1);
    }

    /** The architecture's sizes; every one has the paper's default. */
    public static final class Builder {
        private int blocks = 16;
        private int channels = 64;
        private int scale = 4;
        private int imageChannels = 3;

        private Builder() {}

        /** Residual blocks B (paper: 16). */
        public Builder optResidualBlocks(int blocks) {
            this.blocks = blocks;
            return this;
        }

        /** Feature maps C in every block (paper: 64). */
        public Builder optChannels(int channels) {
            this.channels = channels;
            return this;
        }

        /** Up-scaling factor, a power of two (paper: 4). */
        public Builder optScale(int scale) {
            if (scale < 2 || Integer.bitCount(scale) != 1) {
                throw new IllegalArgumentException(
                        "масштаб SRResNet — степень двойки (2, 4, 8), а не " + scale);
            }
            this.scale = scale;
            return this;
        }

        /** Colour channels of the images (paper: 3). */
        public Builder optImageChannels(int imageChannels) {
            this.imageChannels = imageChannels;
            return this;
        }

        public int scale() {
            return scale;
        }

        public int imageChannels() {
            return imageChannels;
        }

        public Block build() {
            SequentialBlock body = new SequentialBlock();
            for (int i = 0; i < blocks; i++) {
                body.add(residualBlock(channels));
            }
            body.add(conv(channels, 3)).add(BatchNorm.builder().build());
            SequentialBlock net =
                    new SequentialBlock()
                            .add(conv(channels, 9)) // (B, C, H, W)
                            .add(PRelu.perChannel())
                            .add(plusInput(body)); // the long skip
            for (int s = scale; s > 1; s /= 2) {
                net.add(PixelShuffle.upsampler(channels)); // (B, C, 2H, 2W)
            }
            return net.add(conv(imageChannels, 9)).add(Activation::tanh); // (B, c, sH, sW)
        }
    }

    /**
     * A trained network's images in [0, 1] for low-resolution inputs in [−1, 1] ({@link
     * SuperResolutionData#generatorInput}), in inference mode (batch norm's running statistics).
     */
    public static NDArray upscale(Block net, NDArray lowRes) {
        ParameterStore ps = new ParameterStore(lowRes.getManager(), false);
        return Chunks.map(new NDList(lowRes), in -> net.forward(ps, in, false).head())
                .add(1)
                .div(2);
    }

    /** conv 3×3, BN, PReLU, conv 3×3, BN, plus the block's input: (B, C, H, W) → the same. */
    public static Block residualBlock(int channels) {
        return plusInput(
                new SequentialBlock()
                        .add(conv(channels, 3))
                        .add(BatchNorm.builder().build())
                        .add(PRelu.perChannel())
                        .add(conv(channels, 3))
                        .add(BatchNorm.builder().build()));
    }

    /** f(x) + x. */
    static Block plusInput(Block f) {
        return new ParallelBlock(
                outs -> new NDList(outs.get(0).head().add(outs.get(1).head())),
                List.of(f, Blocks.identityBlock()));
    }

    /** A k×k convolution with "same" padding. */
    static Conv2d conv(int filters, int k) {
        return Conv2d.builder()
                .setKernelShape(new Shape(k, k))
                .optPadding(new Shape(k / 2, k / 2))
                .setFilters(filters)
                .build();
    }
}
