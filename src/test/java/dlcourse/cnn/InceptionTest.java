package dlcourse.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.Shape;
import dlcourse.core.ModelSummary;
import org.junit.jupiter.api.Test;

class InceptionTest {

    private static final Inception.Widths W3A =
            GoogLeNet.MODULES.get("3a"); // 64, 96→128, 16→32, pool→32
    private static final Shape IN = new Shape(192, 28, 28);

    private static long conv(long in, long out, long kh, long kw) {
        return in * out * kh * kw + out; // with bias, as in the paper
    }

    /**
     * Module 3a weighed branch by branch; its output concatenates 64 + 128 + 32 + 32 = 256
     * channels.
     */
    @Test
    void moduleHasItsBranchesWeightsAndConcatenatesChannels() {
        long expected =
                conv(192, 64, 1, 1)
                        + conv(192, 96, 1, 1)
                        + conv(96, 128, 3, 3)
                        + conv(192, 16, 1, 1)
                        + conv(16, 32, 5, 5)
                        + conv(192, 32, 1, 1);
        assertEquals(expected, ModelSummary.parameterCount(Inception.module(W3A), IN));
        assertEquals(
                new Shape(1, 256, 28, 28),
                Inception.module(W3A).getOutputShapes(new Shape[] {new Shape(1).addAll(IN)})[0]);
        assertEquals(256, W3A.out());
    }

    /** v2: the 5×5 (16→32) becomes 3×3 (16→32) then 3×3 (32→32). */
    @Test
    void factorisedModuleReplacesTheFiveByFiveByTwoThreeByThrees() {
        long v1 = ModelSummary.parameterCount(Inception.module(W3A), IN);
        long v2 = ModelSummary.parameterCount(Inception.factorised(W3A, false), IN);
        assertEquals(conv(16, 32, 3, 3) + conv(32, 32, 3, 3) - conv(16, 32, 5, 5), v2 - v1);
    }

    /** v3: n×n → 1×n then n×1 keeps the map size; weights as the layers say. */
    @Test
    void asymmetricModuleKeepsTheShape() {
        Shape in17 = new Shape(192, 17, 17);
        var w = new Inception.Widths(192, 128, 192, 128, 192, 192);
        var module = Inception.asymmetric(w, 7, false);
        assertEquals(
                new Shape(1, 768, 17, 17),
                module.getOutputShapes(new Shape[] {new Shape(1).addAll(in17)})[0]);
        long expected =
                conv(192, 192, 1, 1)
                        + conv(192, 128, 1, 1)
                        + conv(128, 128, 1, 7)
                        + conv(128, 192, 7, 1)
                        + conv(192, 128, 1, 1)
                        + conv(128, 128, 1, 7)
                        + conv(128, 128, 7, 1)
                        + conv(128, 128, 1, 7)
                        + conv(128, 192, 7, 1)
                        + conv(192, 192, 1, 1);
        assertEquals(expected, ModelSummary.parameterCount(module, in17));
    }
}
