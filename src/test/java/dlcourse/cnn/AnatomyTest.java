package dlcourse.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import dlcourse.core.ModelSummary;
import org.junit.jupiter.api.Test;

class AnatomyTest {

    private static Block stack(int convs, int kernel) {
        return stack(convs, kernel, 1);
    }

    private static Block stack(int convs, int kernel, int channels) {
        SequentialBlock s = new SequentialBlock();
        for (int i = 0; i < convs; i++) {
            s.add(ConvLayers.conv(channels, kernel, 1, false));
        }
        return s;
    }

    /** The formula against the footprint of an output pixel's gradient on the input. */
    @Test
    void receptiveFieldOfStackedConvolutionsMatchesTheGradientFootprint() {
        assertEquals(7, Anatomy.receptiveField(stack(3, 3)));
        assertEquals(5, Anatomy.receptiveField(stack(2, 3)));
        assertEquals(7, Anatomy.receptiveField(stack(1, 7)));
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = stack(3, 3);
            net.setInitializer(new ConstantInitializer(1f), Parameter.Type.WEIGHT);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 15, 15));
            NDArray x = m.ones(new Shape(1, 1, 15, 15));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = net.forward(new ParameterStore(m, false), new NDList(x), true).head();
                gc.backward(y.get("0, 0, 7, 7"));
            }
            NDArray touched = x.getGradient().get("0, 0").gt(0);
            assertEquals(
                    7,
                    touched.toType(DataType.INT32, false)
                            .sum(new int[] {1})
                            .gt(0)
                            .countNonzero()
                            .getLong()); // rows
            assertEquals(49, touched.countNonzero().getLong());
        }
    }

    @Test
    void stackedThreeByThreeConvolutionsHaveTheLecturesWeightCounts() {
        // the lecture's 27·C² vs 49·C² for C = 8 channels in and out
        assertEquals(
                27L * 8 * 8, ModelSummary.parameterCount(stack(3, 3, 8), new Shape(8, 16, 16)));
        assertEquals(
                49L * 8 * 8, ModelSummary.parameterCount(stack(1, 7, 8), new Shape(8, 16, 16)));
    }

    @Test
    void depthCountsTheLongestPath() {
        assertEquals(16, Anatomy.depth(Vgg.builder().build(), false));
        assertEquals(21, Anatomy.depth(Vgg.builder().build(), true));
        assertEquals(50, Anatomy.depth(ResNet.builder(50).build(), false));
    }
}
