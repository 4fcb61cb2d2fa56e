package dlcourse.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * What a GAN variant adds to the plain game, so that one loop ({@link AdversarialTraining}) serves
 * GAN, DCGAN, conditional GAN, InfoGAN and SRGAN. The plain GAN adds nothing ({@link #PLAIN}).
 *
 * <ul>
 *   <li>G's inputs: by default noise z and codes; SRGAN: the real image at low resolution;
 *   <li>codes: inputs of G besides the noise z (cGAN: the requested class y; InfoGAN: the code c);
 *   <li>condition: what D is told besides the image (cGAN: y; the others: nothing);
 *   <li>an extra term added to both objectives (InfoGAN: −λ·L_I, the mutual-information bound);
 *   <li>a content term of G's objective alone, against which the adversarial term is weighted
 *       (SRGAN: l = l_content + 10⁻³·l_adversarial).
 * </ul>
 */
public interface GanVariant {

    /** The plain GAN: G(z), D(x), no extra term. */
    GanVariant PLAIN = new GanVariant() {};

    /** Shapes (without batch) of G's inputs: z, then the codes; SRGAN: the low-resolution image. */
    default List<Shape> generatorInputShapes(int latentDim) {
        List<Shape> shapes = new ArrayList<>(List.of(new Shape(latentDim)));
        shapes.addAll(codeShapes());
        return shapes;
    }

    /**
     * G's inputs for a batch of real images (in G's range [−1, 1]): the noise z and the codes;
     * SRGAN: the real images at low resolution.
     */
    default NDList generatorInputs(NDArray z, NDList codes, NDArray realImages) {
        NDList inputs = new NDList(z);
        inputs.addAll(codes);
        return inputs;
    }

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
     * A term of G's objective alone: how far its images are from the real ones they stand for
     * (SRGAN: the content loss); null for none.
     */
    default NDArray contentLoss(NDArray generated, NDArray realImages) {
        return null;
    }

    /** The weight of the adversarial term in G's objective (SRGAN: 10⁻³ against the content). */
    default float adversarialWeight() {
        return 1f;
    }

    /** Adam's β1 (default: DCGAN's 0.5; the paper found 0.9 made training oscillate). */
    default float beta1() {
        return 0.5f;
    }

    /**
     * Adam's learning rates {G, D} the variant's paper trained with (default: DCGAN's 2e-4 for
     * both).
     */
    default float[] learningRates() {
        return new float[] {2e-4f, 2e-4f};
    }
}
