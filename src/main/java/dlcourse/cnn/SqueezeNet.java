package dlcourse.cnn;

import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * SqueezeNet (the lecture's remark on resource-lean models): Iandola et al., "SqueezeNet:
 * AlexNet-level accuracy with 50x fewer parameters and &lt;0.5MB model size", 2016.
 *
 * <p>Its unit, the fire module: a 1×1 "squeeze" layer to few channels, then 1×1 and 3×3 "expand"
 * layers side by side, concatenated. No fully connected layer: a 1×1 convolution to the classes and
 * global average pooling. About 1.2 M weights.
 *
 * <p>Both versions as data: in each token {@code conv64/3} is the stem convolution (64 filters,
 * 3×3, stride 2), {@code pool} a 3×3/2 max pooling, {@code 16:64} a fire module with 16 squeeze and
 * 64 + 64 expand channels. (DJL's model zoo has version 1.1 only.)
 */
public final class SqueezeNet {

    /** The two published versions. */
    public enum Version {
        V1_0("conv96/7 pool 16:64 16:64 32:128 pool 32:128 48:192 48:192 64:256 pool 64:256"),
        V1_1("conv64/3 pool 16:64 16:64 pool 32:128 32:128 pool 48:192 48:192 64:256 64:256");

        public final String layers;

        Version(String layers) {
            this.layers = layers;
        }
    }

    private SqueezeNet() {}

    public static Block build(Version version, int classes) {
        SequentialBlock net = new SequentialBlock();
        for (String token : version.layers.split(" ")) {
            if (token.equals("pool")) {
                net.add(
                        Pool.maxPool2dBlock(
                                new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), true));
            } else if (token.startsWith("conv")) {
                String[] p = token.substring(4).split("/");
                int k = Integer.parseInt(p[1]);
                net.add(
                        new SequentialBlock()
                                .add(
                                        Conv2d.builder()
                                                .setFilters(Integer.parseInt(p[0]))
                                                .setKernelShape(new Shape(k, k))
                                                .optStride(new Shape(2, 2))
                                                .build())
                                .add(ConvLayers.relu()));
            } else {
                String[] p = token.split(":");
                net.add(fire(Integer.parseInt(p[0]), Integer.parseInt(p[1])));
            }
        }
        // classifier: dropout, 1×1 conv to the classes, ReLU, global average pooling -> (B,
        // classes)
        return net.add(Dropout.builder().optRate(0.5f).build())
                .add(ConvLayers.conv(classes, 1, 1, true))
                .add(ConvLayers.relu())
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock());
    }

    /** squeeze 1×1 → ReLU → [expand 1×1, expand 3×3] → ReLU → concat: (B, 2·expand, H, W). */
    static Block fire(int squeeze, int expand) {
        Block expandBoth =
                new ParallelBlock(
                        outs ->
                                new NDList(
                                        NDArrays.concat(
                                                new NDList(outs.get(0).head(), outs.get(1).head()),
                                                1)),
                        List.of(
                                new SequentialBlock()
                                        .add(ConvLayers.conv(expand, 1, 1, true))
                                        .add(ConvLayers.relu()),
                                new SequentialBlock()
                                        .add(ConvLayers.conv(expand, 3, 1, true))
                                        .add(ConvLayers.relu())));
        return new SequentialBlock()
                .add(ConvLayers.conv(squeeze, 1, 1, true))
                .add(ConvLayers.relu())
                .add(expandBoth);
    }
}
