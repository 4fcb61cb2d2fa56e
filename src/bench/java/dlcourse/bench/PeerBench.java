package dlcourse.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.SequenceSampler;
import ai.djl.training.loss.Loss;
import ai.djl.translate.TranslateException;
import dlcourse.cnn.AlexNet;
import dlcourse.cnn.AuxiliaryLoss;
import dlcourse.cnn.GoogLeNet;
import dlcourse.cnn.ResNet;
import dlcourse.cnn.Vgg;
import dlcourse.core.Interruptible;
import dlcourse.core.ModelSummary;
import dlcourse.core.Seeds;
import dlcourse.data.CharText;
import dlcourse.data.FashionMnistData;
import dlcourse.gan.AdversarialTraining;
import dlcourse.gan.Dcgan;
import dlcourse.gan.GanModel;
import dlcourse.rnn.CharLanguageModel;
import dlcourse.rnn.Recurrent;
import dlcourse.train.Training;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The library's side of {@code make bench-peer}: {@code tools/peer/bench_peer.py} starts this
 * program, builds the PyTorch mirror of each course model in its own process, and asks both sides
 * in turn to time the same work on the same data, so the two never run at once and every ratio
 * comes from one run.
 *
 * <p>One command per line on standard input, one answer per line on standard output, prefixed with
 * {@value #ANSWER} (anything else on standard output is the engine talking):
 *
 * <pre>
 * prepare MODEL DIR  build MODEL, write its step batch and its loop data to DIR as raw
 *                    little-endian arrays; answer the trainable weights and the arrays' shapes
 * step N             N training steps on the step batch (the first call builds the trainer);
 *                    answer the seconds
 * loop EPOCHS        a fresh network trained by the course's loop ({@link Training}, or {@link
 *                    AdversarialTraining} for DCGAN) on the loop data; answer the last epoch's seconds
 * profile N FILE     N steps under the engine's profiler, its trace of them to FILE
 * quit
 * </pre>
 *
 * MODEL is one of {@link #MODELS}: the course-sized networks the notebooks train.
 */
public final class PeerBench {

    static final String ANSWER = "peer> ";

    /** Examples of the loop data: a slice of Fashion-MNIST, the Genesis sequences for the LSTM. */
    private static final int LOOP_IMAGES = 6000;

    /** One model: the batch size of its step, its data, and how it trains. */
    private record Case(int batch, Supplier<RandomAccessDataset> data, Trained trained) {}

    /** How a model trains: its step on a batch held in memory, and the course's loop. */
    private interface Trained {
        /**
         * The training step on {@code batch} (inputs, labels), built once and timed many times;
         * {@code held}: the first four batches of the data, which DCGAN's rounds draw from.
         */
        Step step(NDList batch, RandomAccessDataset held);

        /**
         * Seconds of the last of {@code epochs} epochs of a fresh network on {@code data}, served
         * in batches of {@code batch}.
         */
        double loop(RandomAccessDataset data, int batch, int epochs);
    }

    /** A built training step: the trainable weights it updates, the seconds of n steps, its end. */
    private record Step(long weights, IntToDoubleFunction seconds, Runnable close) {}

    static final Map<String, Case> MODELS =
            Map.of(
                    "alexnet", fashion(128, 0, classifier(() -> AlexNet.courseSized().build())),
                    "vgg11", fashion(128, 32, classifier(() -> Vgg.courseSized().build())),
                    "googlenet",
                            fashion(
                                    128,
                                    0,
                                    new Classifier(
                                            () -> GoogLeNet.courseSized().build(),
                                            AuxiliaryLoss::paper)),
                    "resnet18", fashion(128, 0, classifier(() -> ResNet.courseSized(18).build())),
                    "lstm",
                            new Case(
                                    32,
                                    () -> CharText.genesis().randomBatches(64, 32, 0),
                                    new Classifier(
                                            () ->
                                                    CharLanguageModel.of(
                                                            Recurrent.engineLstm(64, 1f), 60),
                                            CharLanguageModel::loss)),
                    "dcgan", fashion(64, 0, new Adversarial()));

    private static Case fashion(int batch, int side, Trained trained) {
        return new Case(
                batch,
                () -> FashionMnistData.load(Dataset.Usage.TRAIN, batch, LOOP_IMAGES, side, true),
                trained);
    }

    private static Classifier classifier(Supplier<Block> net) {
        return new Classifier(net, Loss::softmaxCrossEntropyLoss);
    }

    /** A network trained on a loss: {@link EngineStep}, and {@link Training} for the loop. */
    private record Classifier(Supplier<Block> net, Supplier<Loss> loss) implements Trained {

        @Override
        public Step step(NDList batch, RandomAccessDataset held) {
            Block block = net.get();
            Shape example = batch.head().getShape().slice(1);
            EngineStep engine =
                    new EngineStep(
                            block, example, loss.get(), batch.subNDList(0, 1), batch.subNDList(1));
            return new Step(ModelSummary.countParameters(block), engine::seconds, engine::close);
        }

        @Override
        public double loop(RandomAccessDataset data, int batch, int epochs) {
            Block block = net.get();
            Shape example;
            try (NDManager m = NDManager.newBaseManager();
                    Batch b = data.getData(m).iterator().next()) {
                example = b.getData().head().getShape().slice(1);
            } catch (IOException | TranslateException e) {
                throw new IllegalStateException(e);
            }
            try (Training.Result r =
                    Training.of(block, example)
                            .optName("peer")
                            .optLoss(loss.get())
                            .optLearningRate(1e-4f)
                            .optEpochs(epochs)
                            .optQuiet()
                            .fit(data, null)) {
                return r.last("seconds");
            }
        }
    }

    /**
     * The course DCGAN in {@link AdversarialTraining}: a step is one round (one D step, one G step)
     * on batches of images held in memory; an epoch of the loop is one round per batch of the data.
     */
    private record Adversarial() implements Trained {

        @Override
        public Step step(NDList batch, RandomAccessDataset held) {
            AdversarialTraining game =
                    AdversarialTraining.of(Dcgan.courseSized().build()).optQuiet().start();
            GanModel gan = game.model();
            return new Step(
                    ModelSummary.countParameters(gan.generator())
                            + ModelSummary.countParameters(gan.discriminator()),
                    n -> {
                        long start = System.nanoTime();
                        game.fit(held, n);
                        return (System.nanoTime() - start) / 1e9;
                    },
                    game::close);
        }

        @Override
        public double loop(RandomAccessDataset data, int batch, int epochs) {
            int rounds = Math.toIntExact(data.size() / batch);
            try (AdversarialTraining game =
                    AdversarialTraining.of(Dcgan.courseSized().build()).optQuiet().start()) {
                double seconds = 0;
                for (int e = 0; e < epochs; e++) {
                    long start = System.nanoTime();
                    game.fit(data, rounds);
                    seconds = (System.nanoTime() - start) / 1e9;
                }
                return seconds;
            }
        }
    }

    private NDManager manager;
    private RandomAccessDataset loopData;
    private Case model;
    private Step step;

    public static void main(String[] args) throws Exception {
        PeerBench bench = new PeerBench();
        BufferedReader in =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println(ANSWER + "machine " + Machine.describe().replace("\n", "\\n"));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.trim().split("\\s+");
            String answer =
                    switch (w[0]) {
                        case "prepare" -> bench.prepare(w[1], Path.of(w[2]));
                        case "step" ->
                                seconds(bench.step.seconds().applyAsDouble(Integer.parseInt(w[1])));
                        case "loop" ->
                                seconds(
                                        bench.model
                                                .trained()
                                                .loop(
                                                        bench.loopData,
                                                        bench.model.batch(),
                                                        Integer.parseInt(w[1])));
                        case "profile" -> bench.profile(Integer.parseInt(w[1]), w[2]);
                        case "quit" -> null;
                        default -> throw new IllegalArgumentException("unknown command: " + line);
                    };
            if (answer == null) {
                break;
            }
            System.out.println(ANSWER + answer);
        }
        bench.release();
    }

    /**
     * {@code n} steps under the engine's profiler, which writes each operation it ran to {@code
     * file} (Chrome's trace format); it records the thread that starts it, the training thread.
     */
    private String profile(int n, String file) {
        step.seconds().applyAsDouble(1);
        return Interruptible.run(
                () -> {
                    JniUtils.startProfile(false, false, false);
                    step.seconds().applyAsDouble(n);
                    JniUtils.stopProfile(file);
                    return "profile=" + file;
                },
                () -> {});
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "seconds=%.6f", s);
    }

    private String prepare(String name, Path dir) throws IOException, TranslateException {
        release();
        model = MODELS.get(name);
        if (model == null) {
            throw new IllegalArgumentException(name + ": not one of " + MODELS.keySet());
        }
        Seeds.fix(0);
        manager = NDManager.newBaseManager();
        loopData = model.data().get();
        NDList all = everything(loopData);
        NDList batch = first(all, model.batch());
        NDList held = first(all, 4 * model.batch());
        RandomAccessDataset heldData =
                new ArrayDataset.Builder()
                        .setData(held.get(0))
                        .optLabels(held.get(1))
                        .setSampling(model.batch(), true)
                        .build();
        Files.createDirectories(dir);
        List<String> shapes = new ArrayList<>();
        shapes.add(write(batch.get(0), dir.resolve("x.bin"), "x"));
        shapes.add(write(batch.get(1), dir.resolve("y.bin"), "y"));
        shapes.add(write(all.get(0), dir.resolve("loop_x.bin"), "loop_x"));
        shapes.add(write(all.get(1), dir.resolve("loop_y.bin"), "loop_y"));
        step = model.trained().step(batch, heldData);
        return "weights="
                + step.weights()
                + " batch="
                + model.batch()
                + " "
                + String.join(" ", shapes);
    }

    /** The whole data set as one batch, in order: (N, …) inputs and (N, …) labels. */
    private NDList everything(RandomAccessDataset data) throws IOException, TranslateException {
        var sampler = new BatchSampler(new SequenceSampler(), Math.toIntExact(data.size()), false);
        try (Batch b = data.getData(manager, sampler).iterator().next()) {
            NDList out = new NDList(b.getData().head(), b.getLabels().head());
            out.attach(manager);
            return out;
        }
    }

    private static NDList first(NDList all, int n) {
        return new NDList(all.get(0).get(":{}", n), all.get(1).get(":{}", n));
    }

    /** Raw little-endian bytes of {@code a} to {@code file}; returns {@code key=dtype:d0,d1,…}. */
    private static String write(NDArray a, Path file, String key) {
        ByteBuffer bytes = a.toByteBuffer();
        try (FileChannel out =
                FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String dims =
                java.util.Arrays.stream(a.getShape().getShape())
                        .mapToObj(Long::toString)
                        .collect(Collectors.joining(","));
        return key + "=" + a.getDataType().asNumpy() + ":" + dims;
    }

    private void release() {
        if (step != null) {
            step.close().run();
            step = null;
        }
        if (manager != null) {
            manager.close();
            manager = null;
        }
    }
}
