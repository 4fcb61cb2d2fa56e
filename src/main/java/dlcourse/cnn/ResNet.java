package dlcourse.cnn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;
import java.util.Map;

/**
 * ResNet (lecture figures 36, 37): He, Zhang, Ren, Sun, "Deep Residual Learning for Image
 * Recognition", CVPR 2016; pre-activation variant from "Identity Mappings in Deep Residual
 * Networks", ECCV 2016.
 *
 * <p>A stem (7×7/2 convolution, 3×3/2 max pooling), four stages of residual blocks (the first block
 * of stages 2–4 halves the size with stride 2 and doubles the channels), global average pooling and
 * one linear layer. ResNet-18/34 use <b>basic</b> blocks (two 3×3 convolutions), ResNet-50/101/152
 * <b>bottleneck</b> blocks (1×1, 3×3, 1×1 ×4): the paper's table 1. (DJL's model-zoo ResNetV1 uses
 * bottlenecks for every depth; its "ResNet-18" has the wrong number of weights.)
 *
 * <p>{@link Variant#PLAIN} drops every shortcut, leaving the same layers: the "plain" networks with
 * which the paper showed degradation. {@link #cifarStyle} builds the paper's CIFAR-10 networks
 * (6n+2 layers, widths 16/32/64) for that experiment on small images.
 *
 * <p>When (not) to use it: the default backbone for image recognition; on a phone, prefer {@link
 * MobileNetV2} or {@link SqueezeNet} with an order of magnitude fewer weights.
 */
public final class ResNet {

    /** How blocks join their input and their layers. */
    public enum Variant {
        /** Figure 36 д: the original post-activation block. */
        ORIGINAL,
        /** Figure 36 е: the pre-activation (identity mapping) block. */
        PRE_ACTIVATION,
        /** Figure 36 а: the same layers, no shortcuts. */
        PLAIN
    }

    /** Blocks per stage for each depth of the paper's table 1. */
    public static final Map<Integer, int[]> STAGES =
            Map.of(
                    18, new int[] {2, 2, 2, 2},
                    34, new int[] {3, 4, 6, 3},
                    50, new int[] {3, 4, 6, 3},
                    101, new int[] {3, 4, 23, 3},
                    152, new int[] {3, 8, 36, 3});

    private ResNet() {}

    /** The canonical ImageNet network of the given depth (18, 34, 50, 101, 152). */
    public static Builder builder(int depth) {
        int[] blocks = STAGES.get(depth);
        if (blocks == null) {
            throw new IllegalArgumentException(
                    "глубины ResNet из статьи: " + STAGES.keySet() + ", а не " + depth);
        }
        return new Builder().optBlocks(blocks).optBottleneck(depth >= 50);
    }

    /**
     * For Fashion-MNIST (1×28×28, 10 classes): the same stages, widths ÷ 4 (16 … 128), and a 3×3/1
     * stem convolution without max pooling (28 pixels have no room for the 7×7/2 + pool).
     */
    public static Builder courseSized(int depth) {
        return builder(depth).optWidths(16, 32, 64, 128).optSmallStem(true).optClasses(10);
    }

    /**
     * The paper's CIFAR-10 networks (section 4.2): 3×3 stem with 16 channels, three stages of n
     * basic blocks with 16, 32, 64 channels, 6n + 2 weight layers (20, 32, 44, 56, 110). The
     * shortcuts that change the shape are projections here (the paper's CIFAR nets zero-pad).
     */
    public static Builder cifarStyle(int depth) {
        if ((depth - 2) % 6 != 0) {
            throw new IllegalArgumentException(
                    "глубина сети в стиле CIFAR равна 6n+2 (8, 14, 20, 32, 56 …), а не " + depth);
        }
        int n = (depth - 2) / 6;
        return new Builder()
                .optBlocks(n, n, n)
                .optWidths(16, 32, 64)
                .optSmallStem(true)
                .optClasses(10);
    }

    public static final class Builder {
        private int[] blocks = STAGES.get(18);
        private int[] widths = {64, 128, 256, 512};
        private boolean bottleneck;
        private Variant variant = Variant.ORIGINAL;
        private boolean smallStem;
        private int classes = 1000;

        /** Blocks per stage. */
        public Builder optBlocks(int... blocks) {
            this.blocks = blocks.clone();
            return this;
        }

        /** Channels of each stage (bottleneck blocks output 4× as many). */
        public Builder optWidths(int... widths) {
            this.widths = widths.clone();
            return this;
        }

        public Builder optBottleneck(boolean on) {
            this.bottleneck = on;
            return this;
        }

        public Builder optVariant(Variant variant) {
            this.variant = variant;
            return this;
        }

        /** A 3×3/1 stem convolution without pooling, for small images. */
        public Builder optSmallStem(boolean on) {
            this.smallStem = on;
            return this;
        }

        public Builder optClasses(int classes) {
            this.classes = classes;
            return this;
        }

        /** Weight layers: stem + convolutions in the blocks + the linear layer (18, 34, 50 …). */
        public int depth() {
            return 2 + Arrays.stream(blocks).sum() * (bottleneck ? 3 : 2);
        }

        public Block build() {
            if (blocks.length != widths.length) {
                throw new IllegalArgumentException(
                        "нужна одна ширина на каждую стадию ("
                                + blocks.length
                                + "), а задано "
                                + Arrays.toString(widths));
            }
            SequentialBlock net = new SequentialBlock();
            if (smallStem) { // (B, 1, 28, 28) -> (B, w0, 28, 28)
                net.add(ConvLayers.convBnRelu(widths[0], 3, 1));
            } else { // (B, 3, 224, 224) -> conv 7×7/2 (B, 64, 112, 112) -> pool (B, 64, 56, 56)
                net.add(
                        ConvLayers.convBnRelu(widths[0], 7, 2)
                                .add(
                                        Pool.maxPool2dBlock(
                                                new Shape(3, 3),
                                                new Shape(2, 2),
                                                new Shape(1, 1))));
            }
            int channels = widths[0];
            for (int s = 0; s < blocks.length; s++) {
                // stage s: (B, C, H, W) -> (B, widths[s]·(4 if bottleneck), H/2, W/2) for s > 0
                SequentialBlock stage = new SequentialBlock();
                for (int i = 0; i < blocks[s]; i++) {
                    int stride = s > 0 && i == 0 ? 2 : 1;
                    int out = bottleneck ? 4 * widths[s] : widths[s];
                    stage.add(block(widths[s], stride, stride != 1 || channels != out));
                    channels = out;
                }
                net.add(stage);
            }
            if (variant == Variant.PRE_ACTIVATION) {
                net.add(ConvLayers.bnRelu()); // the last unit's output is not activated yet
            }
            // (B, C, 7, 7) -> global average pooling (B, C) -> (B, classes)
            return net.add(Pool.globalAvgPool2dBlock())
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(classes).build());
        }

        private Block block(int width, int stride, boolean project) {
            if (bottleneck) {
                if (variant == Variant.PRE_ACTIVATION) {
                    throw new UnsupportedOperationException(
                            "узкие места (bottleneck) с предактивацией здесь не построены: для"
                                    + " глубин 50+ выберите Variant.ORIGINAL");
                }
                return ResidualBlock.bottleneck(
                        width, stride, project, variant == Variant.ORIGINAL);
            }
            return switch (variant) {
                case ORIGINAL -> ResidualBlock.original(width, stride, project);
                case PRE_ACTIVATION -> ResidualBlock.preActivation(width, stride, project);
                case PLAIN -> ResidualBlock.plainBasic(width, stride);
            };
        }

        @Override
        public String toString() {
            return (variant == Variant.PLAIN ? "Plain-" : "ResNet-")
                    + depth()
                    + Arrays.toString(widths)
                    + Arrays.toString(blocks)
                    + variant
                    + (smallStem ? "/small" : "")
                    + "/"
                    + classes;
        }
    }
}
