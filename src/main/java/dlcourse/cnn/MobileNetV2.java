package dlcourse.cnn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;

/**
 * MobileNetV2 (the lecture's remark on resource-lean models): Sandler et al., "MobileNetV2:
 * Inverted Residuals and Linear Bottlenecks", CVPR 2018.
 *
 * <p>Its unit, the inverted residual: 1×1 expansion (×t) → 3×3 <i>depthwise</i> convolution (one
 * filter per channel: 9·C weights instead of 9·C²) → 1×1 linear projection, with a shortcut when
 * the shape is kept. 3.5 M weights against ResNet-50's 25.6 M.
 *
 * <p>Built here rather than taken from DJL's model zoo: DJL 0.36's {@code MobileNetV2} has 320
 * weights more than the reference (3 505 192 vs 3 504 872, torchvision).
 */
public final class MobileNetV2 {

    /** The paper's table 2: expansion t, channels c, repeats n, first stride s. */
    public static final int[][] SETTINGS = {
        {1, 16, 1, 1},
        {6, 24, 2, 2},
        {6, 32, 3, 2},
        {6, 64, 4, 2},
        {6, 96, 3, 1},
        {6, 160, 3, 2},
        {6, 320, 1, 1},
    };

    private MobileNetV2() {}

    /** The canonical network (3×224×224, 1000 classes, width multiplier 1). */
    public static Block build(int classes) {
        SequentialBlock net = new SequentialBlock();
        net.add(convBnRelu6(32, 3, 2, 1)); // (B, 3, 224, 224) -> (B, 32, 112, 112)
        int in = 32;
        for (int[] s : SETTINGS) { // -> … -> (B, 320, 7, 7)
            SequentialBlock stage = new SequentialBlock();
            for (int i = 0; i < s[2]; i++) {
                stage.add(invertedResidual(in, s[1], i == 0 ? s[3] : 1, s[0]));
                in = s[1];
            }
            net.add(stage);
        }
        net.add(convBnRelu6(1280, 1, 1, 1)); // -> (B, 1280, 7, 7)
        return net.add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Dropout.builder().optRate(0.2f).build())
                .add(Linear.builder().setUnits(classes).build());
    }

    /** 1×1 expand (skipped when t = 1) → 3×3 depthwise → 1×1 project, no ReLU after projecting. */
    static Block invertedResidual(int in, int out, int stride, int expansion) {
        int hidden = in * expansion;
        SequentialBlock f = new SequentialBlock();
        if (expansion != 1) {
            f.add(convBnRelu6(hidden, 1, 1, 1));
        }
        f.add(convBnRelu6(hidden, 3, stride, hidden)).add(ConvLayers.convBn(out, 1, 1));
        return stride == 1 && in == out ? ResidualBlock.add(f, Blocks.identityBlock()) : f;
    }

    private static SequentialBlock convBnRelu6(int filters, int kernel, int stride, int groups) {
        return new SequentialBlock()
                .add(
                        Conv2d.builder()
                                .setFilters(filters)
                                .setKernelShape(new Shape(kernel, kernel))
                                .optStride(new Shape(stride, stride))
                                .optPadding(new Shape(kernel / 2, kernel / 2))
                                .optGroups(groups)
                                .optBias(false)
                                .build())
                .add(BatchNorm.builder().build())
                .add(Activation.relu6Block());
    }
}
