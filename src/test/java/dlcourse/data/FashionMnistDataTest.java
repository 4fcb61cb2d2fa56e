package dlcourse.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.basicdataset.cv.classification.FashionMnist;
import ai.djl.modality.cv.transform.Resize;
import ai.djl.modality.cv.transform.ToTensor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.translate.Pipeline;
import dlcourse.core.CourseHome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
            // The first test image of Fashion-MNIST is an ankle boot (9), the second a pullover
            // (2).
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
            assertEquals(
                    java.util.List.of("ботинок", "свитер", "брюки"),
                    FashionMnistData.namesOf(examples.get(1)));
        }
    }

    @Test
    void trainSplitHasSixtyThousandImages() {
        assertEquals(
                60_000, FashionMnistData.load(Dataset.Usage.TRAIN, 256, 60_000, 0, true).size());
    }

    /**
     * The split held in memory equals what DJL's own per-image pipeline (FashionMnist with
     * ToTensor, and Resize before it) produces, image for image: the independent reference for the
     * bulk conversion.
     */
    @ParameterizedTest(name = "side {0}")
    @ValueSource(ints = {0, 32})
    void heldSplitEqualsDjlsPerImagePipeline(int side) throws Exception {
        Pipeline perImage = new Pipeline();
        if (side > 0) {
            perImage.add(new Resize(side, side));
        }
        perImage.add(new ToTensor());
        FashionMnist djl =
                FashionMnist.builder()
                        .optRepository(FashionMnistData.repository())
                        .optUsage(Dataset.Usage.TRAIN)
                        .optLimit(300)
                        .setSampling(300, false)
                        .optPipeline(perImage)
                        .build();
        djl.prepare();
        try (NDManager m = NDManager.newBaseManager();
                Batch reference = djl.getData(m).iterator().next();
                Batch ours =
                        FashionMnistData.load(Dataset.Usage.TRAIN, 300, 300, side, false)
                                .getData(m)
                                .iterator()
                                .next()) {
            assertEquals(reference.getData().head().getShape(), ours.getData().head().getShape());
            assertEquals(
                    0f,
                    reference.getData().head().sub(ours.getData().head()).abs().max().getFloat(),
                    1e-5f);
            assertEquals(
                    0f,
                    reference
                            .getLabels()
                            .head()
                            .sub(ours.getLabels().head())
                            .abs()
                            .max()
                            .getFloat());
        }
    }

    /**
     * A re-run cell loads again: the split is read once, not copied into native memory per call.
     */
    @Test
    void loadingAgainDoesNotCopyTheSplit() {
        FashionMnistData.load(Dataset.Usage.TRAIN, 128, 60_000, 0, true); // read once
        double before = dlcourse.train.Memory.residentMiB();
        for (int i = 0; i < 5; i++) {
            FashionMnistData.load(Dataset.Usage.TRAIN, 128, 60_000, 0, true);
        }
        double grown = dlcourse.train.Memory.residentMiB() - before;
        assertTrue(
                grown < 50,
                "five loads grew resident memory by "
                        + grown
                        + " MiB (one copy of the split is 180)");
    }

    /**
     * The first load on a machine that never ran DJL: a child JVM whose DJL cache and engine cache
     * are new empty folders reads the test split as a notebook does. (With the earlier relative
     * layout of tools/prepare_data.sh it failed here with FileNotFoundException, while every
     * in-process test passed on a warm cache.)
     */
    @Test
    void firstLoadOnAMachineThatNeverRanDjl(@TempDir Path fresh) throws Exception {
        Path djlCache = fresh.resolve("djl");
        ProcessBuilder child =
                new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dai.djl.offline=true",
                        "-Ddlcourse.home=" + CourseHome.home(),
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=off",
                        FirstLoad.class.getName());
        child.environment().put("DJL_CACHE_DIR", djlCache.toString());
        child.environment().put("ENGINE_CACHE_DIR", fresh.resolve("engine").toString());
        child.redirectErrorStream(true);
        Process process = child.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the child JVM did not finish: " + output);
        assertEquals(
                0, process.exitValue(), "first load with an empty DJL cache failed:\n" + output);
        assertTrue(output.contains("test split: 10000 images, first labels 9 2"), output);
        assertTrue(
                Files.isDirectory(
                        djlCache.resolve("cache/repo/dataset/cv/ai/djl/basicdataset/fashmnist")),
                "the child did not go through DJL's (empty) cache; its output:\n" + output);
    }

    /** The child JVM of {@link #firstLoadOnAMachineThatNeverRanDjl}. */
    static final class FirstLoad {
        public static void main(String[] args) {
            try (NDManager m = NDManager.newBaseManager()) {
                var split = FashionMnistData.tensors(Dataset.Usage.TEST, 10_000, m);
                float[] labels = split.get(1).toFloatArray();
                System.out.printf(
                        "test split: %d images, first labels %d %d%n",
                        split.get(0).getShape().get(0), (int) labels[0], (int) labels[1]);
            }
        }
    }

    @Test
    void missingDataSaysHowToGetIt(@TempDir Path empty) throws Exception {
        Files.createDirectories(empty.resolve("data"));
        String old = System.getProperty("dlcourse.home");
        System.setProperty("dlcourse.home", empty.toString());
        try {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, FashionMnistData::repository);
            assertTrue(e.getMessage().contains("make setup"), e.getMessage());
            assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
        } finally {
            System.setProperty("dlcourse.home", old);
        }
    }
}
