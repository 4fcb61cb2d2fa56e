package dlcourse.rnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A recurrent layer written from NDArray operations (lecture, figures 39–41): a hidden state h_t
 * that depends on the current input and on its own previous value,
 *
 * <pre>
 *   h_t = tanh(W_xh · x_t + W_hh · h_{t−1} + b_h),      h_0 = 0
 * </pre>
 *
 * unrolled over the sequence ("слой RNN — это блок, развёрнутый во времени"). Back-propagation
 * through time is nothing special: the unrolled loop is an ordinary computation graph and the
 * engine's autograd differentiates it. The engine's {@link ai.djl.nn.recurrent.RNN} computes the
 * same function (tested to 1e-6) in one fused native call; use that one for training speed, this
 * one to see the idea. Input {@code (B, T, C)}, output all hidden states {@code (B, T, H)}.
 */
public final class Rnn extends AbstractBlock {

    private final int hidden;
    private final UnaryOperator<NDArray> activation;
    private final Parameter wxh;
    private final Parameter whh;
    private final Parameter bh;

    /** A tanh RNN with {@code hidden} units. */
    public Rnn(int hidden) {
        this(hidden, NDArray::tanh);
    }

    /** An RNN with another activation φ: h_t = φ(W_xh x_t + W_hh h_{t−1} + b_h). */
    public Rnn(int hidden, UnaryOperator<NDArray> activation) {
        this.hidden = hidden;
        this.activation = activation;
        wxh =
                addParameter(
                        Parameter.builder().setName("W_xh").setType(Parameter.Type.WEIGHT).build());
        whh =
                addParameter(
                        Parameter.builder().setName("W_hh").setType(Parameter.Type.WEIGHT).build());
        bh = addParameter(Parameter.builder().setName("b_h").setType(Parameter.Type.BIAS).build());
    }

    public int hidden() {
        return hidden;
    }

    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        super.beforeInitialize(inputShapes);
        long in = inputShapes[0].get(2);
        wxh.setShape(new Shape(hidden, in));
        whh.setShape(new Shape(hidden, hidden));
        bh.setShape(new Shape(hidden));
    }

    /** One step of figure 41: {@code (B, C), (B, H) -> (B, H)}. */
    public NDArray step(NDArray xt, NDArray h, NDArray wx, NDArray wh, NDArray b) {
        return activation.apply(xt.matMul(wx.transpose()).add(h.matMul(wh.transpose())).add(b));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, T, C)
        var dev = x.getDevice();
        NDArray wx = ps.getValue(wxh, dev, training);
        NDArray wh = ps.getValue(whh, dev, training);
        NDArray b = ps.getValue(bh, dev, training);
        long batch = x.getShape().get(0);
        long steps = x.getShape().get(1);
        NDArray h =
                inputs.size() > 1
                        ? inputs.get(1)
                        : x.getManager().zeros(new Shape(batch, hidden), x.getDataType());
        List<NDArray> states = new ArrayList<>();
        for (long t = 0; t < steps; t++) {
            h = step(x.get(new NDIndex(":, {}, :", t)), h, wx, wh, b); // (B, H)
            states.add(h);
        }
        return new NDList(NDArrays.stack(new NDList(states), 1)); // (B, T, H)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), s.get(1), hidden)};
    }

    /**
     * Copies the weights of the engine's single-layer {@link ai.djl.nn.recurrent.RNN} (already
     * initialised) into this block (initialised with the same input shape). The engine keeps two
     * biases (input-to-hidden and hidden-to-hidden); they only ever appear as a sum.
     */
    public void copyFrom(ai.djl.nn.recurrent.RNN engine) {
        var p = engine.getParameters();
        wxh.getArray().set(p.get("l_0_i2h_WEIGHT").getArray().toFloatArray());
        whh.getArray().set(p.get("l_0_h2h_WEIGHT").getArray().toFloatArray());
        bh.getArray()
                .set(
                        p.get("l_0_i2h_BIAS")
                                .getArray()
                                .add(p.get("l_0_h2h_BIAS").getArray())
                                .toFloatArray());
    }
}
