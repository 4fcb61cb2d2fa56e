package dlcourse.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import dlcourse.core.Profile;
import dlcourse.core.Seeds;
import dlcourse.data.FashionMnistData;
import dlcourse.train.Training;

/**
 * The independent judge of generated clothes: a small convolutional classifier trained once on real
 * Fashion-MNIST (never on generated images, never the discriminator judging its own generator) and
 * cached under {@code data/checkpoints/fashion-judge-<profile>} by {@link
 * Training.Builder#optCheckpoint}, so later notebooks load it in a second.
 *
 * <p>Two conv-BN-ReLU-pool stages (32, 64 channels), a 128-unit hidden layer (the features for the
 * Fréchet distance), 10 class scores. Images in [0, 1], (N, 1, 28, 28).
 */
public final class FashionClassifier {

    private static final long JUDGE_SEED = 2017;
    private static final long PERCEPTUAL_SEED = 2016;
    private static FashionClassifier shared;
    private static FashionClassifier perceptual;

    private final SequentialBlock features;
    private final SequentialBlock net;
    private final Training.Result result;
    private final ParameterStore parameters;

    private FashionClassifier(
            SequentialBlock features, SequentialBlock net, Training.Result result) {
        this.features = features;
        this.net = net;
        this.result = result;
        this.parameters = new ParameterStore(result.model().getNDManager(), false);
    }

    /**
     * The judge for the current profile: trained on first use (seconds to a minute), then loaded.
     */
    public static synchronized FashionClassifier shared() {
        if (shared == null) {
            shared = train("fashion-judge", JUDGE_SEED, Profile.current().pick(2, 3, 5));
        }
        return shared;
    }

    /**
     * A second classifier of the same architecture, trained with another seed: the feature space of
     * SRGAN's content loss ({@link #convFeatures}). A generator trained against these features is
     * still measured by {@link #shared}, which it never saw.
     */
    public static synchronized FashionClassifier perceptual() {
        if (perceptual == null) {
            // features need less training than a judge's verdicts: one epoch on a CPU
            perceptual =
                    train("fashion-features", PERCEPTUAL_SEED, Profile.current().pick(1, 1, 3));
        }
        return perceptual;
    }

    private static FashionClassifier train(String name, long seed, int epochs) {
        // its own seed: the judge must not depend on which notebook happens to train it first (the
        // others load it), else every figure it yields would change with the order notebooks ran in
        Seeds.fixExactly(seed); // the same classifier for every replicate of a seed study
        SequentialBlock features =
                new SequentialBlock()
                        .add(stage(32)) // (B, 32, 14, 14)
                        .add(stage(64)) // (B, 64, 7, 7)
                        .add(Blocks.batchFlattenBlock()) // (B, 3136)
                        .add(Linear.builder().setUnits(128).build())
                        .add(Activation::relu); // (B, 128)
        SequentialBlock net =
                new SequentialBlock()
                        .add(features)
                        .add(Linear.builder().setUnits(10).build()); // (B, 10)
        Training.Result r =
                Training.of(net, new Shape(1, 28, 28))
                        .optName(name)
                        .optEpochs(epochs)
                        .optLearningRate(1e-3f)
                        .optCheckpoint(name + "-" + Profile.current())
                        .optQuiet()
                        .fit(FashionMnistData.train(128), FashionMnistData.test(500));
        return new FashionClassifier(features, net, r);
    }

    private static SequentialBlock stage(int channels) {
        return new SequentialBlock()
                .add(
                        Conv2d.builder()
                                .setKernelShape(new Shape(3, 3))
                                .optPadding(new Shape(1, 1))
                                .setFilters(channels)
                                .build())
                .add(BatchNorm.builder().build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2)));
    }

    /** Accuracy on the real test images of the profile (the yardstick for generated ones). */
    public double testAccuracy() {
        return result.testAccuracy();
    }

    /** Class scores (N, 10) for images in [0, 1]. */
    public NDArray scores(NDArray images) {
        return Chunks.map(new NDList(images), in -> net.forward(parameters, in, false).head());
    }

    /** Predicted class per image. */
    public int[] predict(NDArray images) {
        return scores(images).argMax(1).toType(DataType.INT32, false).toIntArray();
    }

    /** The 128 penultimate-layer features per image (N, 128), for the Fréchet distance. */
    public NDArray features(NDArray images) {
        return Chunks.map(new NDList(images), in -> features.forward(parameters, in, false).head());
    }

    /**
     * The feature maps after the two convolutional stages, (N, 64, 7, 7), for images in [0, 1],
     * with gradients flowing to the images: a content loss compares generated and real images here.
     */
    public NDArray convFeatures(NDArray images) {
        NDList x = new NDList(images);
        for (int stage = 0; stage < 2; stage++) {
            x = features.getChildren().valueAt(stage).forward(parameters, x, false);
        }
        return x.head();
    }

    /** Fréchet distance between two sets of images in this classifier's feature space. */
    public double frechet(NDArray images1, NDArray images2) {
        return Distances.frechet(features(images1), features(images2));
    }
}
