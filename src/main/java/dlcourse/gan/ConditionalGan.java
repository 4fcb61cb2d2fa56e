package dlcourse.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Conditional GAN: Mirza, Osindero, "Conditional Generative Adversarial Nets", 2014 (lecture figure
 * 38 а). The class label y is fed to both players: G(z, y) models p_gen(x | y), D(x, y) the
 * probability that x is a real example of class y. Here on the DCGAN architecture: y enters G as a
 * one-hot vector appended to z, and D as ten constant planes stacked on the image.
 *
 * <p>To generate a requested class, pass its one-hot vector as the code: {@code
 * training.generate(z, new NDList(ConditionalGan.oneHot(classes, 10)))}.
 */
public final class ConditionalGan implements GanVariant {

    private final int classes;

    private ConditionalGan(int classes) {
        this.classes = classes;
    }

    /** A DCGAN conditioned on one of {@code classes} labels. */
    public static GanModel dcgan(int classes, int width, int latentDim) {
        return new GanModel(
                "cgan",
                Dcgan.generator(width, 1),
                Dcgan.discriminator(width),
                latentDim,
                new Shape(1, 28, 28),
                new ConditionalGan(classes));
    }

    /** Class indices (N) → one-hot (N, classes), float. */
    public static NDArray oneHot(NDArray labels, int classes) {
        return labels.toType(DataType.INT32, false).oneHot(classes);
    }

    @Override
    public List<Shape> codeShapes() {
        return List.of(new Shape(classes));
    }

    /** Requested classes drawn uniformly. */
    @Override
    public NDList sampleCodes(NDManager manager, int n) {
        return new NDList(
                oneHot(manager.randomInteger(0, classes, new Shape(n), DataType.INT32), classes));
    }

    /** A real image is shown to D with its true label. */
    @Override
    public NDList realCondition(NDArray labels) {
        return new NDList(oneHot(labels, classes));
    }

    /** A generated image is shown to D with the label it was asked for. */
    @Override
    public NDList fakeCondition(NDList codes) {
        return new NDList(codes.head());
    }
}
