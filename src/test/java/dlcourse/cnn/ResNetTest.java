package dlcourse.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.types.Shape;
import dlcourse.core.ModelSummary;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tech.tablesaw.api.Table;

class ResNetTest {

    private static final Shape IMAGENET = new Shape(3, 224, 224);

    /**
     * torchvision's model documentation, ResNet{18,34,50,101,152}_Weights.IMAGENET1K_V1
     * "num_params".
     */
    @ParameterizedTest
    @CsvSource({"18, 11689512", "34, 21797672", "50, 25557032", "101, 44549160", "152, 60192808"})
    void canonicalDepthsHaveTorchvisionsParameterCounts(int depth, long published) {
        ResNet.Builder b = ResNet.builder(depth);
        assertEquals(depth, b.depth());
        assertEquals(published, ModelSummary.parameterCount(b.build(), IMAGENET));
    }

    /** The plain network has the same layers minus the projection shortcuts (1×1 conv + BN). */
    @Test
    void plainNetworksLackExactlyTheProjections() {
        long res18 = ModelSummary.parameterCount(ResNet.builder(18).build(), IMAGENET);
        long plain18 =
                ModelSummary.parameterCount(
                        ResNet.builder(18).optVariant(ResNet.Variant.PLAIN).build(), IMAGENET);
        assertEquals(
                projection(64, 128) + projection(128, 256) + projection(256, 512), res18 - plain18);
        long res50 = ModelSummary.parameterCount(ResNet.builder(50).build(), IMAGENET);
        long plain50 =
                ModelSummary.parameterCount(
                        ResNet.builder(50).optVariant(ResNet.Variant.PLAIN).build(), IMAGENET);
        assertEquals(
                projection(64, 256)
                        + projection(256, 512)
                        + projection(512, 1024)
                        + projection(1024, 2048),
                res50 - plain50);
    }

    private static long projection(long in, long out) {
        return in * out + 2 * out; // 1×1 conv without bias, BN γ and β
    }

    @Test
    void resNet50StagesFollowFigure37() {
        Table t = ModelSummary.of(ResNet.builder(50).build(), IMAGENET);
        assertEquals(
                List.of(
                        "(1×64×56×56)",
                        "(1×256×56×56)",
                        "(1×512×28×28)",
                        "(1×1024×14×14)",
                        "(1×2048×7×7)",
                        "(1×2048)",
                        "(1×2048)",
                        "(1×1000)",
                        ""),
                t.stringColumn("output").asList());
    }

    @Test
    void resNet18StagesUseBasicBlocks() {
        Table t = ModelSummary.of(ResNet.builder(18).build(), IMAGENET);
        assertEquals(
                List.of(
                        "(1×64×56×56)",
                        "(1×64×56×56)",
                        "(1×128×28×28)",
                        "(1×256×14×14)",
                        "(1×512×7×7)",
                        "(1×512)",
                        "(1×512)",
                        "(1×1000)",
                        ""),
                t.stringColumn("output").asList());
        assertEquals(
                18,
                Anatomy.depth(ResNet.builder(18).build(), false)); // shortcuts are parallel to F
    }

    @Test
    void courseAndCifarNetworksTake28PixelImages() {
        Table t = ModelSummary.of(ResNet.courseSized(18).build(), new Shape(1, 28, 28));
        assertEquals(
                List.of(
                        "(1×16×28×28)",
                        "(1×16×28×28)",
                        "(1×32×14×14)",
                        "(1×64×7×7)",
                        "(1×128×4×4)",
                        "(1×128)",
                        "(1×128)",
                        "(1×10)",
                        ""),
                t.stringColumn("output").asList());
        ResNet.Builder c20 = ResNet.cifarStyle(20);
        assertEquals(20, c20.depth());
        Table c = ModelSummary.of(c20.build(), new Shape(1, 28, 28));
        assertEquals("(1×64×7×7)", c.stringColumn("output").get(3));
    }

    /**
     * DJL's model-zoo ResNetV1 (0.36) is not the paper's ResNet-18: 1 405 576 weights instead of 11
     * 689 512 (and 25 575 912 instead of 25 557 032 for 50 layers). Why this library builds its
     * own.
     */
    @Test
    void djlModelZooResNet18IsNotThePapersResNet18() {
        var djl =
                ResNetV1.builder()
                        .setImageShape(IMAGENET)
                        .setNumLayers(18)
                        .setOutSize(1000)
                        .build();
        assertNotEquals(11_689_512L, ModelSummary.parameterCount(djl, IMAGENET));
    }
}
