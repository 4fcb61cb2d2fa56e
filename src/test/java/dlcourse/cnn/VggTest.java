package dlcourse.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.Shape;
import dlcourse.core.ModelSummary;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tech.tablesaw.api.Table;

class VggTest {

    private static final Shape IMAGENET = new Shape(3, 224, 224);

    /**
     * torchvision's model documentation (VGG11_Weights … VGG19_Weights.IMAGENET1K_V1,
     * "num_params"): the paper's configurations A, B, D, E without batch norm.
     */
    @ParameterizedTest
    @CsvSource({"A, 132863336", "B, 133047848", "D, 138357544", "E, 143667240"})
    void canonicalConfigurationsHaveTorchvisionsParameterCounts(
            Vgg.Configuration c, long published) {
        assertEquals(
                published,
                ModelSummary.parameterCount(Vgg.builder().optConfiguration(c).build(), IMAGENET));
    }

    /**
     * With batch norm (torchvision's vgg16_bn, 138 365 992): γ and β for every channel of the 13
     * convolutions.
     */
    @Test
    void batchNormAddsTwoWeightsPerChannel() {
        long bn = ModelSummary.parameterCount(Vgg.builder().optBatchNorm(true).build(), IMAGENET);
        assertEquals(138_365_992L, bn);
        assertEquals(2L * (2 * 64 + 2 * 128 + 3 * 256 + 3 * 512 + 3 * 512), bn - 138_357_544L);
    }

    /**
     * Configuration C replaces the third 3×3 of stages 3–5 by a 1×1: 8·(256² + 2·512²) fewer
     * weights.
     */
    @Test
    void configurationCHasOneByOneLayers() {
        long c =
                ModelSummary.parameterCount(
                        Vgg.builder().optConfiguration(Vgg.Configuration.C).build(), IMAGENET);
        assertEquals(138_357_544L - 8L * (256 * 256 + 2 * 512 * 512), c);
        assertEquals(16, Vgg.Configuration.C.depth());
        assertEquals(
                List.of(11, 13, 16, 16, 19),
                java.util.Arrays.stream(Vgg.Configuration.values())
                        .map(Vgg.Configuration::depth)
                        .toList());
    }

    @Test
    void vgg16StageShapesHalveTheSideAndDoubleTheChannels() {
        Table t = ModelSummary.of(Vgg.builder().build(), IMAGENET);
        assertEquals(
                List.of(
                        "(1×64×112×112)",
                        "(1×128×56×56)",
                        "(1×256×28×28)",
                        "(1×512×14×14)",
                        "(1×512×7×7)",
                        "(1×25088)",
                        "(1×4096)",
                        "(1×4096)",
                        "(1×4096)",
                        "(1×4096)",
                        "(1×4096)",
                        "(1×4096)",
                        "(1×1000)",
                        ""),
                t.stringColumn("output").asList());
    }

    @Test
    void courseSizedVggTakes32PixelImagesToTenClasses() {
        Table t = ModelSummary.of(Vgg.courseSized().build(), new Shape(1, 32, 32));
        List<String> out = t.stringColumn("output").asList();
        assertEquals("(1×128×1×1)", out.get(4));
        assertEquals("(1×10)", out.get(out.size() - 2));
    }
}
