package dlcourse.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.nn.recurrent.RNN;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import dlcourse.core.Seeds;
import org.junit.jupiter.api.Test;

/** The scratch layers compute the engine's functions with the same (random) weights. */
class RecurrentEqualityTest {

    private static final Shape X = new Shape(3, 7, 5); // (B, T, C)

    private static NDArray run(Block block, NDManager m, NDArray x) {
        return block.forward(new ParameterStore(m, false), new NDList(x), false).head();
    }

    @Test
    void scratchRnnEqualsEngineRnn() {
        Seeds.fix(1);
        try (NDManager m = NDManager.newBaseManager()) {
            RNN engine =
                    RNN.builder()
                            .setStateSize(6)
                            .setNumLayers(1)
                            .optBatchFirst(true)
                            .setActivation(RNN.Activation.TANH)
                            .build();
            engine.setInitializer(new NormalInitializer(0.5f), p -> true); // biases random too
            engine.initialize(m, DataType.FLOAT32, X);
            Rnn scratch = new Rnn(6);
            scratch.initialize(m, DataType.FLOAT32, X);
            scratch.copyFrom(engine);
            NDArray x = m.randomNormal(X);
            NDArray diff = run(engine, m, x).sub(run(scratch, m, x)).abs();
            float max = diff.max().getFloat();
            System.out.printf("scratch RNN vs engine RNN: max |diff| = %.2e%n", max);
            assertTrue(max < 1e-5, "max diff " + max);
            // and the check can fail: a perturbed weight is detected
            scratch.getParameters().get("W_hh").getArray().addi(1e-2f);
            assertTrue(run(engine, m, x).sub(run(scratch, m, x)).abs().max().getFloat() > 1e-4);
        }
    }

    @Test
    void scratchLstmEqualsEngineLstm() {
        Seeds.fix(2);
        try (NDManager m = NDManager.newBaseManager()) {
            LSTM engine =
                    LSTM.builder().setStateSize(6).setNumLayers(1).optBatchFirst(true).build();
            engine.setInitializer(new NormalInitializer(0.5f), p -> true);
            engine.initialize(m, DataType.FLOAT32, X);
            Lstm scratch = Lstm.builder().setStateSize(6).build();
            scratch.initialize(m, DataType.FLOAT32, X);
            scratch.copyFrom(engine);
            NDArray x = m.randomNormal(X);
            float max = run(engine, m, x).sub(run(scratch, m, x)).abs().max().getFloat();
            System.out.printf("scratch LSTM vs engine LSTM: max |diff| = %.2e%n", max);
            assertTrue(max < 1e-5, "max diff " + max);
        }
    }

    @Test
    void swappedGateOrderIsDetected() {
        // Reading the engine's rows in the lecture's order (c, i, f, o) instead of (i, f, c, o)
        // breaks equality.
        Seeds.fix(3);
        try (NDManager m = NDManager.newBaseManager()) {
            LSTM engine =
                    LSTM.builder().setStateSize(4).setNumLayers(1).optBatchFirst(true).build();
            engine.setInitializer(new NormalInitializer(0.5f), p -> true);
            engine.initialize(m, DataType.FLOAT32, X);
            Lstm scratch = Lstm.builder().setStateSize(4).build();
            scratch.initialize(m, DataType.FLOAT32, X);
            scratch.copyFrom(engine);
            NDArray wf = scratch.parameter("W_xf").getArray();
            NDArray wi = scratch.parameter("W_xi").getArray();
            float[] f = wf.toFloatArray();
            wf.set(wi.toFloatArray());
            wi.set(f);
            NDArray x = m.randomNormal(X);
            assertTrue(run(engine, m, x).sub(run(scratch, m, x)).abs().max().getFloat() > 1e-3);
        }
    }

    @Test
    void forgetBiasDefaultsToOneAndFixedGatesMakeAnRnn() {
        Seeds.fix(4);
        try (NDManager m = NDManager.newBaseManager()) {
            Lstm lstm = Lstm.builder().setStateSize(4).build();
            lstm.initialize(m, DataType.FLOAT32, X);
            assertEquals(1f, lstm.parameter("b_f").getArray().min().getFloat(), 0f);
            assertEquals(1f, lstm.parameter("b_f").getArray().max().getFloat(), 0f);
            assertEquals(0f, lstm.parameter("b_i").getArray().abs().max().getFloat(), 0f);

            // f = 0, i = o = 1: h_t = tanh(tanh(W_xc x_t + W_hc h_{t-1} + b_c)), an RNN with a
            // doubled tanh.
            Lstm asRnn = Lstm.builder().setStateSize(4).optFixedGates(0f, 1f, 1f).build();
            asRnn.initialize(m, DataType.FLOAT32, X);
            Rnn rnn = new Rnn(4, a -> a.tanh().tanh());
            rnn.initialize(m, DataType.FLOAT32, X);
            rnn.getParameters()
                    .get("W_xh")
                    .getArray()
                    .set(asRnn.parameter("W_xc").getArray().toFloatArray());
            rnn.getParameters()
                    .get("W_hh")
                    .getArray()
                    .set(asRnn.parameter("W_hc").getArray().toFloatArray());
            NDArray x = m.randomNormal(X);
            float max = run(asRnn, m, x).sub(run(rnn, m, x)).abs().max().getFloat();
            assertTrue(max < 1e-6, "max diff " + max);
        }
    }

    /**
     * Chrono initialisation (Tallec &amp; Ollivier 2018): b_f = log u, u ~ U[1, T − 1], b_i = −b_f,
     * read back from the engine's bias vectors (gate order i, f, ĉ, o): forget time constants 1/(1
     * − σ(b_f)) spread up to T steps; the engine's second bias adds nothing.
     */
    @Test
    void chronoInitialisationSpreadsForgetTimeConstantsUpToTheDependency() {
        Seeds.fix(6);
        int h = 256;
        int t = 100;
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = Recurrent.engineLstmChrono(h, t);
            block.initialize(m, DataType.FLOAT32, new Shape(1, t, 2));
            LSTM lstm = Recurrent.find(block, LSTM.class);
            NDArray i2h = lstm.getParameters().get("l_0_i2h_BIAS").getArray();
            NDArray h2h = lstm.getParameters().get("l_0_h2h_BIAS").getArray();
            NDArray bi = i2h.get("0:{}", h);
            NDArray bf = i2h.get("{}:{}", h, 2 * h);
            assertEquals(0f, h2h.get(":{}", 2 * h).abs().max().getFloat(), 0f);
            assertEquals(0f, bi.add(bf).abs().max().getFloat(), 0f, "b_i = -b_f");
            assertTrue(
                    bf.min().getFloat() >= 0f
                            && bf.max().getFloat() <= (float) Math.log(t - 1) + 1e-6f);
            NDArray tau = bf.exp().add(1); // 1 / (1 − σ(b)) = 1 + e^b = 1 + u
            assertTrue(
                    tau.min().getFloat() < 5 && tau.max().getFloat() > 90,
                    "time constants " + tau.min() + "…" + tau.max());
            // u is uniform on [1, T − 1]: its mean is T / 2
            assertEquals(t / 2.0, tau.sub(1).mean().getFloat(), 5.0);
        }
        assertThrows(IllegalArgumentException.class, () -> Recurrent.engineLstmChrono(8, 2));
    }
}
