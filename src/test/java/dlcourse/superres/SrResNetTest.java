package dlcourse.superres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import dlcourse.core.ModelSummary;
import org.junit.jupiter.api.Test;

/** SRResNet's shapes and the parameter count of the paper's configuration, layer by layer. */
class SrResNetTest {

    /** k×k convolution from c to f channels, with bias. */
    private static long conv(int k, int c, int f) {
        return (long) k * k * c * f + f;
    }

    /**
     * The paper's SRResNet (16 blocks, 64 channels, ×4, RGB), counted by hand:
     *
     * <pre>
     * head      conv 9×9 3→64 + PReLU(64)                    15 552 + 64 + 64     =    15 680
     * block     2 × (conv 3×3 64→64 + BN(64)) + PReLU(64)    2·(36 928 + 128) + 64 =   74 176
     * 16 blocks                                                                    = 1 186 816
     * body end  conv 3×3 64→64 + BN(64)                      36 928 + 128         =    37 056
     * upsampler conv 3×3 64→256 + PReLU(64), twice           2·(147 712 + 64)     =   295 552
     * tail      conv 9×9 64→3                                15 552 + 3           =    15 555
     * total                                                                        = 1 550 659
     * </pre>
     */
    @Test
    void thePapersConfigurationHasTheCountDerivedLayerByLayer() {
        long head = conv(9, 3, 64) + 64;
        long block = 2 * (conv(3, 64, 64) + 2 * 64) + 64;
        long bodyEnd = conv(3, 64, 64) + 2 * 64;
        long upsampler = conv(3, 64, 256) + 64;
        long tail = conv(9, 64, 3);
        assertEquals(15_680, head);
        assertEquals(74_176, block);
        assertEquals(1_550_659, head + 16 * block + bodyEnd + 2 * upsampler + tail);

        Block net = SrResNet.builder().build();
        Shape lowRes = new Shape(3, 24, 24);
        assertEquals(1_550_659, ModelSummary.parameterCount(net, lowRes));
        // the same, stage by stage, from the built network's own children
        ModelSummary.withInitialized(
                net,
                lowRes,
                () -> {
                    var stages = net.getChildren();
                    assertEquals(conv(9, 3, 64), ModelSummary.countParameters(stages.valueAt(0)));
                    assertEquals(64, ModelSummary.countParameters(stages.valueAt(1)));
                    assertEquals(
                            16 * block + bodyEnd, ModelSummary.countParameters(stages.valueAt(2)));
                    assertEquals(upsampler, ModelSummary.countParameters(stages.valueAt(3)));
                    assertEquals(upsampler, ModelSummary.countParameters(stages.valueAt(4)));
                    assertEquals(tail, ModelSummary.countParameters(stages.valueAt(5)));
                    return null;
                });
    }

    /** ×4 on RGB and the course's ×2 on grey: the output is the input enlarged, in [−1, 1]. */
    @Test
    void enlargesByItsScale() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block paper = SrResNet.builder().optResidualBlocks(2).build();
            paper.initialize(m, DataType.FLOAT32, new Shape(1, 3, 24, 24));
            assertEquals(
                    new Shape(2, 3, 96, 96),
                    paper.getOutputShapes(new Shape[] {new Shape(2, 3, 24, 24)})[0]);
            Block course = SrResNet.courseSized().build();
            course.initialize(m, DataType.FLOAT32, new Shape(1, 1, 14, 14));
            var y =
                    course.forward(
                                    new ai.djl.training.ParameterStore(m, false),
                                    new ai.djl.ndarray.NDList(
                                            m.randomNormal(new Shape(3, 1, 14, 14))),
                                    false)
                            .head();
            assertEquals(new Shape(3, 1, 28, 28), y.getShape());
            assertTrue(y.abs().max().getFloat() <= 1, "tanh range");
            // head conv, PReLU, the long skip, one upsampler, tail conv, tanh
            assertEquals(
                    6, ((SequentialBlock) course).getChildren().size(), "one upsampler for ×2");
        }
    }

    @Test
    void refusesAScaleThatIsNotAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> SrResNet.builder().optScale(3));
    }
}
