package dlcourse.superres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dlcourse.core.Profile;
import dlcourse.core.Seeds;
import dlcourse.data.FashionMnistData;
import dlcourse.gan.AdversarialTraining;
import dlcourse.gan.GanModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/** SRGAN in the course's GAN loop: D's shapes, the start from a trained G, the content loss. */
class SrganTest {

    private static final Shape IMAGE = new Shape(1, 28, 28);

    @BeforeAll
    static void smoke() {
        Profile.use(Profile.SMOKE);
    }

    private static SrResNet.Builder tiny() {
        return SrResNet.courseSized().optResidualBlocks(1).optChannels(8);
    }

    @Test
    void theDiscriminatorGivesOneLogitPerImage() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (Shape image : new Shape[] {new Shape(2, 1, 28, 28), new Shape(2, 3, 96, 96)}) {
                Block d = Srgan.discriminator(8);
                d.initialize(m, DataType.FLOAT32, image);
                NDArray logit =
                        d.forward(new ParameterStore(m, false), new NDList(m.zeros(image)), false)
                                .head();
                assertEquals(new Shape(2, 1), logit.getShape(), image.toString());
            }
        }
    }

    /**
     * optInitialGenerator: G starts as a copy of the given block; without it, from fresh weights.
     */
    @Test
    void theGameCanStartFromATrainedGenerator() {
        Seeds.fix(8);
        try (NDManager m = NDManager.newBaseManager()) {
            Block trained = tiny().build();
            trained.initialize(m, DataType.FLOAT32, new Shape(1, 1, 14, 14));
            NDArray lowRes = m.randomUniform(-1f, 1f, new Shape(4, 1, 14, 14));
            NDArray expected =
                    trained.forward(new ParameterStore(m, false), new NDList(lowRes), false)
                            .head()
                            .add(1)
                            .div(2);
            GanModel srgan =
                    Srgan.builder(tiny(), IMAGE, Srgan.pixelLoss())
                            .optDiscriminatorWidth(4)
                            .build();
            try (var copy = AdversarialTraining.of(srgan).optInitialGenerator(trained).start()) {
                NDArray y = copy.generate(new NDList(lowRes));
                assertEquals(0, y.sub(expected).abs().max().getFloat(), 1e-6);
            }
            try (var fresh = AdversarialTraining.of(srgan).start()) {
                NDArray y = fresh.generate(new NDList(lowRes));
                assertTrue(y.sub(expected).abs().max().getFloat() > 1e-3, "a fresh G differs");
            }
        }
    }

    /**
     * A short SRGAN game on Fashion-MNIST ×2: G is fed the real batch at low resolution and its
     * content loss falls far below where it started.
     */
    @Test
    void aShortGameLowersTheContentLossFarBelowItsStart() {
        Seeds.fix(9);
        GanModel srgan =
                Srgan.builder(tiny(), IMAGE, Srgan.pixelLoss()).optDiscriminatorWidth(4).build();
        try (var game =
                AdversarialTraining.of(srgan)
                        .optLearningRate(2e-3f)
                        .optLogEvery(5)
                        .optQuiet()
                        .start()) {
            Table h = game.fit(FashionMnistData.train(32), 60);
            double first = h.doubleColumn("content").get(0);
            double last = h.doubleColumn("content").get(h.rowCount() - 1);
            assertTrue(first > 0.05, "an untrained G is far from the images: " + first);
            assertTrue(last < 0.25 * first, "content loss " + first + " → " + last);
            // G's objective is the content plus 10⁻³ of the adversarial BCE
            double g = h.doubleColumn("g_loss").get(h.rowCount() - 1);
            assertTrue(g > last && g < last + 0.01, "g_loss " + g + " vs content " + last);
        }
    }
}
