package dlcourse.bench;

import ai.djl.basicdataset.cv.classification.FashionMnist;
import ai.djl.modality.cv.transform.Resize;
import ai.djl.modality.cv.transform.ToTensor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.loss.Loss;
import ai.djl.translate.Pipeline;
import dlcourse.cnn.AlexNet;
import dlcourse.cnn.AuxiliaryLoss;
import dlcourse.cnn.GoogLeNet;
import dlcourse.cnn.ResNet;
import dlcourse.cnn.Vgg;
import dlcourse.core.Devices;
import dlcourse.core.Interruptible;
import dlcourse.core.MultiplyAdds;
import dlcourse.core.Seeds;
import dlcourse.core.Throughput;
import dlcourse.data.FashionMnistData;
import dlcourse.gan.AdversarialTraining;
import dlcourse.gan.Dcgan;
import dlcourse.gan.GanModel;
import dlcourse.rnn.CharLanguageModel;
import dlcourse.rnn.Recurrent;
import dlcourse.train.Memory;
import dlcourse.train.Training;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import tech.tablesaw.api.Table;

/**
 * The numbers in docs/performance.md, in one run on one machine:
 *
 * <ol>
 *   <li>{@code roofline}: for each course model at course and lecture size, training speed of the
 *       step alone ({@link EngineStep}) and the FLOP/s it achieves, 2 · 3 · multiply-adds per
 *       example ({@link MultiplyAdds}; forward + backward ≈ 3 forwards) · examples/s, as a fraction
 *       of the machine's peak: the best dense matrix product the same engine reaches in the same
 *       run;
 *   <li>{@code overhead}: the course's training loop on real Fashion-MNIST against the step alone
 *       on a batch in memory, for the course-sized CNNs: what data loading and the loop's
 *       bookkeeping cost;
 *   <li>{@code memory}: resident memory, Java heap after collection and open tensors over 12 epochs
 *       of training in one JVM, with the growth per epoch fitted over the last ten.
 * </ol>
 *
 * <pre>
 * mvn -q -B test-compile exec:java -Dexec.mainClass=dlcourse.bench.PerformanceBench \
 *     [-Dexec.args="roofline overhead memory"]
 * </pre>
 *
 * Prints Markdown tables. On two CPU cores the whole run takes about five minutes.
 */
public final class PerformanceBench {

    private PerformanceBench() {}

    /** One model at one size: how to build it, one example's shape, its loss, a batch size. */
    record Case(
            String model,
            String size,
            Supplier<Block> net,
            Shape example,
            Loss loss,
            int batch,
            int classes) {

        /** The side to resize Fashion-MNIST to for this model, 0 for its own 28×28. */
        int resize() {
            int side = (int) example.get(1);
            return side == 28 ? 0 : side;
        }
    }

    public static void main(String[] args) {
        List<String> parts =
                args.length > 0 ? List.of(args) : List.of("roofline", "overhead", "memory");
        System.out.println("Machine:\n```\n" + Machine.describe() + "\n```\n");
        if (parts.contains("roofline")) {
            roofline();
        }
        if (parts.contains("overhead")) {
            overhead();
        }
        if (parts.contains("memory")) {
            memory();
        }
    }

    static List<Case> classifiers() {
        Shape fashion = new Shape(1, 28, 28);
        Shape imagenet = new Shape(3, 224, 224);
        Loss ce = Loss.softmaxCrossEntropyLoss();
        return List.of(
                new Case(
                        "AlexNet",
                        "course, 1×28×28",
                        () -> AlexNet.courseSized().build(),
                        fashion,
                        ce,
                        128,
                        10),
                new Case(
                        "AlexNet",
                        "lecture, 3×224×224",
                        () -> AlexNet.builder().build(),
                        imagenet,
                        ce,
                        8,
                        1000),
                new Case(
                        "VGG-11",
                        "course, 1×32×32",
                        () -> Vgg.courseSized().build(),
                        new Shape(1, 32, 32),
                        ce,
                        128,
                        10),
                new Case(
                        "VGG-16",
                        "lecture, 3×224×224",
                        () -> Vgg.builder().build(),
                        imagenet,
                        ce,
                        8,
                        1000),
                new Case(
                        "GoogLeNet",
                        "course, 1×28×28",
                        () -> GoogLeNet.courseSized().build(),
                        fashion,
                        AuxiliaryLoss.paper(),
                        128,
                        10),
                new Case(
                        "GoogLeNet",
                        "lecture, 3×224×224",
                        () -> GoogLeNet.builder().build(),
                        imagenet,
                        AuxiliaryLoss.paper(),
                        8,
                        1000),
                new Case(
                        "ResNet-18",
                        "course, 1×28×28",
                        () -> ResNet.courseSized(18).build(),
                        fashion,
                        ce,
                        128,
                        10),
                new Case(
                        "ResNet-18",
                        "lecture, 3×224×224",
                        () -> ResNet.builder(18).build(),
                        imagenet,
                        ce,
                        8,
                        1000),
                new Case(
                        "LSTM",
                        "course, 64 units, 64 steps",
                        () -> CharLanguageModel.of(Recurrent.engineLstm(64, 1f), 60),
                        new Shape(64),
                        CharLanguageModel.loss(),
                        32,
                        60),
                new Case(
                        "LSTM",
                        "lecture, 256 units, 64 steps",
                        () -> CharLanguageModel.of(Recurrent.engineLstm(256, 1f), 60),
                        new Shape(64),
                        CharLanguageModel.loss(),
                        32,
                        60));
    }

    static void roofline() {
        double matmul = 0;
        for (int n : new int[] {1024, 2048, 4096}) {
            matmul = Math.max(matmul, Throughput.matmulGflops(Devices.best(), n, 5));
        }
        // a 1×1 convolution is a dense matrix product too, (B·H·W × C_in)·(C_in × C_out), computed
        // by
        // the engine's convolution library; the peak is the better of the two
        double gemm = convolutionGflops(1);
        double peak = Math.max(matmul, gemm);
        System.out.printf(
                Locale.ROOT,
                "Dense matrix products: matMul (n = 1024…4096) %.1f GFLOP/s, 1×1 convolution"
                        + " (16·28·28 × 128 · 128 × 128) %.1f GFLOP/s; peak = %.1f GFLOP/s%n",
                matmul,
                gemm,
                peak);
        System.out.printf(
                Locale.ROOT,
                "3×3 and 5×5 convolutions, FLOPs counted by the definition: %.1f and %.1f GFLOP/s"
                    + " (above the peak: the engine computes them with fewer multiplications)%n%n",
                convolutionGflops(3),
                convolutionGflops(5));
        System.out.println(
                "| model | size | batch | multiply-adds per example | examples/s | GFLOP/s |"
                        + " fraction of peak |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Case c : classifiers()) {
            long macs = MultiplyAdds.of(c.net().get(), c.example());
            double rate = c.batch() > 16 ? engineRate(c, 3, 12) : engineRate(c, 1, 2);
            row(c.model(), c.size(), c.batch(), macs, rate, 6.0 * macs, peak);
        }
        for (boolean lecture : new boolean[] {false, true}) {
            GanModel gan = (lecture ? Dcgan.builder() : Dcgan.courseSized()).build();
            long g = MultiplyAdds.of(gan.generator(), new Shape(gan.latentDim()));
            long d = MultiplyAdds.of(gan.discriminator(), gan.imageShape());
            // per image and round: D step = G forward + D forward/backward on a real and a fake
            // image;
            // G step = G forward/backward + D forward and backward to its input (D's weights
            // frozen)
            row(
                    "DCGAN",
                    lecture ? "lecture, width 128, z 100" : "course, width 32, z 64",
                    64,
                    g + d,
                    ganRate(gan, 64, lecture ? 3 : 20),
                    2.0 * (4 * g + 8 * d),
                    peak);
        }
        System.out.println();
        System.out.println(
                "multiply-adds per example for DCGAN: G + D; its FLOPs per image and round count 4"
                        + " G + 8 D multiply-adds (see the comment in PerformanceBench.roofline).");
        System.out.println();
    }

    private static void row(
            String model,
            String size,
            int batch,
            long macs,
            double rate,
            double flopsPerExample,
            double peak) {
        double gflops = flopsPerExample * rate / 1e9;
        System.out.printf(
                Locale.ROOT,
                "| %s | %s | %d | %s | %.1f | %.1f | %.2f |%n",
                model,
                size,
                batch,
                engineering(macs),
                rate,
                gflops,
                gflops / peak);
    }

    /**
     * The rate of one convolution's forward pass, FLOPs counted as the direct definition does.
     * Above the matrix-product peak, the engine computes it with fewer multiplications
     * (Winograd-style).
     */
    private static double convolutionGflops(int k) {
        return Interruptible.run(() -> measureConvolution(k), () -> {});
    }

    private static double measureConvolution(int k) {
        int b = 16;
        int c = 128;
        int side = 28;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(b, c, side, side));
            NDArray w = m.randomNormal(new Shape(c, c, k, k));
            double flops = 2.0 * b * side * side * c * c * k * k;
            double best = 0;
            for (int i = 0; i < 8; i++) {
                long start = System.nanoTime();
                try (NDArray y =
                        Conv2d.conv2d(
                                        x,
                                        w,
                                        null,
                                        new Shape(1, 1),
                                        new Shape(k / 2, k / 2),
                                        new Shape(1, 1),
                                        1)
                                .head()) {
                    y.getFloat(0, 0, 0, 0);
                }
                best = Math.max(best, flops / ((System.nanoTime() - start) / 1e9) / 1e9);
            }
            return best;
        }
    }

    /**
     * Examples per second of the step alone: on a real Fashion-MNIST batch for the course-sized
     * CNNs (what they train on; the course AlexNet's step ran about 40 % slower on random inputs
     * here), on random inputs for the others.
     */
    static double engineRate(Case c, int warmUp, int steps) {
        Seeds.fix(0);
        try (NDManager m = NDManager.newBaseManager()) {
            NDList x;
            NDList y;
            boolean fashion = c.classes() == 10 && c.example().get(0) == 1;
            if (fashion) {
                RandomAccessDataset data =
                        FashionMnistData.load(
                                Dataset.Usage.TRAIN, c.batch(), c.batch(), c.resize(), false);
                try (Batch batch = data.getData(m).iterator().next()) {
                    x = batch.getData();
                    y = batch.getLabels();
                    x.attach(m);
                    y.attach(m);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (ai.djl.translate.TranslateException e) {
                    throw new IllegalStateException(e);
                }
            } else {
                Shape batchShape = new Shape(c.batch()).addAll(c.example());
                boolean tokens = c.example().dimension() == 1;
                x =
                        new NDList(
                                tokens
                                        ? m.randomInteger(
                                                        0, c.classes(), batchShape, DataType.INT32)
                                                .toType(DataType.FLOAT32, false)
                                        : m.randomNormal(batchShape));
                y =
                        new NDList(
                                m.randomInteger(
                                                0,
                                                c.classes(),
                                                tokens ? batchShape : new Shape(c.batch()),
                                                DataType.INT32)
                                        .toType(DataType.FLOAT32, false));
            }
            return EngineStep.examplesPerSecond(
                    c.net().get(), c.example(), c.loss(), x, y, warmUp, steps);
        }
    }

    /** Generated images per second: rounds of one D and one G step on batches held in memory. */
    private static double ganRate(GanModel gan, int batch, int rounds) {
        Seeds.fix(0);
        try (NDManager m = NDManager.newBaseManager();
                AdversarialTraining t = AdversarialTraining.of(gan).optLogEvery(rounds).start()) {
            RandomAccessDataset images =
                    new ArrayDataset.Builder()
                            .setData(
                                    m.randomUniform(
                                            0, 1, new Shape(4L * batch).addAll(gan.imageShape())))
                            .optLabels(m.zeros(new Shape(4L * batch)))
                            .setSampling(batch, true)
                            .build();
            t.fit(images, 2); // warm-up
            long start = System.nanoTime();
            t.fit(images, rounds);
            return (double) rounds * batch / ((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * The loop against the step alone, for the course-sized CNNs: the second epoch of {@link
     * Training} over 6 000 Fashion-MNIST images (the first includes warm-up) against {@link
     * EngineStep} on one batch of the same images — and, as "before", the same loop fed by DJL's
     * {@code FashionMnist} dataset with its pipeline (Resize, ToTensor) run on every batch, as
     * {@code FashionMnistData} did until the held splits replaced it.
     */
    static void overhead() {
        System.out.println(
                "| model | loop, DJL pipeline per batch (before), images/s | loop, held tensors"
                        + " (now), images/s | step alone, images/s | now / step |");
        System.out.println("|---|---|---|---|---|");
        for (Case c : classifiers()) {
            if (!c.size().startsWith("course") || c.example().dimension() != 3) {
                continue;
            }
            double before = loopOnDjlPipeline(c, 6_000);
            double[] r = loopAndStep(c, 6_000);
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.0f | %.0f | %.0f | %.2f |%n",
                    c.model(),
                    before,
                    r[0],
                    r[1],
                    r[0] / r[1]);
        }
        System.out.println();
    }

    /** {images/s through the training loop, images/s of the step alone} for a course-sized CNN. */
    static double[] loopAndStep(Case c, int images) {
        return new double[] {
            loopRate(
                    c,
                    FashionMnistData.load(
                            Dataset.Usage.TRAIN, c.batch(), images, c.resize(), true)),
            engineRate(c, 3, Math.max(12, images / c.batch() / 4))
        };
    }

    /** The loop's images/s fed by DJL's FashionMnist, its pipeline applied to every batch. */
    private static double loopOnDjlPipeline(Case c, int images) {
        Pipeline pipeline = new Pipeline();
        if (c.resize() > 0) {
            pipeline.add(new Resize(c.resize(), c.resize()));
        }
        pipeline.add(new ToTensor());
        try (NDManager m = NDManager.newBaseManager()) {
            FashionMnist djl =
                    FashionMnist.builder()
                            .optManager(m)
                            .optRepository(FashionMnistData.repository())
                            .optUsage(Dataset.Usage.TRAIN)
                            .optLimit(images)
                            .optPipeline(pipeline)
                            .setSampling(c.batch(), true)
                            .build();
            djl.prepare();
            return loopRate(c, djl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ai.djl.translate.TranslateException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Images/s of the second of two epochs of the course's training loop. */
    private static double loopRate(Case c, RandomAccessDataset train) {
        Seeds.fix(0);
        try (Training.Result r =
                Training.of(c.net().get(), c.example())
                        .optName("overhead")
                        .optEpochs(2)
                        .optLoss(c.loss())
                        .optQuiet()
                        .fit(train, null)) {
            return r.last("images_per_s");
        }
    }

    /** 12 epochs of the course-sized AlexNet on 6 000 images: memory per epoch and its trend. */
    static void memory() {
        int epochs = 12;
        Seeds.fix(0);
        RandomAccessDataset train = FashionMnistData.load(Dataset.Usage.TRAIN, 128, 6_000, 0, true);
        RandomAccessDataset test = FashionMnistData.load(Dataset.Usage.TEST, 256, 1_000, 0, false);
        Memory.PerEpoch memory = Memory.perEpoch();
        try (Training.Result r =
                Training.of(AlexNet.courseSized().build(), new Shape(1, 28, 28))
                        .optName("memory")
                        .optEpochs(epochs)
                        .optQuiet()
                        .addEpochListener(memory)
                        .fit(train, test)) {
            Table h = memory.table().addColumns(r.history().doubleColumn("seconds").copy());
            System.out.println(h.printAll());
            System.out.printf(
                    Locale.ROOT,
                    "growth per epoch over epochs 3-%d: resident %+.2f MiB, heap %+.2f MiB,"
                            + " open tensors %+.2f%n%n",
                    epochs,
                    slope(h, "rss_mib", 2),
                    slope(h, "heap_mib", 2),
                    slope(h, "open_tensors", 2));
        }
    }

    /** Least-squares slope of a history column against the epoch, from row {@code from} on. */
    static double slope(Table history, String column, int from) {
        List<double[]> points = new ArrayList<>();
        for (int r = from; r < history.rowCount(); r++) {
            points.add(new double[] {r, ((Number) history.column(column).get(r)).doubleValue()});
        }
        double mx = points.stream().mapToDouble(p -> p[0]).average().orElse(0);
        double my = points.stream().mapToDouble(p -> p[1]).average().orElse(0);
        double sxy = points.stream().mapToDouble(p -> (p[0] - mx) * (p[1] - my)).sum();
        double sxx = points.stream().mapToDouble(p -> (p[0] - mx) * (p[0] - mx)).sum();
        return sxy / sxx;
    }

    private static String engineering(long n) {
        return n >= 1e9
                ? String.format(Locale.ROOT, "%.2f G", n / 1e9)
                : n >= 1e6
                        ? String.format(Locale.ROOT, "%.1f M", n / 1e6)
                        : String.format(Locale.ROOT, "%.0f k", n / 1e3);
    }
}
