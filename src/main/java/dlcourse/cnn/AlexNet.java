package dlcourse.cnn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.NormalInitializer;
import java.util.Arrays;
import java.util.function.Function;

/**
 * AlexNet (lecture figure 32): Krizhevsky, Sutskever, Hinton, "ImageNet Classification with Deep
 * Convolutional Neural Networks", NIPS 2012.
 *
 * <p>Eight learned layers: five convolutional and three fully connected (the lecture text's «8
 * свёрточных слоёв» counts all of them). What made it win ILSVRC-2012: ReLU instead of tanh,
 * dropout 0.5 in the first two fully connected layers, overlapping max pooling (3×3, stride 2),
 * local response normalisation after the first two convolutions, and two GPUs, which the paper
 * expressed as grouped convolutions (conv2, conv4, conv5 see only their own GPU's half of the
 * channels). With the paper's widths (96, 256, 384, 384, 256) and two groups the network has 60 965
 * 224 parameters, the paper's «60 million».
 *
 * <p>Two scales: {@link #builder()} gives the canonical ImageNet network (3×224×224 in, 1000
 * classes); {@link #courseSized()} keeps the same topology for Fashion-MNIST (1×28×28, 10 classes):
 * a 7×7 stride-1 first convolution instead of 11×11 stride 4 (a 28-pixel image has no room for it),
 * narrower layers, one group, and no local response normalisation (VGG's authors found it does not
 * help; here it would triple the time of a training step). Use it to learn the architecture; for
 * real work on small images a ResNet trains faster and further.
 */
public final class AlexNet {

    /** The non-linearity after each layer: the paper's ReLU, or tanh for the comparison it made. */
    public enum Nonlinearity {
        RELU(Activation::relu),
        TANH(Activation::tanh);

        private final Function<ai.djl.ndarray.NDList, ai.djl.ndarray.NDList> fn;

        Nonlinearity(Function<ai.djl.ndarray.NDList, ai.djl.ndarray.NDList> fn) {
            this.fn = fn;
        }

        Block block() {
            return new ai.djl.nn.LambdaBlock(fn, name().toLowerCase());
        }
    }

    private AlexNet() {}

    /** The canonical network with the paper's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The Fashion-MNIST-sized network (1×28×28 in, 10 classes); options may still be changed. */
    public static Builder courseSized() {
        return new Builder()
                .optWidths(32, 64, 96, 96, 64)
                .optHidden(256)
                .optClasses(10)
                .optFirstConvolution(7, 1, 3)
                .optGroups(1)
                .optLocalResponseNorm(false);
    }

    /**
     * The four-layer convolutional network of the paper's ReLU-versus-tanh comparison (figure 1:
     * with ReLU it reached 25 % training error on CIFAR-10 six times sooner). The paper does not
     * list its layers; these are those of cuda-convnet's CIFAR-10 example, the authors' own code:
     * three 5×5 convolutions (32, 32, 64 filters, padding 2), each followed by the non-linearity
     * and 3×3 pooling with stride 2 (max, then average twice), and one linear layer. The weights
     * start from N(0, 0.01), the paper's initialisation, the biases from 0. No normalisation and no
     * dropout: the figure's networks used no regularisation.
     */
    public static Block fourLayerNet(Nonlinearity nonlinearity, int classes) {
        SequentialBlock net = new SequentialBlock();
        int[] filters = {32, 32, 64};
        for (int i = 0; i < filters.length; i++) {
            Shape window = new Shape(3, 3), stride = new Shape(2, 2), padding = new Shape(1, 1);
            net.add(Builder.conv(filters[i], 5, 1, 2, 1))
                    .add(nonlinearity.block())
                    .add(
                            i == 0
                                    ? Pool.maxPool2dBlock(window, stride, padding)
                                    : Pool.avgPool2dBlock(window, stride, padding));
        }
        net.add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(classes).build());
        net.setInitializer(new NormalInitializer(0.01f), Parameter.Type.WEIGHT);
        return net;
    }

    public static final class Builder {
        private int[] widths = {96, 256, 384, 384, 256};
        private int hidden = 4096;
        private int classes = 1000;
        private int firstKernel = 11;
        private int firstStride = 4;
        private int firstPadding = 2;
        private int groups = 2;
        private Nonlinearity nonlinearity = Nonlinearity.RELU;
        private float dropout = 0.5f;
        private boolean localResponseNorm = true;

        /** Output channels of the five convolutions (paper: 96, 256, 384, 384, 256). */
        public Builder optWidths(int... widths) {
            if (widths.length != 5) {
                throw new IllegalArgumentException(
                        "у AlexNet пять свёрточных слоёв: нужно 5 ширин, а задано "
                                + widths.length);
            }
            this.widths = widths.clone();
            return this;
        }

        /** Width of the two hidden fully connected layers (paper: 4096). */
        public Builder optHidden(int hidden) {
            this.hidden = hidden;
            return this;
        }

        public Builder optClasses(int classes) {
            this.classes = classes;
            return this;
        }

        /** Kernel, stride and padding of the first convolution (paper: 11, 4, 2 for 224×224). */
        public Builder optFirstConvolution(int kernel, int stride, int padding) {
            this.firstKernel = kernel;
            this.firstStride = stride;
            this.firstPadding = padding;
            return this;
        }

        /**
         * Groups of conv2, conv4, conv5 (paper: 2, one per GPU; 1 = every filter sees all
         * channels).
         */
        public Builder optGroups(int groups) {
            this.groups = groups;
            return this;
        }

        public Builder optNonlinearity(Nonlinearity nonlinearity) {
            this.nonlinearity = nonlinearity;
            return this;
        }

        /** Dropout probability in the hidden fully connected layers (paper: 0.5; 0 disables it). */
        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        /** Local response normalisation after conv1 and conv2 (paper: on). */
        public Builder optLocalResponseNorm(boolean on) {
            this.localResponseNorm = on;
            return this;
        }

        public Block build() {
            int[] w = widths;
            SequentialBlock net = new SequentialBlock();
            // (B, 3, 224, 224) -> conv1 11×11/4 -> (B, 96, 55, 55) -> pool -> (B, 96, 27, 27)
            net.add(conv(w[0], firstKernel, firstStride, firstPadding, 1))
                    .add(nonlinearity.block());
            if (localResponseNorm) {
                net.add(LocalResponseNorm.block());
            }
            net.add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2)));
            // -> conv2 5×5 -> (B, 256, 27, 27) -> pool -> (B, 256, 13, 13)
            net.add(conv(w[1], 5, 1, 2, groups)).add(nonlinearity.block());
            if (localResponseNorm) {
                net.add(LocalResponseNorm.block());
            }
            net.add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2)));
            // -> conv3, conv4, conv5 3×3 -> (B, 256, 13, 13) -> pool -> (B, 256, 6, 6)
            net.add(conv(w[2], 3, 1, 1, 1))
                    .add(nonlinearity.block())
                    .add(conv(w[3], 3, 1, 1, groups))
                    .add(nonlinearity.block())
                    .add(conv(w[4], 3, 1, 1, groups))
                    .add(nonlinearity.block())
                    .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2)));
            // -> flatten (B, 9216) -> fc6, fc7 (B, 4096), dropout on their outputs -> fc8 (B,
            // classes)
            net.add(Blocks.batchFlattenBlock());
            for (int i = 0; i < 2; i++) {
                net.add(Linear.builder().setUnits(hidden).build()).add(nonlinearity.block());
                if (dropout > 0) {
                    net.add(Dropout.builder().optRate(dropout).build());
                }
            }
            net.add(Linear.builder().setUnits(classes).build());
            return net;
        }

        private static Block conv(int filters, int kernel, int stride, int padding, int groups) {
            return Conv2d.builder()
                    .setFilters(filters)
                    .setKernelShape(new Shape(kernel, kernel))
                    .optStride(new Shape(stride, stride))
                    .optPadding(new Shape(padding, padding))
                    .optGroups(groups)
                    .build();
        }

        @Override
        public String toString() {
            return "AlexNet" + Arrays.toString(widths) + "/" + hidden + "/" + classes;
        }
    }
}
