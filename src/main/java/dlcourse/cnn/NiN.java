package dlcourse.cnn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;

/**
 * NiN, "Network In Network" (Lin, Chen, Yan, ICLR 2014, arXiv:1312.4400): each convolution is
 * followed by a small perceptron applied at every pixel — two 1×1 convolutions with ReLU, the
 * "mlpconv" block — and the fully connected head is replaced by one 1×1 convolution to the classes
 * and global average pooling. Inception took the 1×1 convolution from it, and GoogLeNet the global
 * average pooling.
 *
 * <p>The lecture's taxonomy lists NiN among branched networks; it has no branches: it is a chain of
 * mlpconv blocks (the network is one {@link SequentialBlock}, which {@code NiNTest} checks).
 *
 * <p>{@link #builder} defaults: the authors' ImageNet model (released with the paper's code, the
 * Caffe Model Zoo's "NIN-Imagenet"; the paper's own tables are for CIFAR, SVHN and MNIST):
 *
 * <pre>
 * (B, 3, 224, 224) → mlpconv 11×11 /4, 96   → max-pool 3 /2 → (B, 96, 26, 26)
 *                  → mlpconv 5×5, 256       → max-pool 3 /2 → (B, 256, 12, 12)
 *                  → mlpconv 3×3, 384       → max-pool 3 /2 → (B, 384, 5, 5) → dropout 0.5
 *                  → mlpconv 3×3, 1024 → 1024 → classes (1×1) → global average → (B, classes)
 * </pre>
 *
 * 7 595 176 weights, an eighth of AlexNet's 61 M: there is no fully connected layer.
 */
public final class NiN {

    private NiN() {}

    public static Builder builder() {
        return new Builder();
    }

    /** Settings with the ImageNet model's defaults. */
    public static final class Builder {
        private int classes = 1000;

        private Builder() {}

        /** Number of classes (default 1000). */
        public Builder optClasses(int classes) {
            this.classes = classes;
            return this;
        }

        public SequentialBlock build() {
            return new SequentialBlock()
                    .add(mlpconv(96, 96, 11, 4, 0))
                    .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2)))
                    .add(mlpconv(256, 256, 5, 1, 2))
                    .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2)))
                    .add(mlpconv(384, 384, 3, 1, 1))
                    .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2)))
                    .add(Dropout.builder().optRate(0.5f).build())
                    .add(mlpconv(1024, classes, 3, 1, 1)) // (B, classes, 5, 5)
                    .add(Pool.globalAvgPool2dBlock()) // (B, classes, 1, 1)
                    .add(Blocks.batchFlattenBlock()); // (B, classes): class scores
        }
    }

    /**
     * The mlpconv block: a k×k convolution to {@code channels}, then a two-layer perceptron at
     * every pixel (1×1 convolutions to {@code channels} and {@code out}), ReLU after each. The last
     * ReLU of the network stays (the authors' model has it before the average pooling).
     */
    public static SequentialBlock mlpconv(
            int channels, int out, int kernel, int stride, int padding) {
        return new SequentialBlock()
                .add(conv(channels, kernel, stride, padding))
                .add(Activation.reluBlock())
                .add(conv(channels, 1, 1, 0))
                .add(Activation.reluBlock())
                .add(conv(out, 1, 1, 0))
                .add(Activation.reluBlock());
    }

    private static Block conv(int filters, int kernel, int stride, int padding) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .build();
    }
}
