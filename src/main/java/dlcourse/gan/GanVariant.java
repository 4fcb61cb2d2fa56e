package dlcourse.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * What a GAN variant adds to the plain game, so that one loop ({@link AdversarialTraining}) serves
 * GAN, DCGAN, conditional GAN and InfoGAN. The plain GAN adds nothing ({@link #PLAIN}).
 *
 * <ul>
 *   <li>codes: inputs of G besides the noise z (cGAN: the requested class y; InfoGAN: the code c);
 *   <li>condition: what D is told besides the image (cGAN: y; the others: nothing);
 *   <li>an extra term added to both objectives (InfoGAN: −λ·L_I, the mutual-information bound).
 * </ul>
 */
public interface GanVariant {

    /** The plain GAN: G(z), D(x), no extra term. */
    GanVariant PLAIN = new GanVariant() {};

    /** Shapes (without batch) of the codes G receives after z. */
    default List<Shape> codeShapes() {
        return List.of();
    }

    /** Codes for {@code n} generated images, drawn from their prior. */
    default NDList sampleCodes(NDManager manager, int n) {
        return new NDList();
    }

    /** What D sees besides a real image, given the batch's labels. */
    default NDList realCondition(NDArray labels) {
        return new NDList();
    }

    /** What D sees besides a generated image, given the codes it was generated from. */
    default NDList fakeCondition(NDList codes) {
        return new NDList();
    }

    /** A term added to D's and G's losses from D's outputs on generated images; null for none. */
    default NDArray extraLoss(NDList discriminatorOutputs, NDList codes) {
        return null;
    }

    /**
     * Adam's learning rates {G, D} the variant's paper trained with (default: DCGAN's 2e-4 for
     * both).
     */
    default float[] learningRates() {
        return new float[] {2e-4f, 2e-4f};
    }
}
