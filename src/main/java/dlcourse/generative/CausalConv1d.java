package dlcourse.generative;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A causal, dilated 1-D convolution (WaveNet, lecture figure 46 а): output t sees inputs t, t − d,
 * …, t − (k − 1)·d only, never the future. The engine's Conv1d pads symmetrically, so the sequence
 * is padded on the left by (k − 1)·d zeros and convolved without padding: (B, C, T) → (B, filters,
 * T).
 */
public final class CausalConv1d extends AbstractBlock {

    private final int kernel;
    private final int dilation;
    private final Conv1d conv;

    public CausalConv1d(int filters, int kernel, int dilation) {
        this.kernel = kernel;
        this.dilation = dilation;
        this.conv =
                addChildBlock(
                        "conv",
                        Conv1d.builder()
                                .setFilters(filters)
                                .setKernelShape(new Shape(kernel))
                                .optDilation(new Shape(dilation))
                                .build());
    }

    /** How many past inputs (itself included) one output sees: (k − 1)·d + 1. */
    public int receptiveField() {
        return (kernel - 1) * dilation + 1;
    }

    private int leftPad() {
        return (kernel - 1) * dilation;
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        conv.initialize(manager, dataType, new Shape(s.get(0), s.get(1), s.get(2) + leftPad()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {
            new Shape(
                    s.get(0),
                    conv
                            .getOutputShapes(
                                    new Shape[] {
                                        new Shape(s.get(0), s.get(1), s.get(2) + leftPad())
                                    })[0]
                            .get(1),
                    s.get(2))
        };
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, C, T)
        Shape s = x.getShape();
        NDArray padded =
                leftPad() == 0
                        ? x
                        : NDArrays.concat(
                                new NDList(
                                        x.getManager()
                                                .zeros(
                                                        new Shape(s.get(0), s.get(1), leftPad()),
                                                        x.getDataType()),
                                        x),
                                2); // (B, C, pad + T)
        return conv.forward(ps, new NDList(padded), training, params); // (B, F, T)
    }
}
