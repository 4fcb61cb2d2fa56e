package dlcourse.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import java.util.List;

/**
 * InfoGAN: Chen, Duan, Houthooft, Schulman, Sutskever, Abbeel, "InfoGAN: Interpretable
 * Representation Learning by Information Maximizing Generative Adversarial Nets", NIPS 2016
 * (lecture figure 38 б).
 *
 * <p>G's input is split into incompressible noise z and a code c with a factorised prior: one
 * categorical code (10 values, uniform) and continuous codes (uniform on [−1, 1]). Nothing forces G
 * to use c, so the objective adds the mutual information I(c; G(z, c)) through its variational
 * lower bound L_I = E[log Q(c | G(z, c))] + H(c), with weight λ. Q shares D's convolutional body
 * and adds one small head (the lecture: «добавляется один полносвязный слой»): logits of the
 * categorical code and the means of the continuous codes (a Gaussian with unit variance, so −log Q
 * is ½‖c − μ‖² up to a constant). H(c) is constant and dropped.
 *
 * <p>Q is trained with D's parameters in the D step and G is pushed to make c recoverable in the G
 * step: the term −λ·L_I is added to both losses. On MNIST the paper found the categorical code
 * aligned with digit classes (≈5 % error) and the continuous ones with width and slant.
 */
public final class InfoGan implements GanVariant {

    private final int categories;
    private final int continuous;
    private final float lambda;
    private final float lambdaContinuous;

    private InfoGan(int categories, int continuous, float lambda, float lambdaContinuous) {
        this.categories = categories;
        this.continuous = continuous;
        this.lambda = lambda;
        this.lambdaContinuous = lambdaContinuous;
    }

    /**
     * The paper's MNIST set-up on the DCGAN architecture: a 10-way categorical code, 2 continuous
     * codes, λ = 1 for the categorical term and λ = 0.1 for the continuous ones (their
     * log-likelihood is multiplied by 0.1, as in common implementations).
     */
    public static GanModel dcgan(int width, int noiseDim) {
        return dcgan(width, noiseDim, 10, 2, 1f, 0.1f);
    }

    public static GanModel dcgan(
            int width,
            int noiseDim,
            int categories,
            int continuous,
            float lambda,
            float lambdaContinuous) {
        InfoGan codes = new InfoGan(categories, continuous, lambda, lambdaContinuous);
        return new GanModel(
                "infogan",
                Dcgan.generator(width, 1),
                discriminator(width, categories + continuous, categories),
                noiseDim,
                new Shape(1, 28, 28),
                codes);
    }

    /**
     * D and Q on one body: image → (logit (B, 1), categorical logits (B, K), continuous means (B,
     * L)).
     */
    static Block discriminator(int width, int qOutputs, int categories) {
        Block dHead =
                new SequentialBlock()
                        .add(
                                Conv2d.builder()
                                        .setKernelShape(new Shape(7, 7))
                                        .setFilters(1)
                                        .build()) // (B, 1, 1, 1)
                        .add(Blocks.batchFlattenBlock()); // (B, 1)
        Block qHead =
                new SequentialBlock()
                        .add(
                                Conv2d.builder()
                                        .setKernelShape(new Shape(7, 7))
                                        .setFilters(2 * width)
                                        .optBias(false)
                                        .build())
                        .add(BatchNorm.builder().build())
                        .add(GanBlocks.leakyRelu()) // (B, 2w, 1, 1)
                        .add(
                                Conv2d.builder()
                                        .setKernelShape(new Shape(1, 1))
                                        .setFilters(qOutputs)
                                        .build())
                        .add(Blocks.batchFlattenBlock()); // (B, K + L)
        Block heads =
                new ParallelBlock(
                        outs -> {
                            NDArray q = outs.get(1).head();
                            return new NDList(
                                    outs.get(0).head(),
                                    q.get(":, :{}", categories),
                                    q.get(":, {}:", categories));
                        },
                        List.of(dHead, qHead));
        return Dcgan.paperInit(
                new SequentialBlock().add(Dcgan.body(width)).add(heads)); // (B, 2w, 7, 7) -> heads
    }

    @Override
    public List<Shape> codeShapes() {
        return List.of(new Shape(categories), new Shape(continuous));
    }

    /** c ~ p(c): a uniform categorical code (one-hot) and uniform continuous codes on [−1, 1]. */
    @Override
    public NDList sampleCodes(NDManager manager, int n) {
        NDArray cat =
                manager.randomInteger(0, categories, new Shape(n), DataType.INT32)
                        .oneHot(categories);
        NDArray cont = manager.randomUniform(-1f, 1f, new Shape(n, continuous));
        return new NDList(cat, cont);
    }

    /** −λ·L_I (up to the constant H(c)): cross-entropy of the categorical code plus ½‖c − μ‖². */
    @Override
    public NDArray extraLoss(NDList dOut, NDList codes) {
        NDArray logQ = dOut.get(1).logSoftmax(1);
        NDArray categorical = codes.get(0).mul(logQ).sum(new int[] {1}).neg().mean();
        NDArray gaussian =
                codes.get(1).sub(dOut.get(2)).square().sum(new int[] {1}).mul(0.5f).mean();
        return categorical.add(gaussian.mul(lambdaContinuous)).mul(lambda);
    }

    /**
     * The paper's rates for MNIST (and OpenAI's reference code): G 1e-3, D and Q 2e-4. With DCGAN's
     * 2e-4 for both, the laptop-profile run on Fashion-MNIST matched codes to classes at 0.196
     * (chance 0.10); with these, at 0.517 (docs/gan.md).
     */
    @Override
    public float[] learningRates() {
        return new float[] {1e-3f, 2e-4f};
    }

    /**
     * Codes for a traversal: category {@code k} (one-hot) with given continuous values, n copies.
     */
    public static NDList code(NDManager manager, int categories, int k, float[] continuousValues) {
        NDArray cat = manager.full(new Shape(1), k, DataType.INT32).oneHot(categories);
        NDArray cont = manager.create(continuousValues).reshape(1, continuousValues.length);
        return new NDList(cat, cont);
    }
}
