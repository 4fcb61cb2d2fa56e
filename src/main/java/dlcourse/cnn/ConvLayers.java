package dlcourse.cnn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;

/** The few layer recipes the architectures share: convolutions with or without batch norm. */
final class ConvLayers {

    private ConvLayers() {}

    /** A k×k convolution, "same" padding for stride 1. */
    static Conv2d conv(int filters, int kernel, int stride, boolean bias) {
        return conv(filters, kernel, kernel, stride, bias);
    }

    /** A kh×kw convolution (kh ≠ kw for the factorised n×1 / 1×n layers), "same" padding. */
    static Conv2d conv(int filters, int kh, int kw, int stride, boolean bias) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kh, kw))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kh / 2, kw / 2))
                .optBias(bias)
                .build();
    }

    /**
     * conv → ReLU (the 2014 papers: bias, no normalisation) or conv → BN → ReLU (the bias is then
     * redundant, BN's shift replaces it; ε = 1e-3 as in torchvision's Inception).
     */
    static SequentialBlock convRelu(int filters, int kh, int kw, int stride, boolean batchNorm) {
        SequentialBlock b = new SequentialBlock().add(conv(filters, kh, kw, stride, !batchNorm));
        if (batchNorm) {
            b.add(BatchNorm.builder().optEpsilon(1e-3f).build());
        }
        return b.add(Activation.reluBlock());
    }

    static SequentialBlock convBn(int filters, int kernel, int stride) {
        return new SequentialBlock()
                .add(conv(filters, kernel, stride, false))
                .add(BatchNorm.builder().build());
    }

    static SequentialBlock convBnRelu(int filters, int kernel, int stride) {
        return convBn(filters, kernel, stride).add(Activation.reluBlock());
    }

    static SequentialBlock bnRelu() {
        return new SequentialBlock().add(BatchNorm.builder().build()).add(Activation.reluBlock());
    }

    static Block relu() {
        return Activation.reluBlock();
    }
}
