package dlcourse.rnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An LSTM layer written from the lecture's six equations (figure 45), unrolled over time:
 *
 * <pre>
 *   ĉ_t = tanh(W_xc x_t + W_hc h_{t−1} + b_c)                 candidate cell state
 *   i_t = σ(W_xi x_t + W_hi h_{t−1} [+ p_i ⊙ c_{t−1}] + b_i)    input gate
 *   f_t = σ(W_xf x_t + W_hf h_{t−1} [+ p_f ⊙ c_{t−1}] + b_f)    forget gate
 *   o_t = σ(W_xo x_t + W_ho h_{t−1} [+ p_o ⊙ c_t]     + b_o)    output gate
 *   c_t = f_t ⊙ c_{t−1} + i_t ⊙ ĉ_t                           cell state
 *   h_t = o_t ⊙ tanh(c_t)                                      block output
 * </pre>
 *
 * The bracketed terms are the optional peepholes (Gers, Schraudolph, Schmidhuber, "Learning precise
 * timing with LSTM recurrent networks", JMLR 2002): diagonal connections from the cell. The forget
 * bias b_f starts at {@link Builder#optForgetBias} (default 1, the lecture's advice: σ(1) ≈ 0.73,
 * so the cell starts out remembering). Gates can be fixed to constants to show that a plain RNN is
 * an LSTM with f = 0, i = o = 1, or that f ≡ 1 makes the constant error carousel.
 *
 * <p>Without peepholes it computes the same function as the engine's {@link
 * ai.djl.nn.recurrent.LSTM} (tested; see {@link #copyFrom}). Use the engine's layer to train, this
 * one to read and probe. Input {@code (B, T, C)}, output hidden states {@code (B, T, H)}.
 */
public final class Lstm extends AbstractBlock {

    /** The gates' names in the lecture's order, also the parameter suffixes. */
    private static final String[] GATES = {"c", "i", "f", "o"};

    private final int hidden;
    private final boolean peepholes;
    private final float forgetBias;
    private final Float fixedF;
    private final Float fixedI;
    private final Float fixedO;
    private final Map<String, Parameter> p = new LinkedHashMap<>();

    private Lstm(Builder b) {
        hidden = b.hidden;
        peepholes = b.peepholes;
        forgetBias = b.forgetBias;
        fixedF = b.fixedF;
        fixedI = b.fixedI;
        fixedO = b.fixedO;
        for (String g : GATES) {
            p.put(
                    "W_x" + g,
                    addParameter(
                            Parameter.builder()
                                    .setName("W_x" + g)
                                    .setType(Parameter.Type.WEIGHT)
                                    .build()));
            p.put(
                    "W_h" + g,
                    addParameter(
                            Parameter.builder()
                                    .setName("W_h" + g)
                                    .setType(Parameter.Type.WEIGHT)
                                    .build()));
            p.put(
                    "b_" + g,
                    addParameter(
                            Parameter.builder()
                                    .setName("b_" + g)
                                    .setType(Parameter.Type.BIAS)
                                    .build()));
        }
        if (peepholes) {
            for (String g : new String[] {"i", "f", "o"}) { // diagonal weights, start at 0
                p.put(
                        "p_" + g,
                        addParameter(
                                Parameter.builder()
                                        .setName("p_" + g)
                                        .setType(Parameter.Type.BIAS)
                                        .build()));
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public int hidden() {
        return hidden;
    }

    /** A parameter by the lecture's name: {@code W_xf}, {@code W_hi}, {@code b_f}, {@code p_o} … */
    public Parameter parameter(String name) {
        return p.get(name);
    }

    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        super.beforeInitialize(inputShapes);
        long in = inputShapes[0].get(2);
        for (String g : GATES) {
            p.get("W_x" + g).setShape(new Shape(hidden, in));
            p.get("W_h" + g).setShape(new Shape(hidden, hidden));
            p.get("b_" + g).setShape(new Shape(hidden));
        }
        if (peepholes) {
            for (String g : new String[] {"i", "f", "o"}) {
                p.get("p_" + g).setShape(new Shape(hidden));
            }
        }
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initialize(manager, dataType, inputShapes);
        p.get("b_f").getArray().addi(forgetBias); // biases start at 0; the forget gate's at b_f
    }

    /** Gate values and state after one step, all {@code (B, H)}. */
    public record Step(
            NDArray candidate,
            NDArray input,
            NDArray forget,
            NDArray output,
            NDArray cell,
            NDArray hidden) {}

    /** The six equations for one time step: {@code x_t (B, C)}, {@code h, c (B, H)}. */
    public Step step(NDArray xt, NDArray h, NDArray c, Map<String, NDArray> w) {
        NDArray cand = affine("c", xt, h, w).tanh();
        NDArray i = fixedI != null ? full(h, fixedI) : gate("i", xt, h, c, w);
        NDArray f = fixedF != null ? full(h, fixedF) : gate("f", xt, h, c, w);
        NDArray cNew = f.mul(c).add(i.mul(cand));
        NDArray o = fixedO != null ? full(h, fixedO) : gate("o", xt, h, cNew, w);
        return new Step(cand, i, f, o, cNew, o.mul(cNew.tanh()));
    }

    private NDArray affine(String g, NDArray xt, NDArray h, Map<String, NDArray> w) {
        return xt.matMul(w.get("W_x" + g).transpose())
                .add(h.matMul(w.get("W_h" + g).transpose()))
                .add(w.get("b_" + g));
    }

    private NDArray gate(String g, NDArray xt, NDArray h, NDArray cell, Map<String, NDArray> w) {
        NDArray z = affine(g, xt, h, w);
        return Activation.sigmoid(peepholes ? z.add(cell.mul(w.get("p_" + g))) : z);
    }

    private static NDArray full(NDArray like, float value) {
        return like.zerosLike().add(value);
    }

    /**
     * Runs the sequence {@code (B, T, C)} from zero state and returns every step (for plots and
     * probes).
     */
    public List<Step> trace(NDArray x) {
        return trace(x, null, null);
    }

    /**
     * The same from given states {@code h_0, c_0 (B, H)} (null = zeros), e.g. to differentiate c_T
     * by c_0.
     */
    public List<Step> trace(NDArray x, NDArray h0, NDArray c0) {
        Map<String, NDArray> w = new LinkedHashMap<>();
        p.forEach((name, param) -> w.put(name, param.getArray()));
        return unroll(x, h0, c0, w);
    }

    private List<Step> unroll(NDArray x, NDArray h, NDArray c, Map<String, NDArray> w) {
        long batch = x.getShape().get(0);
        long steps = x.getShape().get(1);
        Shape state = new Shape(batch, hidden);
        h = h != null ? h : x.getManager().zeros(state, x.getDataType());
        c = c != null ? c : x.getManager().zeros(state, x.getDataType());
        List<Step> out = new ArrayList<>();
        for (long t = 0; t < steps; t++) {
            Step s = step(x.get(new NDIndex(":, {}, :", t)), h, c, w);
            h = s.hidden();
            c = s.cell();
            out.add(s);
        }
        return out;
    }

    /**
     * Inputs: {@code x (B, T, C)} and optionally {@code h_0, c_0 (B, H)}. Output: {@code h (B, T,
     * H)}.
     */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        Map<String, NDArray> w = new LinkedHashMap<>();
        p.forEach((name, param) -> w.put(name, ps.getValue(param, x.getDevice(), training)));
        List<Step> steps =
                unroll(
                        x,
                        inputs.size() > 1 ? inputs.get(1) : null,
                        inputs.size() > 2 ? inputs.get(2) : null,
                        w);
        NDList hs = new NDList();
        steps.forEach(s -> hs.add(s.hidden()));
        return new NDList(NDArrays.stack(hs, 1)); // (B, T, H)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), s.get(1), hidden)};
    }

    /**
     * Copies the weights of the engine's single-layer {@link ai.djl.nn.recurrent.LSTM} (both
     * initialised). The engine stacks the four gates' rows in PyTorch's order <b>input, forget,
     * cell candidate, output</b> in {@code l_0_i2h_WEIGHT (4H, C)} and {@code l_0_h2h_WEIGHT (4H,
     * H)}, and keeps two biases that only appear as a sum.
     */
    public void copyFrom(ai.djl.nn.recurrent.LSTM engine) {
        var ep = engine.getParameters();
        NDArray wi = ep.get("l_0_i2h_WEIGHT").getArray();
        NDArray wh = ep.get("l_0_h2h_WEIGHT").getArray();
        NDArray b = ep.get("l_0_i2h_BIAS").getArray().add(ep.get("l_0_h2h_BIAS").getArray());
        String[] engineOrder = {"i", "f", "c", "o"};
        for (int k = 0; k < 4; k++) {
            NDIndex rows = new NDIndex("{}:{}", k * hidden, (k + 1) * hidden);
            String g = engineOrder[k];
            p.get("W_x" + g).getArray().set(wi.get(rows).toFloatArray());
            p.get("W_h" + g).getArray().set(wh.get(rows).toFloatArray());
            p.get("b_" + g).getArray().set(b.get(rows).toFloatArray());
        }
    }

    /** Settings; all optional except the state size. */
    public static final class Builder {
        private int hidden;
        private boolean peepholes;
        private float forgetBias = 1f;
        private Float fixedF;
        private Float fixedI;
        private Float fixedO;

        public Builder setStateSize(int hidden) {
            this.hidden = hidden;
            return this;
        }

        /**
         * Peephole connections from the cell to the gates (default off, like the engine's LSTM).
         */
        public Builder optPeepholes(boolean on) {
            this.peepholes = on;
            return this;
        }

        /** Initial forget-gate bias (default 1: σ(1) ≈ 0.73; the lecture advises 1–2). */
        public Builder optForgetBias(float b) {
            this.forgetBias = b;
            return this;
        }

        /** No forget gate: f_t ≡ 1, the constant error carousel of the original 1997 LSTM. */
        public Builder optNoForgetGate() {
            this.fixedF = 1f;
            return this;
        }

        /**
         * Fixes gates to constants (null keeps a gate learned): f=0, i=1, o=1 gives a plain RNN.
         */
        public Builder optFixedGates(Float forget, Float input, Float output) {
            this.fixedF = forget;
            this.fixedI = input;
            this.fixedO = output;
            return this;
        }

        public Lstm build() {
            if (hidden <= 0) {
                throw new IllegalArgumentException(
                        "задайте размер состояния: setStateSize(H), H > 0");
            }
            return new Lstm(this);
        }
    }
}
