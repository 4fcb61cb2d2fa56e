package dlcourse.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dlcourse.core.ModelSummary;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class AlexNetTest {

    private static final Shape IMAGENET = new Shape(3, 224, 224);

    /**
     * The paper's network: widths 96-256-384-384-256, conv2/4/5 split over two GPUs (groups=2), fc
     * 4096-4096-1000. 60 965 224 weights: the paper's "60 million parameters" (Krizhevsky et al.
     * 2012, section 3), the number usually quoted for it.
     */
    @Test
    void canonicalNetworkHasThePapersParameterCount() {
        assertEquals(60_965_224L, ModelSummary.parameterCount(AlexNet.builder().build(), IMAGENET));
    }

    /** Without the two-GPU split every filter sees all channels: 1 413 120 more weights. */
    @Test
    void oneGroupAddsTheCrossGpuWeights() {
        long oneGroup =
                ModelSummary.parameterCount(AlexNet.builder().optGroups(1).build(), IMAGENET);
        assertEquals(62_378_344L, oneGroup);
        // conv2, conv4, conv5 weights double: 5·5·48·256 + 3·3·192·384 + 3·3·192·256
        assertEquals(
                5 * 5 * 48 * 256 + 3 * 3 * 192 * 384 + 3 * 3 * 192 * 256, oneGroup - 60_965_224L);
    }

    /**
     * torchvision's AlexNet (the "one weird trick" variant, widths 64-192-384-256-256, no LRN): 61
     * 100 840 parameters as listed in torchvision's model documentation
     * (AlexNet_Weights.IMAGENET1K_V1).
     */
    @Test
    void torchvisionVariantMatchesItsPublishedCount() {
        var net =
                AlexNet.builder()
                        .optWidths(64, 192, 384, 256, 256)
                        .optGroups(1)
                        .optLocalResponseNorm(false)
                        .build();
        assertEquals(61_100_840L, ModelSummary.parameterCount(net, IMAGENET));
    }

    @Test
    void canonicalStageShapesFollowThePaper() {
        Table t = ModelSummary.of(AlexNet.builder().optLocalResponseNorm(false).build(), IMAGENET);
        List<String> shapes = t.stringColumn("output").asList();
        assertEquals(
                List.of(
                        "(1×96×55×55)",
                        "(1×96×55×55)",
                        "(1×96×27×27)", // conv1, relu, pool
                        "(1×256×27×27)",
                        "(1×256×27×27)",
                        "(1×256×13×13)", // conv2, relu, pool
                        "(1×384×13×13)",
                        "(1×384×13×13)", // conv3
                        "(1×384×13×13)",
                        "(1×384×13×13)", // conv4
                        "(1×256×13×13)",
                        "(1×256×13×13)",
                        "(1×256×6×6)", // conv5, pool
                        "(1×9216)", // flatten
                        "(1×4096)",
                        "(1×4096)",
                        "(1×4096)", // fc6, relu, dropout
                        "(1×4096)",
                        "(1×4096)",
                        "(1×4096)", // fc7, relu, dropout
                        "(1×1000)",
                        ""),
                shapes); // fc8, total row
    }

    @Test
    void courseSizedNetworkKeepsTheTopologyAt28Pixels() {
        var net = AlexNet.courseSized().build();
        Table t = ModelSummary.of(net, new Shape(1, 28, 28));
        List<String> shapes = t.stringColumn("output").asList();
        assertEquals("(1×10)", shapes.get(shapes.size() - 2));
        long convs =
                t.stringColumn("layer").asList().stream().filter(s -> s.contains("Conv2d")).count();
        long linears =
                t.stringColumn("layer").asList().stream().filter(s -> s.contains("Linear")).count();
        assertEquals(5, convs);
        assertEquals(3, linears);
    }

    /**
     * Figure 1's network: three 5×5 convolutions (32, 32, 64) and one linear layer, counted by
     * hand: 5·5·c·32 + 32, 5·5·32·32 + 32, 5·5·32·64 + 64, and 64·4·4·10 + 10 (28 and 32 pixels
     * both pool to 4 after three stride-2 poolings).
     */
    @Test
    void fourLayerNetHasItsCountedWeightsAndThePapersInitialisation() {
        Block net = AlexNet.fourLayerNet(AlexNet.Nonlinearity.TANH, 10);
        long hidden = (5 * 5 * 32 * 32 + 32) + (5 * 5 * 32 * 64 + 64) + (64 * 4 * 4 * 10 + 10);
        assertEquals(
                5 * 5 * 1 * 32 + 32 + hidden,
                ModelSummary.parameterCount(net, new Shape(1, 28, 28)));
        assertEquals(
                5 * 5 * 3 * 32 + 32 + hidden,
                ModelSummary.parameterCount(
                        AlexNet.fourLayerNet(AlexNet.Nonlinearity.RELU, 10), new Shape(3, 32, 32)));
        try (NDManager manager = NDManager.newBaseManager()) {
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            NDArray w = // the second convolution's
                    net.getParameters().values().stream()
                            .filter(q -> q.getType() == Parameter.Type.WEIGHT)
                            .skip(1)
                            .findFirst()
                            .orElseThrow()
                            .getArray();
            double sd = Math.sqrt(w.sub(w.mean()).square().mean().getFloat());
            assertEquals(0.01, sd, 0.0005, "the weights' standard deviation");
            assertEquals(0, w.mean().getFloat(), 0.0005);
        }
    }
}
