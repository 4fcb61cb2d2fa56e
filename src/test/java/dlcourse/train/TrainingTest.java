package dlcourse.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.loss.Loss;
import dlcourse.core.Seeds;
import dlcourse.data.FashionMnistData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** The training loop on real Fashion-MNIST data with a small perceptron (seconds per test). */
class TrainingTest {

    private static RandomAccessDataset train;
    private static RandomAccessDataset test;

    @BeforeAll
    static void data() {
        train = FashionMnistData.load(Dataset.Usage.TRAIN, 100, 2_000, 0, true);
        test = FashionMnistData.load(Dataset.Usage.TEST, 250, 1_000, 0, false);
    }

    private static Block perceptron() {
        return new SequentialBlock().add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(64).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(10).build());
    }

    private static Training.Builder setup(String name, int epochs) {
        return Training.of(perceptron(), new Shape(1, 28, 28)).name(name).epochs(epochs).learningRate(2e-3f).quiet();
    }

    @Test
    void learnsFarAboveChanceAndKeepsAHistoryRowPerEpoch() {
        Seeds.fix(1);
        try (Training.Result r = setup("learns", 3).fit(train, test)) {
            Table h = r.history();
            assertEquals(3, h.rowCount());
            assertEquals(List.of(1, 2, 3), h.intColumn("epoch").asList());
            assertTrue(r.testAccuracy() > 0.70, "test accuracy " + r.testAccuracy() + " (chance: 0.10)");
            assertTrue(h.doubleColumn("train_loss").get(2) < h.doubleColumn("train_loss").get(0), "loss falls");
            assertTrue(h.doubleColumn("images_per_s").min() > 0);
            double secondEpochAcc = h.doubleColumn("train_acc").get(1);
            assertTrue(r.firstEpochReaching("train_acc", secondEpochAcc) <= 2);
            assertEquals(-1, r.firstEpochReaching("train_acc", 1.01));
            assertEquals(1, r.firstEpochReaching("train_loss", 1e9), "losses count as reached when at most the level");
        }
    }

    @Test
    void aNonFiniteLossStopsTrainingWithAClearMessage() {
        Loss nan = new Loss("nan") {
            @Override
            public NDArray evaluate(NDList labels, NDList predictions) {
                return Loss.softmaxCrossEntropyLoss().evaluate(labels, predictions).mul(Float.NaN);
            }
        };
        LossNotFiniteException e = assertThrows(LossNotFiniteException.class,
                () -> setup("diverges", 2).loss(nan).fit(train, test));
        assertEquals(1, e.epoch());
        assertEquals(1, e.batch());
        assertTrue(e.getMessage().contains("скорость обучения"), e.getMessage());
    }

    /** A kernel that dies in epoch 3 loses only epoch 3: the next fit resumes after epoch 2. */
    @Test
    void aCrashedRunResumesFromTheLastCompletedEpoch(@TempDir Path dir) {
        System.setProperty("dl.checkpoints", dir.toString());
        try {
            Seeds.fix(2);
            Loss crashesInEpoch3 = new Loss("crash") {
                private int calls;

                @Override
                public NDArray evaluate(NDList labels, NDList predictions) {
                    if (++calls > 2 * 20 + 2 * 4) { // 20 train + 4 test batches per epoch
                        throw new IllegalStateException("simulated crash");
                    }
                    return Loss.softmaxCrossEntropyLoss().evaluate(labels, predictions);
                }
            };
            var crashing = Training.of(perceptron(), new Shape(1, 28, 28)).name("resume").epochs(4)
                    .quiet().loss(crashesInEpoch3).checkpoint("resume");
            assertThrows(IllegalStateException.class, () -> crashing.fit(train, test));

            try (Training.Result resumed = Training.of(perceptron(), new Shape(1, 28, 28)).name("resume")
                    .epochs(2).quiet().checkpoint("resume").fit(train, test)) {
                assertEquals(2, resumed.history().rowCount(), "two epochs restored, none retrained");
            }
            try (Training.Result finished = Training.of(perceptron(), new Shape(1, 28, 28)).name("resume")
                    .epochs(4).quiet().checkpoint("resume").fit(train, test)) {
                assertEquals(List.of(1, 2, 3, 4), finished.history().intColumn("epoch").asList());
                assertTrue(finished.testAccuracy() > 0.70, "resumed training keeps learning: " + finished.testAccuracy());
            }
        } finally {
            System.clearProperty("dl.checkpoints");
        }
    }

    @Test
    void restoredWeightsEqualTheSavedOnes(@TempDir Path dir) {
        System.setProperty("dl.checkpoints", dir.toString());
        try {
            Seeds.fix(3);
            List<float[]> trained;
            try (Training.Result r = setup("same", 1).checkpoint("same").fit(train, null)) {
                trained = weights(r.model().getBlock());
            }
            try (Training.Result again = setup("same", 1).checkpoint("same").fit(train, null)) {
                List<float[]> restored = weights(again.model().getBlock());
                for (int i = 0; i < trained.size(); i++) {
                    assertArrayEquals(trained.get(i), restored.get(i), 0f);
                }
            }
        } finally {
            System.clearProperty("dl.checkpoints");
        }
    }

    /** Every batch's tensors are freed with the batch: the count of open tensors is flat. */
    @Test
    void memoryStaysFlatAcrossEpochs() {
        Seeds.fix(4);
        try (Training.Result r = setup("memory", 6).fit(train, test)) {
            List<Integer> open = r.history().intColumn("open_tensors").asList();
            for (int i = 1; i < open.size(); i++) {
                assertEquals(open.get(0), open.get(i), "open tensors per epoch: " + open);
            }
            var rss = r.history().doubleColumn("rss_mib");
            double growth = (rss.get(5) - rss.get(1)) / 4;
            assertTrue(growth < 10, "resident memory grows " + growth + " MiB/epoch: " + rss.asList());
        }
    }

    private static List<float[]> weights(Block block) {
        List<float[]> out = new ArrayList<>();
        block.getParameters().forEach(p -> out.add(p.getValue().getArray().toFloatArray()));
        return out;
    }
}
