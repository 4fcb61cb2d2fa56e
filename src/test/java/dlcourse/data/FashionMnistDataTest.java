package dlcourse.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Needs the data that `make setup` prepares (as a user would). */
class FashionMnistDataTest {

    @Test
    void testSplitLoadsThroughDjlsOwnClass() throws Exception {
        RandomAccessDataset test = FashionMnistData.load(Dataset.Usage.TEST, 100, 10_000, 0, false);
        assertEquals(10_000, test.size());
        try (NDManager m = NDManager.newBaseManager()) {
            Batch batch = test.getData(m).iterator().next();
            NDArray x = batch.getData().head();
            NDArray y = batch.getLabels().head();
            assertEquals(new Shape(100, 1, 28, 28), x.getShape());
            assertTrue(x.min().getFloat() >= 0f && x.max().getFloat() <= 1f);
            assertTrue(x.max().getFloat() > 0.9f, "pixels are scaled to [0, 1], not all dark");
            float[] labels = y.toFloatArray();
            // The first test image of Fashion-MNIST is an ankle boot (9), the second a pullover (2).
            assertEquals(9f, labels[0]);
            assertEquals(2f, labels[1]);
            for (float l : labels) {
                assertTrue(l >= 0 && l <= 9);
            }
        }
    }

    @Test
    void examplesComeWithTheirClassNames() {
        try (NDManager m = NDManager.newBaseManager()) {
            var examples = FashionMnistData.examples(m, 3);
            assertEquals(new Shape(3, 1, 28, 28), examples.get(0).getShape());
            assertEquals(java.util.List.of("ботинок", "свитер", "брюки"), FashionMnistData.namesOf(examples.get(1)));
        }
    }

    @Test
    void trainSplitHasSixtyThousandImages() {
        assertEquals(60_000, FashionMnistData.load(Dataset.Usage.TRAIN, 256, 60_000, 0, true).size());
    }

    @Test
    void missingDataSaysHowToGetIt(@TempDir Path empty) throws Exception {
        Files.createDirectories(empty.resolve("data"));
        String old = System.getProperty("dlcourse.home");
        System.setProperty("dlcourse.home", empty.toString());
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, FashionMnistData::repository);
            assertTrue(e.getMessage().contains("make setup"), e.getMessage());
            assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
        } finally {
            System.setProperty("dlcourse.home", old);
        }
    }
}
