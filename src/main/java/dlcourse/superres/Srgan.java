package dlcourse.superres;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import dlcourse.gan.AdversarialTraining;
import dlcourse.gan.FashionClassifier;
import dlcourse.gan.GanBlocks;
import dlcourse.gan.GanModel;
import dlcourse.gan.GanVariant;
import java.util.List;

/**
 * SRGAN (Ledig et al., 2017): super-resolution as a GAN. The generator is {@link SrResNet}; the
 * discriminator tells real high-resolution images from the generator's up-scaled ones; the
 * generator's objective is a content loss plus the adversarial term with weight 10⁻³, l = l_content
 * + 10⁻³·l_adv, so that it stays close to the original while moving towards what D takes for a real
 * image. Trained by the course's one GAN loop, {@link AdversarialTraining}: its variant gives G the
 * real batch at low resolution (bicubic, {@link Bicubic#downsample}) instead of noise, and adds the
 * content term.
 *
 * <pre>
 * D: (B, c, H, W) → conv 3×3 w, LeakyReLU
 *    → [conv 3×3, BN, LeakyReLU] × 7, widths w, 2w, 2w, 4w, 4w, 8w, 8w, strides 2, 1, 2, 1, 2, 1, 2
 *    → (B, 8w, H/16, W/16) → dense 16w → LeakyReLU → dense 1 → logit
 * </pre>
 *
 * <p>The paper's defaults: w = 64 (dense 1024), Adam with β1 = 0.9 and learning rate 10⁻⁴, G
 * initialised from the SRResNet trained on the MSE ({@link
 * AdversarialTraining.Builder#optInitialGenerator}). Its content loss is the MSE between VGG-19
 * feature maps; no ImageNet network can be had offline here, so {@link #featureLoss} compares the
 * convolutional features of a classifier trained on Fashion-MNIST.
 */
public final class Srgan {

    /** The weight of the adversarial term against the content loss (paper: 10⁻³). */
    public static final float ADVERSARIAL_WEIGHT = 1e-3f;

    private Srgan() {}

    /** How far a generated image is from its original; both (B, c, H, W) in [−1, 1]. */
    @FunctionalInterface
    public interface ContentLoss {
        NDArray between(NDArray generated, NDArray original);
    }

    /** The pixel-wise MSE, SRResNet's loss (and SRGAN-MSE's content in the paper). */
    public static ContentLoss pixelLoss() {
        return (g, x) -> g.sub(x).square().mean();
    }

    /**
     * The MSE between feature maps of a fixed classifier, relative to the mean square of the
     * original's features (the paper rescales VGG's features by 1/12.75 for the same purpose: a
     * loss of the order of the pixel MSE).
     */
    public static ContentLoss featureLoss(FashionClassifier features) {
        return (g, x) -> {
            NDArray real = features.convFeatures(x.add(1).div(2)).stopGradient();
            NDArray fake = features.convFeatures(g.add(1).div(2));
            return fake.sub(real).square().mean().div(real.square().mean());
        };
    }

    /**
     * SRGAN on images of {@code imageShape} (c, H, W), with the generator {@code generator} and the
     * {@code content} loss.
     */
    public static Builder builder(
            SrResNet.Builder generator, Shape imageShape, ContentLoss content) {
        return new Builder(generator, imageShape, content);
    }

    /** Settings; the discriminator's width has the paper's default. */
    public static final class Builder {
        private final SrResNet.Builder generator;
        private final Shape imageShape;
        private final ContentLoss content;
        private int width = 64;
        private String name = "SRGAN";

        private Builder(SrResNet.Builder generator, Shape imageShape, ContentLoss content) {
            this.generator = generator;
            this.imageShape = imageShape;
            this.content = content;
        }

        /** D's first width w (paper: 64; then 128, 256, 512 and a dense layer of 1024). */
        public Builder optDiscriminatorWidth(int width) {
            this.width = width;
            return this;
        }

        public Builder optName(String name) {
            this.name = name;
            return this;
        }

        public GanModel build() {
            return new GanModel(
                    name,
                    generator.build(),
                    discriminator(width),
                    0,
                    imageShape,
                    new Game(generator.scale(), imageShape, content));
        }
    }

    /** D: (B, c, H, W) → logit (B, 1); H and W multiples of 16 or rounded up at each stride. */
    public static Block discriminator(int width) {
        SequentialBlock d = new SequentialBlock().add(conv(width, 1)).add(GanBlocks.leakyRelu());
        int[] widths = {width, 2 * width, 2 * width, 4 * width, 4 * width, 8 * width, 8 * width};
        for (int i = 0; i < widths.length; i++) {
            d.add(conv(widths[i], i % 2 == 0 ? 2 : 1))
                    .add(BatchNorm.builder().build())
                    .add(GanBlocks.leakyRelu());
        }
        return d.add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(16L * width).build())
                .add(GanBlocks.leakyRelu())
                .add(Linear.builder().setUnits(1).build()); // (B, 1)
    }

    private static Conv2d conv(int filters, int stride) {
        return Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(1, 1))
                .setFilters(filters)
                .build();
    }

    /** What SRGAN changes in the game: G's input, its content term and the paper's Adam. */
    private record Game(int scale, Shape imageShape, ContentLoss content) implements GanVariant {

        @Override
        public List<Shape> generatorInputShapes(int latentDim) {
            return List.of(
                    new Shape(
                            imageShape.get(0),
                            imageShape.get(1) / scale,
                            imageShape.get(2) / scale));
        }

        @Override
        public NDList generatorInputs(NDArray z, NDList codes, NDArray realImages) {
            return new NDList(Bicubic.downsample(realImages, scale));
        }

        @Override
        public NDArray contentLoss(NDArray generated, NDArray realImages) {
            return content.between(generated, realImages);
        }

        @Override
        public float adversarialWeight() {
            return ADVERSARIAL_WEIGHT;
        }

        @Override
        public float beta1() {
            return 0.9f;
        }

        @Override
        public float[] learningRates() {
            return new float[] {1e-4f, 1e-4f};
        }
    }
}
