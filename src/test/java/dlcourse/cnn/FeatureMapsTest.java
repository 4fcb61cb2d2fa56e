package dlcourse.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import org.junit.jupiter.api.Test;

class FeatureMapsTest {

    @Test
    void mapsAfterTheFirstConvolutionAreItsRectifiedOutput() {
        try (Model model = Model.newInstance("maps")) {
            SequentialBlock net = (SequentialBlock) AlexNet.courseSized().build();
            model.setBlock(net);
            NDManager m = model.getNDManager();
            net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            NDArray x = m.randomUniform(0, 1, new Shape(2, 1, 28, 28));
            NDArray maps = FeatureMaps.afterConvolution(net, 1, x);
            assertEquals(new Shape(2, 32, 28, 28), maps.getShape());
            NDArray w = FeatureMaps.firstFilters(net);
            NDArray b = net.getChildren().get(0).getValue().getParameters().get("bias").getArray();
            NDArray expected =
                    Conv2d.conv2d(x, w, b, new Shape(1, 1), new Shape(3, 3))
                            .singletonOrThrow()
                            .maximum(0);
            assertTrue(expected.sub(maps).abs().max().getFloat() < 1e-5);
            assertEquals(
                    new Shape(2, 64, 13, 13), FeatureMaps.afterConvolution(net, 2, x).getShape());
            assertThrows(
                    IllegalArgumentException.class, () -> FeatureMaps.afterConvolution(net, 6, x));
        }
    }

    @Test
    void firstFiltersFindTheStemConvolutionOfAResNetAndSayWhyMapsNeedBlocks() {
        try (Model model = Model.newInstance("resnet")) {
            var net = ResNet.courseSized(18).build();
            model.setBlock(net);
            assertThrows(
                    IllegalStateException.class,
                    () -> FeatureMaps.firstFilters(net)); // not yet initialised
            net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 28, 28));
            NDArray w = FeatureMaps.firstFilters(net);
            var stem = net.getChildren().get(0).getValue();
            assertEquals(
                    stem.getChildren().get(0).getValue().getParameters().get("weight").getArray(),
                    w);
            assertEquals(4, w.getShape().dimension());
            var e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    FeatureMaps.afterConvolution(
                                            net,
                                            1,
                                            model.getNDManager().zeros(new Shape(1, 1, 28, 28))));
            assertTrue(e.getMessage().contains("FeatureMaps.after("), e.getMessage());
        }
    }
}
