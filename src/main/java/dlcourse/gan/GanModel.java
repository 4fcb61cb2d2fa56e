package dlcourse.gan;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/**
 * A generator and a discriminator that play one game: G maps (z, codes) to an image of {@code
 * imageShape} with values in [−1, 1] (tanh); D maps (image, condition) to a logit first, then any
 * extra heads (InfoGAN's Q).
 */
public record GanModel(
        String name,
        Block generator,
        Block discriminator,
        int latentDim,
        Shape imageShape,
        GanVariant variant) {}
