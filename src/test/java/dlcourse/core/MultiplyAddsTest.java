package dlcourse.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.core.Prelu;
import dlcourse.cnn.AlexNet;
import dlcourse.cnn.GoogLeNet;
import dlcourse.cnn.MobileNetV2;
import dlcourse.cnn.ResNet;
import dlcourse.cnn.SqueezeNet;
import dlcourse.cnn.Vgg;
import dlcourse.nn.TransposedConv2d;
import dlcourse.rnn.Recurrent;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MultiplyAddsTest {

    private static final Shape IMAGENET = new Shape(3, 224, 224);

    private static Conv2d conv(int filters, int kernel, int stride, int padding, int groups) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .optGroups(groups)
                .build();
    }

    @Test
    void aConvolutionMultipliesItsKernelAtEveryOutputPixel() {
        assertEquals(
                28L * 28 * 32 * 16 * 3 * 3,
                MultiplyAdds.of(conv(32, 3, 1, 1, 1), new Shape(16, 28, 28)));
        // stride 2 halves each side of the output; 4 groups see a quarter of the input channels
        // each
        assertEquals(
                14L * 14 * 32 * 16 * 3 * 3,
                MultiplyAdds.of(conv(32, 3, 2, 1, 1), new Shape(16, 28, 28)));
        assertEquals(
                28L * 28 * 32 * (16 / 4) * 3 * 3,
                MultiplyAdds.of(conv(32, 3, 1, 1, 4), new Shape(16, 28, 28)));
    }

    @Test
    void aFullyConnectedLayerCountsItsWeightsOncePerPosition() {
        assertEquals(
                100L * 10, MultiplyAdds.of(Linear.builder().setUnits(10).build(), new Shape(100)));
        // applied at each of 7 time steps (a language model's read-out)
        assertEquals(
                7L * 100 * 10,
                MultiplyAdds.of(Linear.builder().setUnits(10).build(), new Shape(7, 100)));
    }

    /** Per step: four gates, each a (C + H) → H product; T steps. */
    @Test
    void anLstmMultipliesFourGateMatricesAtEveryStep() {
        int t = 9;
        int c = 5;
        int h = 6;
        assertEquals(
                (long) t * 4 * h * (c + h),
                MultiplyAdds.of(Recurrent.engineLstm(h, 1f), new Shape(t, c)));
        assertEquals(
                (long) t * h * (c + h), MultiplyAdds.of(Recurrent.engineRnn(h), new Shape(t, c)));
    }

    /**
     * A transposed convolution is the adjoint of a strided convolution (the gradient of one is the
     * other): the same products, read backwards. Its useful count equals the strided convolution's
     * from its output back to its input.
     */
    @Test
    void aTransposedConvolutionCostsWhatItsAdjointConvolutionCosts() {
        long transposed =
                MultiplyAdds.of(
                        TransposedConv2d.of(8, 4, 2, 1), new Shape(16, 7, 7)); // → (8, 14, 14)
        long adjoint = MultiplyAdds.of(conv(16, 4, 2, 1, 1), new Shape(8, 14, 14)); // → (16, 7, 7)
        assertEquals(7L * 7 * 16 * 8 * 4 * 4, transposed);
        assertEquals(adjoint, transposed);
    }

    @Test
    void aLayerWithWeightsItCannotCountIsAnError() {
        assertThrows(
                IllegalArgumentException.class, () -> MultiplyAdds.of(new Prelu(), new Shape(4)));
    }

    /**
     * Published counts, in G multiply-adds per 224×224 image (torchvision's model documentation
     * lists them as "GFLOPS", https://pytorch.org/vision/stable/models.html, rounded to 0.01).
     */
    @ParameterizedTest(name = "{0}: {1} G")
    @CsvSource({
        "alexnet, 0.71",
        "vgg16, 15.47",
        "googlenet, 1.50",
        "resnet18, 1.81",
        "resnet34, 3.66",
        "mobilenet_v2, 0.30",
        "squeezenet1_0, 0.82",
        "squeezenet1_1, 0.35"
    })
    void canonicalModelsMatchTorchvisionsPublishedCounts(String name, double published) {
        Supplier<Block> model =
                switch (name) {
                    case "alexnet" ->
                            () ->
                                    AlexNet.builder()
                                            .optWidths(64, 192, 384, 256, 256)
                                            .optGroups(1)
                                            .optLocalResponseNorm(false)
                                            .build();
                    case "vgg16" -> () -> Vgg.builder().build();
                    case "googlenet" -> () -> GoogLeNet.torchvision().optAuxiliary(false).build();
                    case "resnet18" -> () -> ResNet.builder(18).build();
                    case "resnet34" -> () -> ResNet.builder(34).build();
                    case "mobilenet_v2" -> () -> MobileNetV2.build(1000);
                    case "squeezenet1_0" -> () -> SqueezeNet.build(SqueezeNet.Version.V1_0, 1000);
                    case "squeezenet1_1" -> () -> SqueezeNet.build(SqueezeNet.Version.V1_1, 1000);
                    default -> throw new IllegalArgumentException(name);
                };
        assertEquals(published, MultiplyAdds.of(model.get(), IMAGENET) / 1e9, 0.005 + 1e-9);
    }

    /**
     * Bottleneck ResNets against the paper's Table 1 ("FLOPs", i.e. multiply-adds: 3.8, 7.6 and
     * 11.3·10⁹; exact counts 3.86, 7.57, 11.28, so within 2 %). torchvision lists 4.09, 7.80 and
     * 11.51: its "v1.5" moves each down-sampling bottleneck's stride from the first 1×1 convolution
     * to the 3×3 one, 6 % more for ResNet-50, which this margin rejects; ours follows the paper.
     */
    @ParameterizedTest(name = "ResNet-{0}: {1}·10⁹")
    @CsvSource({"50, 3.8", "101, 7.6", "152, 11.3"})
    void bottleneckResNetsMatchThePapersTable(int depth, double published) {
        assertEquals(
                published,
                MultiplyAdds.of(ResNet.builder(depth).build(), IMAGENET) / 1e9,
                0.02 * published);
    }
}
