package dlcourse.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import java.util.List;

/**
 * The blocks of lecture figure 36, from a plain stack of layers to the pre-activation residual
 * unit. F is "the layers" (convolutions with batch norm), x the block's input:
 *
 * <ul>
 *   <li>а {@link #plain}: y = F(x), no shortcut (the "plain" networks of the degradation
 *       experiment);
 *   <li>б, в {@link #residual}: y = F(x) + x, so ∂y/∂x = 1 + ∂F/∂x: the gradient always has a path
 *       that does not shrink;
 *   <li>г {@link #gated}: y = (1 − σ(f(x)))·x + σ(f(x))·F(x) with f a 1×1 convolution, a gate
 *       deciding per channel and position how much of F to let through (highway networks);
 *   <li>д {@link #original}: ResNet's block (He et al., CVPR 2016): y = ReLU(BN(conv(ReLU(BN(conv
 *       x)))) + x), the ReLU after the addition sits on the shortcut too;
 *   <li>е {@link #preActivation}: the identity-mapping block (He et al., ECCV 2016): y = x +
 *       conv(ReLU(BN(conv(ReLU(BN(x)))))), nothing on the shortcut at all;
 *   <li>{@link #bottleneck}: 1×1 reduce → 3×3 → 1×1 expand (×4), for ResNet-50/101/152.
 * </ul>
 *
 * When the block changes the shape (stride 2 or more channels), the shortcut becomes a 1×1
 * convolution with batch norm (the paper's option B, "projection").
 */
public final class ResidualBlock {

    private ResidualBlock() {}

    /** Figure 36 а: y = F(x). */
    public static Block plain(Block f) {
        return new SequentialBlock().add(f);
    }

    /** Figure 36 б, в: y = F(x) + x (F must keep the shape). */
    public static Block residual(Block f) {
        return add(f, Blocks.identityBlock());
    }

    /** Figure 36 г: y = (1 − σ(f(x)))·x + σ(f(x))·F(x), f a 1×1 convolution to {@code channels}. */
    public static Block gated(Block f, int channels) {
        Block gate = ConvLayers.conv(channels, 1, 1, true);
        return new ParallelBlock(
                outputs -> {
                    NDArray x = outputs.get(0).head();
                    NDArray fx = outputs.get(1).head();
                    NDArray t = Activation.sigmoid(outputs.get(2).head());
                    return new NDList(t.neg().add(1).mul(x).add(t.mul(fx))); // (1 − t)·x + t·F(x)
                },
                List.of(Blocks.identityBlock(), f, gate));
    }

    /** The two 3×3 convolutions of a basic block, post-activation order: conv-BN-ReLU-conv-BN. */
    public static SequentialBlock basicBody(int channels, int stride) {
        return ConvLayers.convBnRelu(channels, 3, stride).add(ConvLayers.convBn(channels, 3, 1));
    }

    /** Figure 36 д: y = ReLU(F(x) + shortcut(x)), F = conv-BN-ReLU-conv-BN. */
    public static Block original(int channels, int stride, boolean project) {
        return new SequentialBlock()
                .add(add(basicBody(channels, stride), shortcut(channels, stride, project)))
                .add(ConvLayers.relu());
    }

    /** The same layers without the shortcut: y = ReLU(F(x)), a block of a plain network. */
    public static Block plainBasic(int channels, int stride) {
        return new SequentialBlock().add(basicBody(channels, stride)).add(ConvLayers.relu());
    }

    /** Figure 36 е: y = shortcut(x) + conv(ReLU(BN(conv(ReLU(BN(x)))))). */
    public static Block preActivation(int channels, int stride, boolean project) {
        SequentialBlock f =
                ConvLayers.bnRelu()
                        .add(ConvLayers.conv(channels, 3, stride, false))
                        .add(ConvLayers.bnRelu())
                        .add(ConvLayers.conv(channels, 3, 1, false));
        return add(
                f, project ? ConvLayers.conv(channels, 1, stride, false) : Blocks.identityBlock());
    }

    /**
     * The bottleneck block of ResNet-50/101/152: 1×1 to {@code channels}, 3×3, 1×1 to 4·channels,
     * post-activation. The stride sits on the first 1×1 as in the paper (torchvision's "v1.5" moves
     * it to the 3×3; the weights are the same).
     */
    public static Block bottleneck(
            int channels, int stride, boolean project, boolean withShortcut) {
        SequentialBlock f =
                ConvLayers.convBnRelu(channels, 1, stride)
                        .add(ConvLayers.convBnRelu(channels, 3, 1))
                        .add(ConvLayers.convBn(4 * channels, 1, 1));
        Block body = withShortcut ? add(f, shortcut(4 * channels, stride, project)) : f;
        return new SequentialBlock().add(body).add(ConvLayers.relu());
    }

    /** Identity, or a 1×1 convolution with batch norm when the shape changes. */
    static Block shortcut(int channels, int stride, boolean project) {
        return project ? ConvLayers.convBn(channels, 1, stride) : Blocks.identityBlock();
    }

    /** Both paths on the same input, outputs added. */
    static Block add(Block f, Block shortcut) {
        return new ParallelBlock(
                outputs -> new NDList(outputs.get(0).head().add(outputs.get(1).head())),
                List.of(f, shortcut));
    }
}
