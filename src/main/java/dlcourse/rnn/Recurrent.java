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
        return RNN.builder().setStateSize(hidden).setNumLayers(1).optBatchFirst(true)
                .setActivation(RNN.Activation.TANH).build();
    }

    /**
     * The engine's LSTM, one layer, batch first, with the forget-gate bias set to
     * {@code forgetBias} after initialisation (the engine has no such option; it starts at 0).
     */
    public static Block engineLstm(int hidden, float forgetBias) {
        return new ForgetBiasInit(LSTM.builder().setStateSize(hidden).setNumLayers(1).optBatchFirst(true).build(),
                hidden, forgetBias);
    }

    /** The first block of type {@code type} inside {@code net} (depth first), e.g. the engine's LSTM of a trained model. */
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
        return new LambdaBlock(list -> new NDList(list.head().get(new NDIndex(":, -1, :"))), "lastStep");
    }

    /** Sequence in, {@code outputs} numbers out: recurrent layer, last state, linear read-out. */
    public static SequentialBlock regressor(Block recurrent, int outputs) {
        return new SequentialBlock().add(recurrent).add(lastStep()).add(Linear.builder().setUnits(outputs).build());
    }

    /**
     * How strongly the last hidden state depends on each input: ‖∂(Σ h_T)/∂x_t‖ for t = 0…T−1,
     * averaged over the batch. Measures vanishing (or exploding) gradients through time.
     *
     * @param net an initialised block mapping {@code (B, T, C)} to {@code (B, T, H)}
     */
    public static double[] inputGradientNorms(Block net, NDArray x) {
        NDManager m = x.getManager();
        try (NDManager sub = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
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

    /** The engine's LSTM with its forget-gate bias slice set after initialisation. */
    private static final class ForgetBiasInit extends AbstractBlock {
        private final LSTM lstm;
        private final int hidden;
        private final float forgetBias;

        ForgetBiasInit(LSTM lstm, int hidden, float forgetBias) {
            this.lstm = addChildBlock("lstm", lstm);
            this.hidden = hidden;
            this.forgetBias = forgetBias;
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            return lstm.forward(ps, inputs, training, params);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return lstm.getOutputShapes(inputShapes);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            lstm.initialize(manager, dataType, inputShapes);
            // engine gate order: input, forget, candidate, output; the two biases add up.
            NDIndex forget = new NDIndex("{}:{}", hidden, 2 * hidden);
            lstm.getParameters().get("l_0_i2h_BIAS").getArray().set(forget, forgetBias);
            lstm.getParameters().get("l_0_h2h_BIAS").getArray().set(forget, 0f);
        }
    }
}
