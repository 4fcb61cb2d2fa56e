package dlcourse.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.Shape;
import dlcourse.core.ModelSummary;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/**
 * MobileNetV2 and SqueezeNet against torchvision's published counts (model documentation,
 * "num_params").
 */
class LeanModelsTest {

    private static final Shape IMAGENET = new Shape(3, 224, 224);

    @Test
    void mobileNetV2MatchesTorchvision() {
        assertEquals(3_504_872L, ModelSummary.parameterCount(MobileNetV2.build(1000), IMAGENET));
    }

    /** DJL 0.36's zoo MobileNetV2 has 320 weights too many (why this class exists). */
    @Test
    void djlZooMobileNetV2DiffersFromTheReference() {
        var djl =
                ai.djl.basicmodelzoo.cv.classification.MobileNetV2.builder()
                        .setOutSize(1000)
                        .build();
        assertEquals(320L, ModelSummary.parameterCount(djl, IMAGENET) - 3_504_872L);
    }

    @Test
    void squeezeNetVersionsMatchTorchvision() {
        assertEquals(
                1_248_424L,
                ModelSummary.parameterCount(
                        SqueezeNet.build(SqueezeNet.Version.V1_0, 1000), IMAGENET));
        assertEquals(
                1_235_496L,
                ModelSummary.parameterCount(
                        SqueezeNet.build(SqueezeNet.Version.V1_1, 1000), IMAGENET));
    }

    @Test
    void mobileNetV2StagesFollowThePapersTable2() {
        Table t = ModelSummary.of(MobileNetV2.build(1000), IMAGENET);
        assertEquals(
                List.of(
                        "(1×32×112×112)",
                        "(1×16×112×112)",
                        "(1×24×56×56)",
                        "(1×32×28×28)",
                        "(1×64×14×14)",
                        "(1×96×14×14)",
                        "(1×160×7×7)",
                        "(1×320×7×7)",
                        "(1×1280×7×7)",
                        "(1×1280)",
                        "(1×1280)",
                        "(1×1280)",
                        "(1×1000)",
                        ""),
                t.stringColumn("output").asList());
    }

    @Test
    void squeezeNetEndsInClassScores() {
        Table t = ModelSummary.of(SqueezeNet.build(SqueezeNet.Version.V1_1, 1000), IMAGENET);
        List<String> out = t.stringColumn("output").asList();
        assertEquals("(1×64×111×111)", out.get(0));
        assertEquals("(1×512×13×13)", out.get(12));
        assertEquals("(1×1000)", out.get(out.size() - 2));
    }
}
