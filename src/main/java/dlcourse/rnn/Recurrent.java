package dlcourse.rnn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.nn.recurrent.RNN;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Small pieces shared by the recurrent models: engine layers, heads, gradient probes. */
public final class Recurrent {

    private Recurrent() {}

    /** The engine's tanh RNN, one layer, batch first: {@code (B, T, C) -> (B, T, H)}. */
    public static RNN engineRnn(int hidden) {
        return RNN.builder()
                .setStateSize(hidden)
                .setNumLayers(1)
                .optBatchFirst(true)
                .setActivation(RNN.Activation.TANH)
                .build();
    }

    /**
     * The engine's LSTM, one layer, batch first, with the forget-gate bias set to {@code
     * forgetBias} after initialisation (the engine has no such option; it starts at 0). The forget
     * gate then starts at f = σ(b_f): it keeps a fraction f of the cell per step, so a value
     * written into the cell fades with a time constant of about 1 / (1 − f) steps (b_f = 1: 3.7
     * steps; 2: 8.4; 5: 150).
     */
    public static Block engineLstm(int hidden, float forgetBias) {
        return new GateBiasInit(
                LSTM.builder().setStateSize(hidden).setNumLayers(1).optBatchFirst(true).build(),
                hidden,
                (bias, forget, input) -> bias.set(forget, forgetBias));
    }

    /**
     * The engine's LSTM with <em>chrono initialisation</em> (Tallec &amp; Ollivier, "Can recurrent
     * neural networks warp time?", ICLR 2018): b_f = log u and b_i = −b_f with u ~ U[1, T − 1]
     * drawn per unit, where T is the longest dependency expected. Unit j then starts with a forget
     * time constant of about u_j steps, so the layer's memories span every range up to T at
     * initialisation, instead of the few steps a fixed bias of 1–2 gives.
     */
    public static Block engineLstmChrono(int hidden, int longestDependency) {
        if (longestDependency < 3) {
            throw new IllegalArgumentException(
                    "хроно-инициализации нужна зависимость не короче 3 шагов, а не "
                            + longestDependency);
        }
        return new GateBiasInit(
                LSTM.builder().setStateSize(hidden).setNumLayers(1).optBatchFirst(true).build(),
                hidden,
                (bias, forget, input) -> {
                    NDArray bf =
                            bias.getManager()
                                    .randomUniform(1f, longestDependency - 1f, new Shape(hidden))
                                    .log();
                    bias.set(forget, bf);
                    bias.set(input, bf.neg());
                });
    }

    /**
     * The first block of type {@code type} inside {@code net} (depth first), e.g. the engine's LSTM
     * of a trained model.
     */
    public static <T extends Block> T find(Block net, Class<T> type) {
        if (type.isInstance(net)) {
            return type.cast(net);
        }
        for (var child : net.getChildren()) {
            T found = find(child.getValue(), type);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** {@code (B, T, H) -> (B, H)}: the state after the last step. */
    public static Block lastStep() {
        return new LambdaBlock(
                list -> new NDList(list.head().get(new NDIndex(":, -1, :"))), "lastStep");
    }

    /** Sequence in, {@code outputs} numbers out: recurrent layer, last state, linear read-out. */
    public static SequentialBlock regressor(Block recurrent, int outputs) {
        return new SequentialBlock()
                .add(recurrent)
                .add(lastStep())
                .add(Linear.builder().setUnits(outputs).build());
    }

    /**
     * How strongly the last hidden state depends on each input: ‖∂(Σ h_T)/∂x_t‖ for t = 0…T−1,
     * averaged over the batch. Measures vanishing (or exploding) gradients through time.
     *
     * @param net an initialised block mapping {@code (B, T, C)} to {@code (B, T, H)}
     */
    public static double[] inputGradientNorms(Block net, NDArray x) {
        NDManager m = x.getManager();
        try (NDManager sub = m.newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray xin = x.duplicate();
            xin.attach(sub);
            xin.setRequiresGradient(true);
            NDArray h = net.forward(new ParameterStore(sub, false), new NDList(xin), true).head();
            gc.backward(h.get(new NDIndex(":, -1, :")).sum());
            NDArray g = xin.getGradient(); // (B, T, C)
            float[] norms = g.square().sum(new int[] {2}).sqrt().mean(new int[] {0}).toFloatArray();
            double[] out = new double[norms.length];
            for (int i = 0; i < norms.length; i++) {
                out[i] = norms[i];
            }
            return out;
        }
    }

    /**
     * Sets gate-bias slices of the engine's input-to-hidden bias; the hidden-to-hidden bias's are
     * zeroed.
     */
    @FunctionalInterface
    private interface GateBias {
        void set(NDArray bias, NDIndex forget, NDIndex input);
    }

    /** The engine's LSTM with its gate biases set after initialisation. */
    private static final class GateBiasInit extends AbstractBlock {
        private final LSTM lstm;
        private final int hidden;
        private final GateBias gateBias;

        GateBiasInit(LSTM lstm, int hidden, GateBias gateBias) {
            this.lstm = addChildBlock("lstm", lstm);
            this.hidden = hidden;
            this.gateBias = gateBias;
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps,
                NDList inputs,
                boolean training,
                PairList<String, Object> params) {
            return lstm.forward(ps, inputs, training, params);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return lstm.getOutputShapes(inputShapes);
        }

        @Override
        protected void initializeChildBlocks(
                NDManager manager, DataType dataType, Shape... inputShapes) {
            boolean fresh = !lstm.isInitialized();
            lstm.initialize(manager, dataType, inputShapes);
            if (!fresh) {
                // trained, loaded from a checkpoint or re-used by a re-run cell: its biases stay
                return;
            }
            // engine gate order: input, forget, candidate, output; the two biases add up.
            NDIndex input = new NDIndex("0:{}", hidden);
            NDIndex forget = new NDIndex("{}:{}", hidden, 2 * hidden);
            NDArray h2h = lstm.getParameters().get("l_0_h2h_BIAS").getArray();
            h2h.set(input, 0f);
            h2h.set(forget, 0f);
            gateBias.set(lstm.getParameters().get("l_0_i2h_BIAS").getArray(), forget, input);
        }
    }
}
