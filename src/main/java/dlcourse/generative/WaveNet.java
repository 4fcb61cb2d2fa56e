package dlcourse.generative;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A small WaveNet: van den Oord et al., "WaveNet: A Generative Model for Raw Audio", 2016 (lecture
 * figure 46 б). An autoregressive model p(x) = Π p(x_t | x_1 … x_{t−1}): output t is a distribution
 * over the next (quantised) value, computed from inputs up to t only.
 *
 * <p>A causal input convolution, then layers of dilated causal convolutions with dilations 1, 2, 4,
 * … (the receptive field doubles per layer), each with the gated activation tanh(W_f ∗ x) ⊙ σ(W_g ∗
 * x), a 1×1 convolution back into the residual stream (residual connection) and another into the
 * skip stream; the summed skips go through ReLU, 1×1, ReLU, 1×1 to class scores: (B, 1, T) → (B,
 * classes, T).
 */
public final class WaveNet extends AbstractBlock {

    private final CausalConv1d input;
    private final List<CausalConv1d> filters = new ArrayList<>();
    private final List<CausalConv1d> gates = new ArrayList<>();
    private final List<Conv1d> residuals = new ArrayList<>();
    private final List<Conv1d> skips = new ArrayList<>();
    private final Conv1d hidden;
    private final Conv1d output;
    private final int[] dilations;

    /**
     * @param layers dilated layers, dilations 1, 2, …, 2^(layers−1)
     * @param channels residual (and skip) channels
     * @param classes number of quantisation levels predicted per step
     */
    public WaveNet(int layers, int channels, int classes) {
        input = addChildBlock("input", new CausalConv1d(channels, 2, 1));
        dilations = new int[layers];
        for (int i = 0; i < layers; i++) {
            dilations[i] = 1 << i;
            filters.add(addChildBlock("filter" + i, new CausalConv1d(channels, 2, dilations[i])));
            gates.add(addChildBlock("gate" + i, new CausalConv1d(channels, 2, dilations[i])));
            residuals.add(addChildBlock("residual" + i, pointwise(channels)));
            skips.add(addChildBlock("skip" + i, pointwise(channels)));
        }
        hidden = addChildBlock("hidden", pointwise(channels));
        output = addChildBlock("output", pointwise(classes));
    }

    private static Conv1d pointwise(int filters) {
        return Conv1d.builder().setFilters(filters).setKernelShape(new Shape(1)).build();
    }

    /** Inputs one output depends on: 1 + (input conv) 1 + Σ dilations = 2^layers + 1. */
    public int receptiveField() {
        int r = input.receptiveField();
        for (int d : dilations) {
            r += d;
        }
        return r;
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        input.initialize(manager, dataType, s);
        Shape stream = input.getOutputShapes(new Shape[] {s})[0];
        for (int i = 0; i < dilations.length; i++) {
            filters.get(i).initialize(manager, dataType, stream);
            gates.get(i).initialize(manager, dataType, stream);
            residuals.get(i).initialize(manager, dataType, stream);
            skips.get(i).initialize(manager, dataType, stream);
        }
        hidden.initialize(manager, dataType, stream);
        output.initialize(manager, dataType, stream);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {
            new Shape(
                    s.get(0),
                    output.getOutputShapes(new Shape[] {new Shape(s.get(0), 1, s.get(2))})[0].get(
                            1),
                    s.get(2))
        };
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = input.forward(ps, inputs, training).head(); // (B, R, T)
        NDArray skipSum = null;
        for (int i = 0; i < dilations.length; i++) {
            NDList in = new NDList(x);
            NDArray f = filters.get(i).forward(ps, in, training).head().tanh(); // (B, R, T)
            NDArray g = Activation.sigmoid(gates.get(i).forward(ps, in, training).head());
            NDList h = new NDList(f.mul(g)); // gated activation
            x = x.add(residuals.get(i).forward(ps, h, training).head()); // residual connection
            NDArray s = skips.get(i).forward(ps, h, training).head(); // skip connection
            skipSum = skipSum == null ? s : skipSum.add(s);
        }
        NDArray y = hidden.forward(ps, new NDList(Activation.relu(skipSum)), training).head();
        return output.forward(ps, new NDList(Activation.relu(y)), training); // (B, classes, T)
    }
}
