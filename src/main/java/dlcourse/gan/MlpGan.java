package dlcourse.gan;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

/**
 * The GAN of Goodfellow et al., "Generative Adversarial Nets", NIPS 2014 (lecture figure 47), with
 * multilayer perceptrons for both players: G: z → hidden → hidden → data, D: data → hidden → hidden
 * → logit. ReLU in G, LeakyReLU 0.2 in D (the paper used maxout in D).
 *
 * <p>Works for any data shape: images (tanh output, pixels in [−1, 1]) or points of a 1-D/2-D toy
 * distribution (linear output). On images it learns slower and blurrier than {@link Dcgan}.
 */
public final class MlpGan {

    private MlpGan() {}

    /** For Fashion-MNIST: 28×28 images, tanh output. */
    public static Builder images() {
        return new Builder(new Shape(1, 28, 28), true);
    }

    /** For points with {@code dims} coordinates (no output non-linearity). */
    public static Builder points(int dims) {
        return new Builder(new Shape(dims), false);
    }

    public static final class Builder {
        private final Shape dataShape;
        private final boolean tanh;
        private int latentDim = 64;
        private int hidden = 256;
        private String name = "mlp-gan";

        private Builder(Shape dataShape, boolean tanh) {
            this.dataShape = dataShape;
            this.tanh = tanh;
        }

        public Builder optLatentDim(int latentDim) {
            this.latentDim = latentDim;
            return this;
        }

        /**
         * The game's name (its models, its progress line). A new game closes the running one of the
         * same name, so two games played side by side in one kernel need two names.
         */
        public Builder optName(String name) {
            this.name = name;
            return this;
        }

        /** Units of the first hidden layer of G (the second has twice as many; D mirrors it). */
        public Builder optHidden(int hidden) {
            this.hidden = hidden;
            return this;
        }

        public GanModel build() {
            long size = dataShape.size();
            Shape shape = dataShape;
            SequentialBlock g =
                    new SequentialBlock()
                            .add(GanBlocks.concatVectors()) // (B, Z)
                            .add(Linear.builder().setUnits(hidden).build())
                            .add(Activation::relu) // (B, h)
                            .add(Linear.builder().setUnits(2L * hidden).build())
                            .add(Activation::relu) // (B, 2h)
                            .add(Linear.builder().setUnits(size).build()); // (B, data)
            if (tanh) {
                g.add(Activation::tanh);
            }
            g.add(
                    new LambdaBlock(
                            list -> new NDList(list.head().reshape(new Shape(-1).addAll(shape))),
                            "reshape"));
            Block d =
                    new SequentialBlock()
                            .add(Blocks.batchFlattenBlock()) // (B, data)
                            .add(Linear.builder().setUnits(2L * hidden).build())
                            .add(GanBlocks.leakyRelu())
                            .add(Linear.builder().setUnits(hidden).build())
                            .add(GanBlocks.leakyRelu())
                            .add(Linear.builder().setUnits(1).build()); // (B, 1) logit
            return new GanModel(name, g, d, latentDim, dataShape, GanVariant.PLAIN);
        }
    }
}
