package dlcourse.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dlcourse.core.ModelSummary;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NiN's weights derived layer by layer, its output, and that it is a chain without FC layers. */
class NiNTest {

    private static long conv(int k, int c, int f) {
        return (long) k * k * c * f + f;
    }

    /**
     *
     *
     * <pre>
     * mlpconv 1  11×11 3→96, 1×1 96→96 twice      34 944 + 2·9 312    =    53 568
     * mlpconv 2  5×5 96→256, 1×1 256→256 twice   614 656 + 2·65 792   =   746 240
     * mlpconv 3  3×3 256→384, 1×1 384→384 twice  885 120 + 2·147 840  = 1 180 800
     * mlpconv 4  3×3 384→1024, 1×1 1024→1024, 1×1 1024→1000
     *                                3 539 968 + 1 049 600 + 1 025 000 = 5 614 568
     * total                                                           = 7 595 176
     * </pre>
     */
    @Test
    void theImageNetModelHasTheWeightsCountedLayerByLayer() {
        long[] blocks = {
            conv(11, 3, 96) + 2 * conv(1, 96, 96),
            conv(5, 96, 256) + 2 * conv(1, 256, 256),
            conv(3, 256, 384) + 2 * conv(1, 384, 384),
            conv(3, 384, 1024) + conv(1, 1024, 1024) + conv(1, 1024, 1000)
        };
        assertEquals(53_568, blocks[0]);
        assertEquals(5_614_568, blocks[3]);
        SequentialBlock nin = NiN.builder().build();
        Shape image = new Shape(3, 224, 224);
        assertEquals(7_595_176, ModelSummary.parameterCount(nin, image));
        ModelSummary.withInitialized(
                nin,
                image,
                () -> {
                    var children = nin.getChildren();
                    int[] mlpconvs = {0, 2, 4, 7};
                    for (int i = 0; i < 4; i++) {
                        assertEquals(
                                blocks[i],
                                ModelSummary.countParameters(children.valueAt(mlpconvs[i])),
                                "mlpconv " + (i + 1));
                    }
                    assertEquals(
                            new Shape(2, 1000),
                            nin.getOutputShapes(new Shape[] {new Shape(2, 3, 224, 224)})[0]);
                    return null;
                });
    }

    /** No branch anywhere (the lecture calls it branched) and no fully connected layer. */
    @Test
    void isAChainWithoutFullyConnectedLayers() {
        List<Block> all = descendants(NiN.builder().optClasses(10).build());
        assertTrue(all.size() > 20, "the walk reached the layers");
        assertTrue(all.stream().noneMatch(b -> b instanceof ParallelBlock), "a branch");
        assertTrue(all.stream().noneMatch(b -> b instanceof Linear), "a fully connected layer");
        // the negative control: Inception's module does branch
        assertTrue(
                descendants(Inception.module(new Inception.Widths(64, 96, 128, 16, 32, 32)))
                        .stream()
                        .anyMatch(b -> b instanceof ParallelBlock));
    }

    private static List<Block> descendants(Block b) {
        List<Block> out = new ArrayList<>(List.of(b));
        for (var child : b.getChildren().values()) {
            out.addAll(descendants(child));
        }
        return out;
    }
}
