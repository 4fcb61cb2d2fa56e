package dlcourse.generative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dlcourse.core.Seeds;
import org.junit.jupiter.api.Test;

/**
 * Causal convolutions never look ahead, and see exactly as far back as their receptive field says.
 */
class CausalConvolutionTest {

    private static final int T = 40;

    private static NDArray run(Block block, NDArray x) {
        return block.forward(new ParameterStore(x.getManager(), false), new NDList(x), false)
                .head();
    }

    /**
     * max |Δ output[t]| over channels and batch, for each t, when inputs from {@code from} on are
     * perturbed.
     */
    private static float[] change(Block block, NDArray x, int from, int to) {
        NDArray y = x.duplicate();
        y.set(
                new NDIndex(":, :, {}:{}", from, to),
                y.get(new NDIndex(":, :, {}:{}", from, to)).add(1f));
        return run(block, y)
                .sub(run(block, x))
                .abs()
                .max(new int[] {1})
                .max(new int[] {0})
                .toFloatArray();
    }

    private static void checkCausalAndReceptiveField(Block block, int receptiveField) {
        try (NDManager m = NDManager.newBaseManager()) {
            block.initialize(m, DataType.FLOAT32, new Shape(2, 1, T));
            NDArray x = m.randomNormal(new Shape(2, 1, T));
            assertEquals(
                    block.getOutputShapes(new Shape[] {x.getShape()})[0], run(block, x).getShape());
            int t0 = 30;
            // perturbing the future (t > t0) changes no output at t ≤ t0, and does change output t0
            // + 1
            float[] d = change(block, x, t0 + 1, T);
            for (int t = 0; t <= t0; t++) {
                assertEquals(0f, d[t], 0f, "output " + t + " looked ahead");
            }
            assertTrue(d[t0 + 1] > 1e-6, "the perturbation reaches its own step");
            // output t0 depends on input t0 − (R − 1), but not on t0 − R
            int oldest = t0 - (receptiveField - 1);
            assertTrue(
                    change(block, x, oldest, oldest + 1)[t0] > 1e-6,
                    "input " + oldest + " is inside the field");
            assertEquals(
                    0f,
                    change(block, x, oldest - 1, oldest)[t0],
                    0f,
                    "input " + (oldest - 1) + " is outside");
        }
    }

    @Test
    void dilatedCausalConvolution() {
        Seeds.fix(2);
        CausalConv1d conv = new CausalConv1d(3, 3, 4);
        assertEquals(9, conv.receptiveField());
        checkCausalAndReceptiveField(conv, 9);
    }

    @Test
    void waveNetStackIsCausalWithExponentialReceptiveField() {
        Seeds.fix(3);
        WaveNet net = new WaveNet(4, 8, 5); // dilations 1, 2, 4, 8
        assertEquals(17, net.receptiveField()); // 2 + (1 + 2 + 4 + 8)
        checkCausalAndReceptiveField(net, 17);
        assertEquals(new Shape(2, 5, T), net.getOutputShapes(new Shape[] {new Shape(2, 1, T)})[0]);
    }

    /**
     * Causality.receptiveField, which notebook 07 tabulates, measures 2^L + 1 for WaveNet at every
     * depth up to 6 and for every seed tried (with one random input sequence it measured 4 instead
     * of 33 for L = 5 under seed 0: a ReLU that is off hides the paths through it).
     */
    @Test
    void measuredReceptiveFieldIsTheFormulaForEverySeed() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int seed = 0; seed < 4; seed++) {
                for (int layers = 1; layers <= 6; layers++) {
                    Seeds.fix(seed);
                    WaveNet net = new WaveNet(layers, 4, 4);
                    assertEquals(
                            net.receptiveField(),
                            Causality.receptiveField(net, (1 << layers) + 8, m),
                            "seed " + seed + ", " + layers + " layers");
                }
            }
        }
    }

    /**
     * Causality.lookAhead, which notebook 07 prints, is exactly 0 for a causal convolution and
     * positive for an ordinary centred one, which sees one step ahead.
     */
    @Test
    void lookAheadSeparatesACausalConvolutionFromACentredOne() {
        Seeds.fix(4);
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(0f, Causality.lookAhead(new CausalConv1d(3, 3, 2), T, 20, m), 0f);
            Block centred =
                    ai.djl.nn.convolutional.Conv1d.builder()
                            .setKernelShape(new Shape(3))
                            .setFilters(3)
                            .optPadding(new Shape(1))
                            .build();
            assertTrue(
                    Causality.lookAhead(centred, T, 20, m) > 1e-4, "a centred kernel looks ahead");
        }
    }
}
