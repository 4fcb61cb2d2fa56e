package dlcourse.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dlcourse.core.Seeds;
import org.junit.jupiter.api.Test;

/** The conditional GAN feeds the class label to both players (Mirza and Osindero 2014). */
class ConditionalGanTest {

    private final GanModel cgan = ConditionalGan.dcgan(10, 4, 8);

    @Test
    void realImagesAreShownWithTheirLabelAndGeneratedOnesWithTheRequestedOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(new float[] {3, 7});
            NDArray condition = cgan.variant().realCondition(labels).head();
            float[] expected = new float[20];
            expected[3] = 1;
            expected[10 + 7] = 1;
            assertArrayEquals(expected, condition.toType(DataType.FLOAT32, false).toFloatArray());
            NDList codes = cgan.variant().sampleCodes(m, 5);
            assertEquals(new Shape(5, 10), codes.head().getShape());
            assertEquals(codes.head(), cgan.variant().fakeCondition(codes).head());
        }
    }

    @Test
    void bothPlayersOutputsDependOnTheLabel() {
        Seeds.fix(12);
        try (NDManager m = NDManager.newBaseManager()) {
            cgan.generator().initialize(m, DataType.FLOAT32, new Shape(2, 8), new Shape(2, 10));
            cgan.discriminator()
                    .initialize(m, DataType.FLOAT32, new Shape(2, 1, 28, 28), new Shape(2, 10));
            NDArray z = m.randomNormal(new Shape(2, 8));
            NDArray shirts = ConditionalGan.oneHot(m.create(new float[] {0, 0}), 10);
            NDArray bags = ConditionalGan.oneHot(m.create(new float[] {8, 8}), 10);
            NDArray asShirts = forward(cgan.generator(), m, z, shirts);
            NDArray asBags = forward(cgan.generator(), m, z, bags);
            assertEquals(new Shape(2, 1, 28, 28), asShirts.getShape());
            assertTrue(asShirts.sub(asBags).abs().max().getFloat() > 1e-4, "G ignores the label");
            NDArray dShirt = forward(cgan.discriminator(), m, asShirts, shirts);
            NDArray dBag = forward(cgan.discriminator(), m, asShirts, bags);
            assertEquals(new Shape(2, 1), dShirt.getShape());
            assertTrue(dShirt.sub(dBag).abs().max().getFloat() > 1e-6, "D ignores the label");
        }
    }

    private static NDArray forward(ai.djl.nn.Block block, NDManager m, NDArray... inputs) {
        return block.forward(new ParameterStore(m, false), new NDList(inputs), false).head();
    }
}
