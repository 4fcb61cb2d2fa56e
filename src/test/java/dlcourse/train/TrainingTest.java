package dlcourse.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dlcourse.core.Seeds;
import dlcourse.data.FashionMnistData;
import dlcourse.rnn.CharLanguageModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** The training loop on real Fashion-MNIST data with a small perceptron (seconds per test). */
class TrainingTest {

    /** Arrays for hand-made data sets, alive for the whole class. */
    private static final NDManager DATA = NDManager.newBaseManager();

    private static RandomAccessDataset train;
    private static RandomAccessDataset test;

    @BeforeAll
    static void data() {
        train = FashionMnistData.load(Dataset.Usage.TRAIN, 100, 2_000, 0, true);
        test = FashionMnistData.load(Dataset.Usage.TEST, 250, 1_000, 0, false);
    }

    private static Block perceptron() {
        return new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(64).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(10).build());
    }

    /** Softmax cross-entropy times NaN: a loss that diverges on the first batch. */
    private static Loss nanLoss() {
        return new Loss("nan") {
            @Override
            public NDArray evaluate(NDList labels, NDList predictions) {
                return Loss.softmaxCrossEntropyLoss().evaluate(labels, predictions).mul(Float.NaN);
            }
        };
    }

    private static NDArray oneHot(NDArray tokens, int v) {
        return tokens.toType(ai.djl.ndarray.types.DataType.INT64, false)
                .oneHot(v)
                .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
    }

    private static Training.Builder setup(String name, int epochs) {
        return Training.of(perceptron(), new Shape(1, 28, 28))
                .optName(name)
                .optEpochs(epochs)
                .optLearningRate(2e-3f)
                .optQuiet();
    }

    @Test
    void learnsFarAboveChanceAndKeepsAHistoryRowPerEpoch() {
        Seeds.fix(1);
        try (Training.Result r = setup("learns", 3).fit(train, test)) {
            Table h = r.history();
            assertEquals(3, h.rowCount());
            assertEquals(List.of(1, 2, 3), h.intColumn("epoch").asList());
            assertTrue(
                    r.testAccuracy() > 0.70,
                    "test accuracy " + r.testAccuracy() + " (chance: 0.10)");
            assertTrue(
                    h.doubleColumn("train_loss").get(2) < h.doubleColumn("train_loss").get(0),
                    "loss falls");
            assertTrue(h.doubleColumn("images_per_s").min() > 0);
            double secondEpochAcc = h.doubleColumn("train_acc").get(1);
            assertTrue(r.firstEpochReaching("train_acc", secondEpochAcc) <= 2);
            assertEquals(-1, r.firstEpochReaching("train_acc", 1.01));
            assertEquals(
                    1,
                    r.firstEpochReaching("train_loss", 1e9),
                    "losses count as reached when at most the level");
        }
    }

    @Test
    void aNonFiniteLossStopsTrainingWithAClearMessage() {
        Loss nan = nanLoss();
        LossNotFiniteException e =
                assertThrows(
                        LossNotFiniteException.class,
                        () -> setup("diverges", 2).optLoss(nan).fit(train, test));
        assertEquals(1, e.epoch());
        assertEquals(1, e.batch());
        assertTrue(
                e.getMessage().contains("скорость обучения (сейчас: optLearningRate(2e-3), Adam)"),
                e.getMessage());
    }

    /**
     * A student re-runs the training cell: the same network object, the same name. The second fit
     * continues from the first one's weights (it used to fail: closing the first model freed them);
     * after a failed fit and after Result.close() the cell can be re-run too.
     */
    @Test
    void theTrainingCellCanBeRerunOnTheSameNetwork() {
        Block net = perceptron();
        Training.Builder cell =
                Training.of(net, new Shape(1, 28, 28))
                        .optName("rerun")
                        .optEpochs(1)
                        .optLearningRate(2e-3f)
                        .optQuiet();
        double first = cell.fit(train, test).last("train_loss");
        Training.Result again = cell.fit(train, test);
        assertTrue(
                again.last("train_loss") < first,
                "the re-run did not continue from the trained weights: "
                        + first
                        + " then "
                        + again.last("train_loss"));
        Loss nan = nanLoss();
        assertThrows(
                LossNotFiniteException.class,
                () ->
                        Training.of(net, new Shape(1, 28, 28))
                                .optName("rerun")
                                .optEpochs(1)
                                .optLoss(nan)
                                .optQuiet()
                                .fit(train, test));
        double afterFailure = cell.fit(train, test).last("train_loss");
        assertTrue(afterFailure < first, "a failed fit lost the weights: " + afterFailure);
        Training.Result last = cell.fit(train, test);
        last.close(); // frees the weights: the next fit starts afresh, as on a new network
        try (Training.Result fresh = cell.fit(train, test)) {
            assertTrue(
                    fresh.last("train_loss") > afterFailure,
                    "after close() the weights should be new");
        }
    }

    /** A kernel that dies in epoch 3 loses only epoch 3: the next fit resumes after epoch 2. */
    @Test
    void aCrashedRunResumesFromTheLastCompletedEpoch(@TempDir Path dir) {
        System.setProperty("dl.checkpoints", dir.toString());
        try {
            Seeds.fix(2);
            var crashing =
                    Training.of(perceptron(), new Shape(1, 28, 28))
                            .optName("resume")
                            .optEpochs(4)
                            .optQuiet()
                            .addEpochListener(
                                    (epoch, history, model) -> {
                                        if (epoch == 3) { // trained, not yet saved
                                            throw new IllegalStateException("simulated crash");
                                        }
                                    })
                            .optCheckpoint("resume");
            assertThrows(IllegalStateException.class, () -> crashing.fit(train, test));

            try (Training.Result resumed =
                    Training.of(perceptron(), new Shape(1, 28, 28))
                            .optName("resume")
                            .optEpochs(2)
                            .optQuiet()
                            .optCheckpoint("resume")
                            .fit(train, test)) {
                assertEquals(
                        2, resumed.history().rowCount(), "two epochs restored, none retrained");
            }
            try (Training.Result finished =
                    Training.of(perceptron(), new Shape(1, 28, 28))
                            .optName("resume")
                            .optEpochs(4)
                            .optQuiet()
                            .optCheckpoint("resume")
                            .fit(train, test)) {
                assertEquals(List.of(1, 2, 3, 4), finished.history().intColumn("epoch").asList());
                assertTrue(
                        finished.testAccuracy() > 0.70,
                        "resumed training keeps learning: " + finished.testAccuracy());
            }
        } finally {
            System.clearProperty("dl.checkpoints");
        }
    }

    /**
     * The student's case: the training cell is interrupted after epoch 1 was saved and run again on
     * the same network object, now initialised. It must resume from the checkpoint, not train on
     * (the checkpoint's fingerprint once came from the block before initialisation on the first run
     * and after it on the second, so they never matched).
     */
    @Test
    void aRerunOnTheSameNetworkResumesFromItsCheckpoint(@TempDir Path dir) {
        System.setProperty("dl.checkpoints", dir.toString());
        try {
            Seeds.fix(6);
            Block net = perceptron();
            var interrupted =
                    Training.of(net, new Shape(1, 28, 28))
                            .optName("rerun")
                            .optEpochs(2)
                            .optQuiet()
                            .addEpochListener(
                                    (epoch, history, model) -> {
                                        if (epoch == 2) { // trained, not yet saved
                                            throw new IllegalStateException("interrupted");
                                        }
                                    })
                            .optCheckpoint("rerun");
            assertThrows(IllegalStateException.class, () -> interrupted.fit(train, null));
            int[] trained = {0};
            try (Training.Result rerun =
                    Training.of(net, new Shape(1, 28, 28))
                            .optName("rerun")
                            .optEpochs(2)
                            .optQuiet()
                            .optCheckpoint("rerun")
                            .addEpochListener((e, h, m) -> trained[0]++)
                            .fit(train, null)) {
                assertEquals(1, trained[0], "epoch 1 restored, only epoch 2 trained");
                assertEquals(List.of(1, 2), rerun.history().intColumn("epoch").asList());
            }
        } finally {
            System.clearProperty("dl.checkpoints");
        }
    }

    /**
     * A checkpoint is resumed only by the same set-up: changing the learning rate, the optimizer or
     * its settings, the loss or the batch size trains afresh instead of reporting the old run as
     * finished.
     */
    @Test
    void aChangedSetUpTrainsAfreshInsteadOfResuming(@TempDir Path dir) {
        System.setProperty("dl.checkpoints", dir.toString());
        try {
            Seeds.fix(4);
            assertEquals(1, epochsRun(setup("set-up", 1), train), "first fit");
            assertEquals(0, epochsRun(setup("set-up", 1), train), "same set-up: resumed");
            assertEquals(1, epochsRun(setup("set-up", 1).optLearningRate(1e-2f), train), "rate");
            assertEquals(0, epochsRun(setup("set-up", 1).optLearningRate(1e-2f), train), "again");
            assertEquals(
                    1,
                    epochsRun(
                            setup("set-up", 1)
                                    .optLearningRate(1e-2f)
                                    .optLoss(
                                            Loss.softmaxCrossEntropyLoss(
                                                    "half", 0.5f, -1, true, true)),
                            train),
                    "loss");
            var sgd = sgd(0.1f);
            assertEquals(1, epochsRun(setup("set-up", 1).optOptimizer(sgd), train), "optimizer");
            assertEquals(
                    0,
                    epochsRun(setup("set-up", 1).optOptimizer(sgd(0.1f)), train),
                    "an equal optimizer, used or new, resumes");
            assertEquals(
                    1, epochsRun(setup("set-up", 1).optOptimizer(sgd(0.2f)), train), "its rate");
            var batchesOf50 = FashionMnistData.load(Dataset.Usage.TRAIN, 50, 2_000, 0, true);
            assertEquals(
                    1,
                    epochsRun(setup("set-up", 1).optOptimizer(sgd(0.2f)), batchesOf50),
                    "batch size");
        } finally {
            System.clearProperty("dl.checkpoints");
        }
    }

    private static Optimizer sgd(float rate) {
        return Optimizer.sgd().setLearningRateTracker(Tracker.fixed(rate)).build();
    }

    /** Fits with checkpoint "set-up"; returns how many epochs it trained (not restored). */
    private static int epochsRun(Training.Builder fit, RandomAccessDataset data) {
        int[] trained = {0};
        try (Training.Result r =
                fit.optCheckpoint("set-up")
                        .addEpochListener((e, h, m) -> trained[0]++)
                        .fit(data, null)) {
            return trained[0];
        }
    }

    @Test
    void restoredWeightsEqualTheSavedOnes(@TempDir Path dir) {
        System.setProperty("dl.checkpoints", dir.toString());
        try {
            Seeds.fix(3);
            List<float[]> trained;
            try (Training.Result r = setup("same", 1).optCheckpoint("same").fit(train, null)) {
                trained = weights(r.model().getBlock());
            }
            try (Training.Result again = setup("same", 1).optCheckpoint("same").fit(train, null)) {
                List<float[]> restored = weights(again.model().getBlock());
                for (int i = 0; i < trained.size(); i++) {
                    assertArrayEquals(trained.get(i), restored.get(i), 0f);
                }
            }
        } finally {
            System.clearProperty("dl.checkpoints");
        }
    }

    /**
     * Two kernels fitting the same checkpoint (notebooks run side by side that share a classifier,
     * one notebook open twice) take turns: while another process holds it, a fit waits, and it
     * trains once that process lets go. (Without the lock the fit ended at once, beside the other.)
     */
    @Test
    void aFitWaitsWhileAnotherProcessTrainsItsCheckpoint(@TempDir Path dir) throws Exception {
        System.setProperty("dl.checkpoints", dir.toString());
        Process holder =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                LockHolder.class.getName(),
                                dir.resolve("taken.lock").toString())
                        .redirectErrorStream(true)
                        .start();
        try {
            var said =
                    new BufferedReader(
                            new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", said.readLine(), "the other process did not take the lock");
            Seeds.fix(5);
            var fit =
                    CompletableFuture.supplyAsync(
                            () -> setup("taken", 1).optCheckpoint("taken").fit(train, null));
            Thread.sleep(2_000);
            assertFalse(fit.isDone(), "the fit trained while another process held its checkpoint");
            holder.getOutputStream().close(); // the other process lets go and exits
            try (Training.Result r = fit.get(2, TimeUnit.MINUTES)) {
                assertEquals(1, r.history().rowCount(), "trained once the checkpoint was free");
            }
        } finally {
            holder.destroyForcibly();
            System.clearProperty("dl.checkpoints");
        }
    }

    /** The other process of {@link #aFitWaitsWhileAnotherProcessTrainsItsCheckpoint}. */
    static final class LockHolder {
        public static void main(String[] args) throws Exception {
            try (FileChannel channel =
                            FileChannel.open(
                                    Path.of(args[0]),
                                    StandardOpenOption.CREATE,
                                    StandardOpenOption.WRITE);
                    var lock = channel.lock()) {
                System.out.println("locked");
                System.out.flush();
                System.in.read(); // until the test closes our stdin
            }
        }
    }

    /** Every batch's tensors are freed with the batch: the count of open tensors is flat. */
    @Test
    void memoryStaysFlatAcrossEpochs() {
        Seeds.fix(4);
        Memory.PerEpoch memory = Memory.perEpoch();
        try (Training.Result r = setup("memory", 6).addEpochListener(memory).fit(train, test)) {
            List<Integer> open = memory.table().intColumn("open_tensors").asList();
            for (int i = 1; i < open.size(); i++) {
                assertEquals(open.get(0), open.get(i), "open tensors per epoch: " + open);
            }
            var rss = memory.table().doubleColumn("rss_mib");
            double growth = (rss.get(5) - rss.get(1)) / 4;
            assertTrue(
                    growth < 10, "resident memory grows " + growth + " MiB/epoch: " + rss.asList());
        }
    }

    /**
     * DJL 0.36 creates Adam's moments in the engine's untracked system manager, so closing the
     * model does not free them: the course's loop frees them when a fit ends.
     */
    @Test
    void adamsMomentsAreFreedWhenAFitEnds() {
        Seeds.fix(5);
        Optimizer adam = Optimizer.adam().build();
        Block net = perceptron();
        try (Training.Result r = setup("adam-state", 1).optOptimizer(adam).fit(train, null)) {
            assertEquals(0, FitOptimizer.release(adam), "the fit left Adam's state behind");
        }
        assertEquals(0, FitOptimizer.open(), "a fit left its optimizer open");
        // the same optimizer used directly through a DJL trainer keeps its state until released
        try (Model model = Model.newInstance("direct")) {
            model.setBlock(net);
            try (Trainer t =
                            model.newTrainer(
                                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                                            .optOptimizer(adam));
                    Batch batch = t.iterateDataset(train).iterator().next()) {
                t.initialize(new Shape(1, 1, 28, 28));
                try (GradientCollector gc = t.newGradientCollector()) {
                    gc.backward(
                            t.getLoss().evaluate(batch.getLabels(), t.forward(batch.getData())));
                }
                t.step();
                int weights = net.getParameters().size();
                assertEquals(2 * weights, FitOptimizer.release(adam), "two moments per parameter");
            } catch (java.io.IOException | ai.djl.translate.TranslateException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * One SGD step (lr 1) on a linear map whose inputs are the unit vectors: predictions = weights.
     */
    private static Training.Result oneSgdStep(String name, Double clip, float[] firstPredictions) {
        int c = 4;
        float[] y = {100f, -80f, 60f, 40f};
        var data =
                new ArrayDataset.Builder()
                        .setData(DATA.eye(c))
                        .optLabels(DATA.create(y))
                        .setSampling(c, false)
                        .build();
        Loss capture =
                new Loss("l2-captured") {
                    private final Loss l2 = Loss.l2Loss();

                    @Override
                    public NDArray evaluate(NDList labels, NDList predictions) {
                        float[] p = predictions.head().toFloatArray();
                        System.arraycopy(p, 0, firstPredictions, 0, p.length);
                        return l2.evaluate(labels, predictions);
                    }
                };
        Training.Builder b =
                Training.of(Linear.builder().setUnits(1).optBias(false).build(), new Shape(c))
                        .optName(name)
                        .optEpochs(1)
                        .optLoss(capture)
                        .optQuiet()
                        .optOptimizer(
                                Optimizer.sgd().setLearningRateTracker(Tracker.fixed(1f)).build());
        return (clip == null ? b : b.optClipGradients(clip)).fit(data, null);
    }

    /**
     * With clipping, the update is the gradient scaled to norm θ: for L = mean ½(w_i − y_i)² the
     * gradient is (w − y)/4, so w₁ = w₀ − θ·(w₀ − y)/‖w₀ − y‖; the recorded norm is ‖w₀ − y‖/4.
     */
    @Test
    void clippingStepsAlongTheClippedGradientAndRecordsTheNorm() {
        Seeds.fix(5);
        float[] w0 = new float[4];
        double theta = 0.5;
        try (Training.Result r = oneSgdStep("clip", theta, w0)) {
            float[] g = new float[4];
            double norm = 0;
            for (int i = 0; i < 4; i++) {
                g[i] = (w0[i] - new float[] {100f, -80f, 60f, 40f}[i]) / 4;
                norm += g[i] * g[i];
            }
            norm = Math.sqrt(norm);
            assertTrue(norm > 10 * theta, "the set-up must need clipping: ‖g‖ = " + norm);
            assertEquals(1, r.gradientNorms().length, "one step, one recorded norm");
            assertEquals(norm, r.gradientNorms()[0], 1e-3 * norm);
            assertEquals(norm, r.last("grad_norm_max"), 1e-3 * norm);
            float[] w1 =
                    r.model().getBlock().getParameters().get("weight").getArray().toFloatArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(w0[i] - theta * g[i] / norm, w1[i], 1e-4, "weight " + i);
            }
        }
        Seeds.fix(5);
        float[] w0Unclipped = new float[4];
        try (Training.Result r = oneSgdStep("noclip", null, w0Unclipped)) {
            assertArrayEquals(w0, w0Unclipped, 0f, "same seed, same start");
            assertEquals(0, r.gradientNorms().length, "no norms recorded without clipping");
            assertFalse(r.history().containsColumn("grad_norm_max"));
            float[] w1 =
                    r.model().getBlock().getParameters().get("weight").getArray().toFloatArray();
            assertTrue(
                    Math.abs(w1[0] - w0[0]) > 10 * theta,
                    "the unclipped step is long: " + (w1[0] - w0[0]));
        }
    }

    /** Clipping every step leaves no tensors behind. */
    @Test
    void clippingKeepsMemoryFlat() {
        Seeds.fix(6);
        Memory.PerEpoch memory = Memory.perEpoch();
        try (Training.Result r =
                setup("clipmem", 2).optClipGradients(1).addEpochListener(memory).fit(train, test)) {
            List<Integer> open = memory.table().intColumn("open_tensors").asList();
            assertEquals(open.get(0), open.get(1), "open tensors per epoch: " + open);
            assertEquals(2 * 20, r.gradientNorms().length, "20 batches per epoch");
            for (double n : r.gradientNorms()) {
                assertTrue(Double.isFinite(n) && n > 0, "norm " + n);
            }
            assertTrue(r.testAccuracy() > 0.70, "still learns with clipping: " + r.testAccuracy());
        }
    }

    /** A regression has no accuracy: NaN, not 0, in both accuracy columns. */
    @Test
    void regressionHistoryHasNaNAccuracy() {
        Seeds.fix(7);
        NDArray x = DATA.randomNormal(new Shape(256, 3));
        NDArray y =
                x.matMul(
                        DATA.create(
                                new float[] {1f, -2f, 0.5f, 3f, 0f, -1f},
                                new Shape(3, 2))); // (256, 2)
        var data = new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(32, true).build();
        try (Training.Result r =
                Training.of(Linear.builder().setUnits(2).build(), new Shape(3))
                        .optName("regression")
                        .optEpochs(10)
                        .optLearningRate(1e-1f)
                        .optLoss(Loss.l2Loss())
                        .optQuiet()
                        .fit(data, data)) {
            Table h = r.history();
            for (int row = 0; row < h.rowCount(); row++) {
                assertTrue(
                        Double.isNaN(h.doubleColumn("train_acc").getDouble(row)),
                        "train_acc " + h.doubleColumn("train_acc").getDouble(row));
                assertTrue(
                        Double.isNaN(h.doubleColumn("test_acc").getDouble(row)),
                        "test_acc " + h.doubleColumn("test_acc").getDouble(row));
            }
            assertTrue(
                    r.last("test_loss") < 0.2 * h.doubleColumn("test_loss").get(0),
                    "the regression learns: " + h.doubleColumn("test_loss").asList());
        }
    }

    /** Per-time-step scores (B, T, V) against labels (B, T): every label counts. */
    @Test
    void perTimestepAccuracyCountsEveryLabel() {
        // B = 2, T = 3, V = 3; argmax per step: [[0, 2, 1], [1, 1, 0]]
        NDArray scores =
                DATA.create(
                        new float[] {
                            5, 1, 0, 0, 1, 9, 0, 3, 2,
                            1, 4, 0, 0, 7, 1, 8, 0, 0
                        },
                        new Shape(2, 3, 3));
        NDArray labels =
                DATA.create(new float[] {0, 2, 2, 1, 0, 0}, new Shape(2, 3)); // 4 of 6 right
        long[] scored = new long[2];
        Training.countCorrect(new NDList(scores), new NDList(labels), scored);
        assertArrayEquals(new long[] {4, 6}, scored);
        assertEquals(4.0 / 6, Training.accuracy(scored), 1e-12);

        long[] rows = new long[2]; // (N, classes) vs (N): the classic case still works
        Training.countCorrect(
                new NDList(scores.get(0)), new NDList(DATA.create(new float[] {0, 0, 1})), rows);
        assertArrayEquals(new long[] {2, 3}, rows);

        long[] none = new long[2]; // same rank (regression) or one output per row: not class scores
        Training.countCorrect(new NDList(scores), new NDList(scores), none);
        Training.countCorrect(
                new NDList(DATA.ones(new Shape(4, 1))), new NDList(DATA.ones(new Shape(4))), none);
        Training.countCorrect(new NDList(scores), new NDList(DATA.zeros(new Shape(3, 2))), none);
        assertArrayEquals(new long[] {0, 0}, none);
        assertTrue(Double.isNaN(Training.accuracy(none)));
    }

    /**
     * A trained per-step classifier: the history's test accuracy equals a count over all B·T
     * labels.
     */
    @Test
    void perTimestepTestAccuracyMatchesAHandCount() {
        Seeds.fix(8);
        int n = 64, t = 5, v = 4;
        NDArray tokens =
                DATA.randomInteger(0, v, new Shape(n, t), ai.djl.ndarray.types.DataType.INT32)
                        .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        NDArray target = tokens.add(1).mod(v); // predict token + 1 (mod V) at every step
        var data =
                new ArrayDataset.Builder()
                        .setData(tokens)
                        .optLabels(target)
                        .setSampling(16, false)
                        .build();
        // (B, T) -> one-hot (B, T, V) -> (B, T, V) scores
        Block net =
                new SequentialBlock()
                        .add(new LambdaBlock(in -> new NDList(oneHot(in.head(), v)), "oneHot"))
                        .add(Linear.builder().setUnits(v).build()); // -> (B, T, V)
        try (Training.Result r =
                Training.of(net, new Shape(t))
                        .optName("per-step")
                        .optEpochs(2)
                        .optLearningRate(5e-2f)
                        .optLoss(CharLanguageModel.loss())
                        .optQuiet()
                        .fit(data, data)) {
            NDArray preds =
                    net.forward(
                                    new ai.djl.training.ParameterStore(DATA, false),
                                    new NDList(tokens),
                                    false)
                            .head()
                            .argMax(-1);
            long right =
                    preds.toType(ai.djl.ndarray.types.DataType.INT64, false)
                            .eq(target.toType(ai.djl.ndarray.types.DataType.INT64, false))
                            .countNonzero()
                            .getLong();
            assertEquals(
                    (double) right / (n * t),
                    r.testAccuracy(),
                    1e-9,
                    "accuracy over all " + n * t + " labels");
            assertTrue(r.testAccuracy() > 0.5, "learns the mapping: " + r.testAccuracy());
        }
    }

    private static List<float[]> weights(Block block) {
        List<float[]> out = new ArrayList<>();
        block.getParameters().forEach(p -> out.add(p.getValue().getArray().toFloatArray()));
        return out;
    }
}
