package dlcourse.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;

/** Small parameter-free blocks the GAN architectures share. */
public final class GanBlocks {

    private GanBlocks() {}

    /** The discriminators' activation: leaky ReLU with slope 0.2 (DCGAN, SRGAN). */
    public static Block leakyRelu() {
        return new LambdaBlock(list -> Activation.leakyRelu(list, 0.2f), "leaky-relu-0.2");
    }

    /** (z, c1, c2 …) each (B, ·) → (B, Σ): the generator's input vector. */
    static Block concatVectors() {
        return new LambdaBlock(
                list ->
                        list.size() == 1
                                ? new NDList(list.head())
                                : new NDList(NDArrays.concat(list, 1)),
                "concat");
    }

    /** (B, C) → (B, C, 1, 1): a vector as a 1×1 image, for the first transposed convolution. */
    static Block asImage() {
        return new LambdaBlock(
                list -> {
                    NDArray v = list.head();
                    return new NDList(v.reshape(v.getShape().get(0), v.getShape().get(1), 1, 1));
                },
                "as1x1");
    }

    /**
     * (x (B, C, H, W), y (B, K)) → (B, C + K, H, W): the condition as K constant planes (cGAN's D).
     */
    static Block withConditionPlanes() {
        return new LambdaBlock(
                list -> {
                    NDArray x = list.head();
                    if (list.size() == 1) {
                        return new NDList(x);
                    }
                    NDArray y = list.get(1);
                    Shape s = x.getShape();
                    NDArray planes =
                            y.reshape(s.get(0), y.getShape().get(1), 1, 1)
                                    .broadcast(
                                            new Shape(
                                                    s.get(0),
                                                    y.getShape().get(1),
                                                    s.get(2),
                                                    s.get(3)));
                    return new NDList(NDArrays.concat(new NDList(x, planes), 1));
                },
                "condition-planes");
    }
}
