package dlcourse.gan;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.initializer.NormalInitializer;
import dlcourse.nn.TransposedConv2d;

/**
 * DCGAN: Radford, Metz, Chintala, "Unsupervised Representation Learning with Deep Convolutional
 * Generative Adversarial Networks", ICLR 2016 (lecture: «Архитектуры, основанные на GAN»).
 *
 * <p>The four rules of the lecture, in code:
 *
 * <ol>
 *   <li>no pooling: D down-samples with strided convolutions, G up-samples with {@link
 *       TransposedConv2d transposed} ones;
 *   <li>no fully connected hidden layers: z enters as a 1×1 image, D ends in a convolution;
 *   <li>batch normalisation in both G and D (not on G's output nor D's input layer);
 *   <li>ReLU in G (tanh at the output), LeakyReLU 0.2 in D.
 * </ol>
 *
 * Plus the paper's training details: weights from N(0, 0.02), Adam lr 2·10⁻⁴, β1 0.5 (the defaults
 * of {@link AdversarialTraining}).
 *
 * <p>Sized for 28×28 (the paper's 64×64 network has one more stage): z → 7×7 → 14×14 → 28×28. Paper
 * width at the last hidden stage: 128; {@link #courseSized()} uses 32 for CPU budgets. Use it for
 * images; for tabular or 1-D data an {@link MlpGan} is enough.
 */
public final class Dcgan {

    private Dcgan() {}

    public static Builder builder() {
        return new Builder();
    }

    /** Narrow enough to train on two CPU cores in minutes. */
    public static Builder courseSized() {
        return new Builder().optWidth(32).optLatentDim(64);
    }

    public static final class Builder {
        private int latentDim = 100;
        private int width = 128;
        private int channels = 1;

        /** Length of z (paper: 100). */
        public Builder optLatentDim(int latentDim) {
            this.latentDim = latentDim;
            return this;
        }

        /**
         * Channels of G's last hidden stage and D's first; the other stage has twice as many
         * (paper: 128).
         */
        public Builder optWidth(int width) {
            this.width = width;
            return this;
        }

        public Builder optChannels(int channels) {
            this.channels = channels;
            return this;
        }

        public GanModel build() {
            return new GanModel(
                    "dcgan",
                    generator(width, channels),
                    discriminator(width),
                    latentDim,
                    new Shape(channels, 28, 28),
                    GanVariant.PLAIN);
        }
    }

    /** G: (z, codes…) each (B, ·) → (B, channels, 28, 28) in [−1, 1]. */
    public static Block generator(int width, int channels) {
        SequentialBlock g =
                new SequentialBlock()
                        .add(GanBlocks.concatVectors()) // (B, Z)
                        .add(GanBlocks.asImage()) // (B, Z, 1, 1)
                        .add(TransposedConv2d.withoutBias(2 * width, 7, 1, 0)) // (B, 2w, 7, 7)
                        .add(BatchNorm.builder().build())
                        .add(Activation::relu)
                        .add(TransposedConv2d.withoutBias(width, 4, 2, 1)) // (B, w, 14, 14)
                        .add(BatchNorm.builder().build())
                        .add(Activation::relu)
                        .add(TransposedConv2d.of(channels, 4, 2, 1)) // (B, channels, 28, 28)
                        .add(Activation::tanh);
        return paperInit(g);
    }

    /** D: (image (B, C, 28, 28)[, condition (B, K)]) → logit (B, 1). */
    public static Block discriminator(int width) {
        SequentialBlock d =
                new SequentialBlock()
                        .add(body(width)) // (B, 2w, 7, 7)
                        .add(
                                Conv2d.builder()
                                        .setKernelShape(new Shape(7, 7))
                                        .setFilters(1)
                                        .build()) // (B, 1, 1, 1)
                        .add(Blocks.batchFlattenBlock()); // (B, 1)
        return paperInit(d);
    }

    /** D's convolutional body, shared with InfoGAN's Q head: (B, C, 28, 28) → (B, 2w, 7, 7). */
    static SequentialBlock body(int width) {
        return new SequentialBlock()
                .add(GanBlocks.withConditionPlanes()) // (B, C[+K], 28, 28)
                .add(conv(width, true)) // (B, w, 14, 14), no BN on D's input
                .add(GanBlocks.leakyRelu())
                .add(conv(2 * width, false)) // (B, 2w, 7, 7)
                .add(BatchNorm.builder().build())
                .add(GanBlocks.leakyRelu());
    }

    private static Block conv(int filters, boolean bias) {
        return Conv2d.builder()
                .setKernelShape(new Shape(4, 4))
                .optStride(new Shape(2, 2))
                .optPadding(new Shape(1, 1))
                .setFilters(filters)
                .optBias(bias)
                .build();
    }

    /** Weights (conv and linear) from N(0, 0.02), as in the paper. */
    static <B extends Block> B paperInit(B block) {
        block.setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
        return block;
    }
}
