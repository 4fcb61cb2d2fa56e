package dlcourse.cnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResidualBlockTest {

    private static final Shape X = new Shape(2, 4, 5, 5);
    private NDManager m;
    private NDArray x;

    @BeforeEach
    void setUp() {
        m = NDManager.newBaseManager();
        m.getEngine().setRandomSeed(7);
        x = m.randomNormal(X); // negative entries included: they tell y = x from y = ReLU(x)
    }

    @AfterEach
    void tearDown() {
        m.close();
    }

    private NDArray forward(Block b, NDArray input) {
        return b.forward(new ParameterStore(m, false), new NDList(input), false).head();
    }

    private Block initialised(Block b) {
        b.initialize(m, DataType.FLOAT32, X);
        return b;
    }

    /** Sets every parameter whose name contains {@code part} in the last leaf named so to zero. */
    private static void zeroLast(Block b, String part) {
        Parameter last = null;
        for (Pair<String, Parameter> p : b.getParameters()) {
            if (p.getKey().contains(part)) {
                last = p.getValue();
            }
        }
        last.getArray().muli(0);
    }

    @Test
    void residualBlockWithZeroLayersIsTheIdentity() {
        Block b = initialised(ResidualBlock.residual(ConvLayers.conv(4, 3, 1, true)));
        zeroLast(b, "weight");
        assertArrayEquals(x.toFloatArray(), forward(b, x).toFloatArray(), 0f);
        // while the plain block with the same zero layer outputs zeros
        Block p = initialised(ResidualBlock.plain(ConvLayers.conv(4, 3, 1, true)));
        zeroLast(p, "weight");
        assertEquals(0f, forward(p, x).abs().max().getFloat());
    }

    /** ∂y/∂x = 1 + ∂F/∂x: with F ≡ 0 the gradient of Σy passes unchanged, all ones. */
    @Test
    void gradientThroughAResidualBlockWithZeroLayersIsOne() {
        Block b = initialised(ResidualBlock.residual(ConvLayers.conv(4, 3, 1, true)));
        zeroLast(b, "weight");
        NDArray in = x.duplicate();
        in.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(b.forward(new ParameterStore(m, false), new NDList(in), true).head().sum());
        }
        assertEquals(1f, in.getGradient().min().getFloat());
        assertEquals(1f, in.getGradient().max().getFloat());
    }

    /**
     * Figure 36 е vs д: with F ≡ 0 the pre-activation block copies x, the original one gives
     * ReLU(x).
     */
    @Test
    void preActivationCopiesTheInputTheOriginalBlockRectifiesIt() {
        Block pre = initialised(ResidualBlock.preActivation(4, 1, false));
        zeroLast(pre, "weight");
        assertArrayEquals(x.toFloatArray(), forward(pre, x).toFloatArray(), 0f);

        Block post = initialised(ResidualBlock.original(4, 1, false));
        zeroLast(post, "gamma"); // the last BN's scale and shift: F ≡ 0
        zeroLast(post, "beta");
        assertArrayEquals(Activation.relu(x).toFloatArray(), forward(post, x).toFloatArray(), 0f);
        assertTrue(x.lt(0).any().getBoolean());
    }

    /**
     * Figure 36 г: y = (1 − σ(f(x)))·x + σ(f(x))·F(x), f a 1×1 convolution, checked elementwise.
     */
    @Test
    void gatedBlockInterpolatesByTheFormula() {
        Block f = LambdaBlock.singleton(a -> a.mul(2).add(1)); // F(x) = 2x + 1, no weights
        Block b = initialised(ResidualBlock.gated(f, 4));
        NDArray w = null;
        NDArray bias = null;
        for (Pair<String, Parameter> p : b.getParameters()) {
            if (p.getKey().contains("weight")) {
                w = p.getValue().getArray();
            } else if (p.getKey().contains("bias")) {
                bias = p.getValue().getArray();
            }
        }
        // f(x) by hand: Σ_i W[o, i]·x[n, i, h, w] + b[o]
        NDArray fx =
                x.transpose(0, 2, 3, 1)
                        .matMul(w.reshape(4, 4).transpose())
                        .add(bias)
                        .transpose(0, 3, 1, 2);
        NDArray t = Activation.sigmoid(fx);
        NDArray expected = t.neg().add(1).mul(x).add(t.mul(x.mul(2).add(1)));
        assertArrayEquals(expected.toFloatArray(), forward(b, x).toFloatArray(), 1e-5f);

        // the gate's ends: f → −∞ gives x (carry), f → +∞ gives F(x) (transform)
        bias.subi(bias).subi(100);
        w.muli(0);
        assertArrayEquals(x.toFloatArray(), forward(b, x).toFloatArray(), 1e-6f);
        bias.addi(200);
        assertArrayEquals(x.mul(2).add(1).toFloatArray(), forward(b, x).toFloatArray(), 1e-6f);
    }

    @Test
    void projectionShortcutChangesTheShape() {
        Block b = initialised(ResidualBlock.original(8, 2, true));
        assertEquals(new Shape(2, 8, 3, 3), forward(b, x).getShape());
        Block neck = initialised(ResidualBlock.bottleneck(2, 1, true, true));
        assertEquals(new Shape(2, 8, 5, 5), forward(neck, x).getShape());
    }
}
