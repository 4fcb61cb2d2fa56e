package dlcourse.cnn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * VGG (lecture figures 33, 34): Simonyan, Zisserman, "Very Deep Convolutional Networks for
 * Large-Scale Image Recognition", ICLR 2015 (arXiv:1409.1556).
 *
 * <p>The idea: only 3×3 convolutions with stride 1, two to four of them stacked between 2×2 max
 * poolings. Three stacked 3×3 layers see a 7×7 window (the receptive field of one 7×7 layer) with
 * 27·C² weights instead of 49·C², and put three non-linearities where there was one. The number of
 * feature maps doubles after each pooling (64 → 512), and three fully connected layers (4096, 4096,
 * classes) finish the network on the flattened features.
 *
 * <p>The paper's configurations are data ({@link Configuration}): the table of the paper, one
 * string per network, stages separated by {@code |}; {@code 256/1} is a 1×1 convolution
 * (configuration C, the paper's test of 1×1 layers as extra non-linearity).
 *
 * <p>When (not) to use it: VGG is the clearest deep CNN to read and its features transfer well, but
 * 90 % of its 138 M weights sit in the first fully connected layer and it is slow; for anything
 * trained from scratch a ResNet gives more accuracy for far less compute.
 */
public final class Vgg {

    /** The configurations of the paper's table 1 (A = VGG-11 … E = VGG-19). */
    public enum Configuration {
        A("VGG-11", "64 | 128 | 256 256 | 512 512 | 512 512"),
        B("VGG-13", "64 64 | 128 128 | 256 256 | 512 512 | 512 512"),
        C("VGG-16 (1×1)", "64 64 | 128 128 | 256 256 256/1 | 512 512 512/1 | 512 512 512/1"),
        D("VGG-16", "64 64 | 128 128 | 256 256 256 | 512 512 512 | 512 512 512"),
        E("VGG-19", "64 64 | 128 128 | 256 256 256 256 | 512 512 512 512 | 512 512 512 512");

        public final String title;
        public final String layers;

        Configuration(String title, String layers) {
            this.title = title;
            this.layers = layers;
        }

        /**
         * The stages: each a list of {width, kernel} convolutions, followed by a 2×2 max pooling.
         */
        public List<List<int[]>> stages() {
            List<List<int[]>> stages = new ArrayList<>();
            for (String stage : layers.split("\\|")) {
                List<int[]> convs = new ArrayList<>();
                for (String conv : stage.trim().split("\\s+")) {
                    String[] parts = conv.split("/");
                    convs.add(
                            new int[] {
                                Integer.parseInt(parts[0]),
                                parts.length > 1 ? Integer.parseInt(parts[1]) : 3
                            });
                }
                stages.add(convs);
            }
            return stages;
        }

        /** Weight layers: convolutions plus the three fully connected ones (11, 13, 16, 16, 19). */
        public int depth() {
            return stages().stream().mapToInt(List::size).sum() + 3;
        }
    }

    private Vgg() {}

    /** The canonical ImageNet network (3×224×224 in, 1000 classes); VGG-16 unless changed. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * VGG-11 narrowed for Fashion-MNIST: widths ÷ 4 (16 … 128), fully connected 256, 10 classes.
     * Input 1×32×32: five 2×2 poolings take 32 to 1 (28 would not divide; resize the images to 32).
     */
    public static Builder courseSized() {
        return new Builder()
                .optConfiguration(Configuration.A)
                .optWidthDivisor(4)
                .optHidden(256)
                .optClasses(10);
    }

    public static final class Builder {
        private Configuration configuration = Configuration.D;
        private int widthDivisor = 1;
        private int hidden = 4096;
        private int classes = 1000;
        private float dropout = 0.5f;
        private boolean batchNorm;

        public Builder optConfiguration(Configuration configuration) {
            this.configuration = configuration;
            return this;
        }

        /** Divides every convolution's width (1 = the paper's 64 … 512). */
        public Builder optWidthDivisor(int divisor) {
            this.widthDivisor = divisor;
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

        /** Dropout after the two hidden fully connected layers (paper: 0.5). */
        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        /**
         * Batch norm after each convolution (not in the paper, which predates it; torchvision's
         * vgg*_bn).
         */
        public Builder optBatchNorm(boolean on) {
            this.batchNorm = on;
            return this;
        }

        public Block build() {
            SequentialBlock net = new SequentialBlock();
            // (B, 3, 224, 224) -> stage 1 (B, 64, 112, 112) -> … -> stage 5 (B, 512, 7, 7)
            for (List<int[]> stage : configuration.stages()) {
                SequentialBlock s = new SequentialBlock();
                for (int[] conv : stage) {
                    s.add(ConvLayers.conv(conv[0] / widthDivisor, conv[1], 1, true));
                    if (batchNorm) { // torchvision's vgg*_bn keeps the convolution's bias
                        s.add(BatchNorm.builder().build());
                    }
                    s.add(ConvLayers.relu());
                }
                net.add(s.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2))));
            }
            // -> flatten (B, 25088) -> fc6, fc7 (B, 4096) -> fc8 (B, classes)
            net.add(Blocks.batchFlattenBlock());
            for (int i = 0; i < 2; i++) {
                net.add(Linear.builder().setUnits(hidden).build()).add(ConvLayers.relu());
                if (dropout > 0) {
                    net.add(Dropout.builder().optRate(dropout).build());
                }
            }
            return net.add(Linear.builder().setUnits(classes).build());
        }

        @Override
        public String toString() {
            return configuration.title
                    + "/"
                    + widthDivisor
                    + "/"
                    + hidden
                    + "/"
                    + classes
                    + (batchNorm ? "/bn" : "");
        }
    }
}
