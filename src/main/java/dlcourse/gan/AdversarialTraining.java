package dlcourse.gan;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.loss.Loss;
import dlcourse.core.Devices;
import dlcourse.core.Interruptible;
import dlcourse.train.FitOptimizer;
import dlcourse.train.ProgressView;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * The adversarial game of the lecture (figure 47), trained the way the lecture states it: k steps
 * of the discriminator, then one step of the generator, each time holding the opponent fixed. One
 * loop serves GAN, DCGAN, conditional GAN, InfoGAN and SRGAN: a {@link GanVariant} adds its inputs,
 * codes, conditions and terms.
 *
 * <pre>{@code
 * var dcgan = Dcgan.courseSized().build();
 * try (var gan = AdversarialTraining.of(dcgan).optDiscriminatorSteps(1).start()) {
 *     gan.fit(FashionMnistData.train(64), 500);
 *     Images.show(Images.grid(gan.generate(z), 8, 2), "samples");
 * }
 * }</pre>
 *
 * <p>Engine facts it relies on (platform notes): only one {@link GradientCollector} may be open, so
 * G's samples for the D step are detached with {@code stopGradient()}; during the G step D's
 * trainable parameters are frozen (not BatchNorm's running statistics, which must stay writable),
 * so no gradient of the G objective accumulates in D. Both players use Adam with the β1 and the
 * learning rates of the variant's paper ({@link GanVariant#beta1}, {@link
 * GanVariant#learningRates}: β1 0.5 and 2·10⁻⁴ for both in DCGAN; 10⁻³ for G and 2·10⁻⁴ for D in
 * InfoGAN; β1 0.9 and 10⁻⁴ in SRGAN). Losses are computed from logits ({@link #bce}).
 *
 * <p>History (a tablesaw table, one row per {@code logEvery} generator steps, means over them):
 * {@code step, d_loss, g_loss, d_real} (mean D(x)), {@code d_fake} (mean D(G(z)) in the D step),
 * {@code extra} (the variant's term, 0 for plain GANs), {@code content} (G's content term, SRGAN
 * only), {@code seconds}.
 */
public final class AdversarialTraining implements AutoCloseable {

    private static final Loss BCE = Loss.sigmoidBinaryCrossEntropyLoss();

    /** The game started last for each GAN, by name: a re-run cell frees its predecessor. */
    private static final Map<String, AdversarialTraining> LIVE = new ConcurrentHashMap<>();

    private final GanModel gan;
    private final int k;
    private final int logEvery;
    private final boolean pixels;
    private final Model generatorModel;
    private final Model discriminatorModel;
    private final FitOptimizer generatorAdam;
    private final FitOptimizer discriminatorAdam;
    private final Trainer generator;
    private final Trainer discriminator;
    private final Table history;
    private final List<Snapshot> snapshots = new ArrayList<>();
    private int step;
    private double seconds;
    private Iterator<Batch> batches;
    private RandomAccessDataset source;
    private final boolean quiet;
    private boolean closed;

    /** Called every {@code every} generator steps (sample grids, distances over training). */
    public interface Snapshot {
        void at(int step, AdversarialTraining training);
    }

    private AdversarialTraining(Builder b) {
        this.gan = b.gan;
        this.k = b.k;
        this.logEvery = b.logEvery;
        this.pixels = b.pixels;
        this.quiet = b.quiet;
        AdversarialTraining previous = LIVE.remove(gan.name());
        if (previous != null) {
            previous.close();
        }
        // fresh weights, as the builder promises, also for players an earlier game has trained
        gan.generator().getParameters().values().forEach(Parameter::close);
        gan.discriminator().getParameters().values().forEach(Parameter::close);
        Device device = b.device != null ? b.device : Devices.best();
        generatorModel = Model.newInstance(gan.name() + "-G", device);
        generatorModel.setBlock(gan.generator());
        discriminatorModel = Model.newInstance(gan.name() + "-D", device);
        discriminatorModel.setBlock(gan.discriminator());
        generatorAdam = FitOptimizer.adam(b.generatorLr, b.beta1);
        discriminatorAdam = FitOptimizer.adam(b.discriminatorLr, b.beta1);
        generator = generatorModel.newTrainer(generatorAdam.config(BCE, device));
        discriminator = discriminatorModel.newTrainer(discriminatorAdam.config(BCE, device));
        generator.initialize(
                gan.variant().generatorInputShapes(gan.latentDim()).stream()
                        .map(s -> new Shape(1).addAll(s))
                        .toArray(Shape[]::new));
        if (b.initialGenerator != null) {
            copyWeights(b.initialGenerator, gan.generator());
        }
        try (NDManager m = generator.getManager().newSubManager()) {
            NDList codes = gan.variant().sampleCodes(m, 1);
            List<Shape> dIn = new ArrayList<>(List.of(new Shape(1).addAll(gan.imageShape())));
            gan.variant().fakeCondition(codes).forEach(a -> dIn.add(a.getShape()));
            discriminator.initialize(dIn.toArray(Shape[]::new));
        }
        history =
                Table.create(
                        gan.name(),
                        IntColumn.create("step"),
                        DoubleColumn.create("d_loss"),
                        DoubleColumn.create("g_loss"),
                        DoubleColumn.create("d_real"),
                        DoubleColumn.create("d_fake"),
                        DoubleColumn.create("extra"),
                        DoubleColumn.create("content"),
                        DoubleColumn.create("seconds"));
        LIVE.put(gan.name(), this);
    }

    public static Builder of(GanModel gan) {
        return new Builder(gan);
    }

    /** Settings; every one has a default. */
    public static final class Builder {
        private final GanModel gan;
        private int k = 1;
        private int logEvery = 10;
        private float generatorLr;
        private float discriminatorLr;
        private float beta1;
        private Block initialGenerator;
        private Device device;
        private boolean pixels = true;
        private boolean quiet;

        private Builder(GanModel gan) {
            this.gan = gan;
            this.generatorLr = gan.variant().learningRates()[0];
            this.discriminatorLr = gan.variant().learningRates()[1];
            this.beta1 = gan.variant().beta1();
        }

        /**
         * k: discriminator steps per generator step (lecture: «несколько шагов обучения D»; default
         * 1).
         */
        public Builder optDiscriminatorSteps(int k) {
            this.k = k;
            return this;
        }

        /** Adam's learning rate for both players (default: the variant's paper, 2e-4 for DCGAN). */
        public Builder optLearningRate(float lr) {
            return optLearningRates(lr, lr);
        }

        /** Separate learning rates, e.g. the InfoGAN paper's 1e-3 for G and 2e-4 for D on MNIST. */
        public Builder optLearningRates(float generator, float discriminator) {
            this.generatorLr = generator;
            this.discriminatorLr = discriminator;
            return this;
        }

        /** Adam's β1 (default: the variant's paper, 0.5 for DCGAN, where 0.9 made it oscillate). */
        public Builder optBeta1(float beta1) {
            this.beta1 = beta1;
            return this;
        }

        /**
         * G starts from a copy of the weights of {@code trained}, a block of the same architecture
         * (SRGAN starts from the SRResNet trained on the content loss alone, as in the paper)
         * instead of a random initialisation.
         */
        public Builder optInitialGenerator(Block trained) {
            this.initialGenerator = trained;
            return this;
        }

        /** One history row per this many generator steps (default 10). */
        public Builder optLogEvery(int steps) {
            this.logEvery = steps;
            return this;
        }

        /**
         * Data used as they come (toy points), not pixels in [0, 1] mapped to G's tanh range [−1,
         * 1].
         */
        public Builder optRawData() {
            this.pixels = false;
            return this;
        }

        public Builder optDevice(Device device) {
            this.device = device;
            return this;
        }

        /** No progress display. */
        public Builder optQuiet() {
            this.quiet = true;
            return this;
        }

        /**
         * Creates both players with freshly initialised weights. Started again for the same GAN (a
         * re-run cell), it first frees the previous game and its players' memory.
         */
        public AdversarialTraining start() {
            // on the training thread: it waits for an interrupted game to finish its step
            return Interruptible.run(() -> new AdversarialTraining(this), () -> {});
        }
    }

    /** Adds a callback run every {@code every} generator steps (and at step 0 before training). */
    public AdversarialTraining every(int every, Snapshot snapshot) {
        snapshots.add(
                (s, t) -> {
                    if (s % every == 0) {
                        snapshot.at(s, t);
                    }
                });
        return this;
    }

    /**
     * Plays {@code generatorSteps} more rounds on images from {@code data} (pixels in [0, 1],
     * mapped to [−1, 1]); each round is k D steps on k fresh real batches, then one G step. Shows
     * live progress (step, losses, D(x), D(G(z)), speed, time left); Interrupt stops it within a
     * round.
     */
    public Table fit(RandomAccessDataset data, int generatorSteps) {
        ProgressView view = ProgressView.create(quiet);
        int first = step;
        return Interruptible.run(
                () -> play(data, generatorSteps, view),
                () ->
                        view.end(
                                gan.name()
                                        + ": игра прервана на шаге G "
                                        + (step - first)
                                        + " из "
                                        + generatorSteps
                                        + ". Повторный запуск ячейки начнёт её заново с новыми"
                                        + " весами; продолжить эту: fit(...) в новой ячейке."));
    }

    private Table play(RandomAccessDataset data, int generatorSteps, ProgressView view) {
        if (step == 0) {
            snapshots.forEach(s -> s.at(0, this));
        }
        double[] sums = new double[6];
        int rows = 0;
        long start = System.nanoTime();
        long began = start;
        try {
            for (int g = 0; g < generatorSteps; g++) {
                Interruptible.checkStop();
                float[] d = new float[4];
                float[] gl;
                Batch batch = null;
                try {
                    for (int i = 0; i < k; i++) {
                        if (batch != null) {
                            batch.close();
                        }
                        batch = next(data);
                        float[] di =
                                discriminatorStep(
                                        toGenerator(batch.getData().head()),
                                        batch.getLabels().head());
                        for (int j = 0; j < 4; j++) {
                            d[j] += di[j] / k;
                        }
                    }
                    // G plays on the last batch D saw (SRGAN needs its real images)
                    gl = generatorStep(toGenerator(batch.getData().head()));
                } finally {
                    if (batch != null) {
                        batch.close();
                    }
                }
                float gLoss = gl[0];
                sums[0] += d[0];
                sums[1] += gLoss;
                sums[2] += d[1];
                sums[3] += d[2];
                sums[4] += d[3];
                sums[5] += gl[1];
                step++;
                rows++;
                if (rows == logEvery || g == generatorSteps - 1) {
                    seconds += (System.nanoTime() - start) / 1e9;
                    start = System.nanoTime();
                    record(sums, rows);
                    sums = new double[6];
                    rows = 0;
                }
                int s = step;
                snapshots.forEach(snap -> snap.at(s, this));
                double rate = (g + 1) / ((System.nanoTime() - began) / 1e9);
                view.progress(
                        (g + 1) / (double) generatorSteps,
                        String.format(
                                Locale.ROOT,
                                "%s · шаг G %d/%d · потери D %.3f, G %.3f · D(x) %.2f · D(G(z))"
                                        + " %.2f · %.1f шагов/с · осталось %s",
                                gan.name(),
                                g + 1,
                                generatorSteps,
                                d[0],
                                gLoss,
                                d[1],
                                d[2],
                                rate,
                                ProgressView.duration((generatorSteps - g - 1) / rate)));
            }
        } catch (Interruptible.Stopped e) {
            throw e; // the cell's end has said what happened
        } catch (RuntimeException | Error e) {
            view.end(gan.name() + ": игра остановлена на шаге G " + step + " (ошибка ниже).");
            throw e;
        }
        view.end(lastLine());
        return history;
    }

    /** One D step. Returns {D loss, mean D(x), mean D(G(z)), extra term}. */
    float[] discriminatorStep(NDArray realImages, NDArray labels) {
        int n = (int) realImages.getShape().get(0);
        try (NDManager m = realImages.getManager().newSubManager();
                GradientCollector gc = discriminator.newGradientCollector()) {
            // (1) update D: maximise log D(x) + log(1 − D(G(z)))
            //     ⇔ minimise BCE(D(x), 1) + BCE(D(G(z)), 0): an ordinary binary classifier, real vs
            // generated.
            //     G is held fixed: its sample is detached, so no gradient reaches G's weights.
            NDList codes = gan.variant().sampleCodes(m, n);
            NDArray fake =
                    generator.forward(generatorInputs(m, codes, realImages)).head().stopGradient();
            NDArray realLogit =
                    discriminator
                            .forward(with(realImages, gan.variant().realCondition(labels)))
                            .head();
            NDList fakeOut = discriminator.forward(with(fake, gan.variant().fakeCondition(codes)));
            NDArray loss = bce(realLogit, 1f).add(bce(fakeOut.head(), 0f));
            NDArray extra =
                    gan.variant().extraLoss(fakeOut, codes); // InfoGAN: trains Q (and D's body)
            if (extra != null) {
                loss = loss.add(extra);
            }
            gc.backward(loss);
            float[] out = {
                loss.getFloat(),
                Activation.sigmoid(realLogit).mean().getFloat(),
                Activation.sigmoid(fakeOut.head()).mean().getFloat(),
                extra == null ? 0f : extra.getFloat()
            };
            check(out[0], "D");
            discriminator.step();
            return out;
        }
    }

    /**
     * One G step with D frozen, on the real images of the last D step. Returns {G's loss, its
     * content term (0 without one)}.
     */
    float[] generatorStep(NDArray realImages) {
        int n = (int) realImages.getShape().get(0);
        freeze(gan.discriminator(), true);
        try (NDManager m = generator.getManager().newSubManager();
                GradientCollector gc = generator.newGradientCollector()) {
            // (2) update G: the lecture's objective, minimise log(1 − D(G(z))), saturates: early on
            // D
            //     rejects samples confidently, D(G(z)) ≈ 0, and the gradient of log(1 − D)
            // vanishes.
            //     Non-saturating form (Goodfellow et al. 2014): maximise log D(G(z))
            //     ⇔ minimise BCE(D(G(z)), 1). Same fixed point p_gen = p_data, strong gradients
            // early.
            //     SRGAN weighs this adversarial term by 10⁻³ against a content loss: l_content +
            // 10⁻³·l_adv.
            NDList codes = gan.variant().sampleCodes(m, n);
            NDArray fake = generator.forward(generatorInputs(m, codes, realImages)).head();
            NDList fakeOut = discriminator.forward(with(fake, gan.variant().fakeCondition(codes)));
            NDArray loss = bce(fakeOut.head(), 1f).mul(gan.variant().adversarialWeight());
            NDArray extra =
                    gan.variant().extraLoss(fakeOut, codes); // InfoGAN: make the code recoverable
            if (extra != null) {
                loss = loss.add(extra);
            }
            NDArray content = gan.variant().contentLoss(fake, realImages); // SRGAN
            if (content != null) {
                loss = loss.add(content);
            }
            gc.backward(loss);
            float[] out = {loss.getFloat(), content == null ? 0f : content.getFloat()};
            check(out[0], "G");
            generator.step();
            return out;
        } finally {
            freeze(gan.discriminator(), false);
        }
    }

    /** Binary cross-entropy from logits, mean over the batch: −[t·log σ(l) + (1−t)·log(1−σ(l))]. */
    public static NDArray bce(NDArray logits, float target) {
        NDArray t = logits.onesLike().mul(target);
        return BCE.evaluate(new NDList(t), new NDList(logits));
    }

    /**
     * Freezes (or thaws) the trainable parameters of a block; BatchNorm's running statistics stay
     * writable.
     */
    static void freeze(Block block, boolean frozen) {
        Predicate<Parameter> trainable =
                p ->
                        p.getType() != Parameter.Type.RUNNING_MEAN
                                && p.getType() != Parameter.Type.RUNNING_VAR;
        block.freezeParameters(frozen, trainable);
    }

    /**
     * Trains D alone for {@code steps} steps with G fixed: towards the optimal discriminator D*(x)
     * = p_data(x) / (p_data(x) + p_gen(x)) of the current G.
     */
    public void fitDiscriminatorOnly(RandomAccessDataset data, int steps) {
        for (int i = 0; i < steps; i++) {
            try (Batch batch = next(data)) {
                discriminatorStep(toGenerator(batch.getData().head()), batch.getLabels().head());
            }
        }
    }

    /** Generated images in [0, 1], in inference mode (batch norm uses its running statistics). */
    public NDArray generate(NDArray z, NDList codes) {
        return generate(with(z, codes));
    }

    /**
     * G's images in [0, 1] for its inputs as they are (SRGAN: low-resolution images in [−1, 1]), in
     * inference mode.
     */
    public NDArray generate(NDList generatorInputs) {
        // in chunks: a convolution's unfolded input for thousands of images at once takes gigabytes
        NDArray x = Chunks.map(generatorInputs, in -> generator.evaluate(in).head());
        return pixels ? x.add(1).div(2) : x;
    }

    public NDArray generate(NDArray z) {
        return generate(z, new NDList());
    }

    /** {@code n} images from the prior: fresh z and codes. */
    public NDArray sample(NDManager manager, int n) {
        return generate(
                manager.randomNormal(new Shape(n, gan.latentDim())),
                gan.variant().sampleCodes(manager, n));
    }

    /** D's probability that images (in [0, 1]) are real, in inference mode. */
    public NDArray discriminate(NDArray images, NDList condition) {
        NDArray logit = discriminator.evaluate(with(toGenerator(images), condition)).head();
        return Activation.sigmoid(logit);
    }

    public Table history() {
        return history;
    }

    public int steps() {
        return step;
    }

    public GanModel model() {
        return gan;
    }

    public NDManager manager() {
        return generator.getManager();
    }

    /** Pixels in [0, 1] → [−1, 1], G's tanh range; toy data unchanged. */
    private NDArray toGenerator(NDArray x) {
        return pixels ? x.mul(2).sub(1) : x;
    }

    /**
     * G's inputs for one step: fresh z, the step's codes, and what the variant takes from the
     * batch.
     */
    private NDList generatorInputs(NDManager m, NDList codes, NDArray realImages) {
        NDArray z = m.randomNormal(new Shape(realImages.getShape().get(0), gan.latentDim()));
        return gan.variant().generatorInputs(z, codes, realImages);
    }

    /** Copies every parameter (running statistics included) of {@code from} into {@code to}. */
    static void copyWeights(Block from, Block to) {
        var source = from.getParameters();
        var target = to.getParameters();
        if (source.size() != target.size()) {
            throw new IllegalArgumentException(
                    "начальный генератор другой архитектуры: "
                            + source.size()
                            + " параметров против "
                            + target.size());
        }
        for (int i = 0; i < source.size(); i++) {
            NDArray a = source.valueAt(i).getArray(), b = target.valueAt(i).getArray();
            if (!a.getShape().equals(b.getShape())) {
                throw new IllegalArgumentException(
                        "начальный генератор другой архитектуры: "
                                + source.keyAt(i)
                                + " "
                                + a.getShape()
                                + " против "
                                + b.getShape());
            }
            b.set(java.nio.FloatBuffer.wrap(a.toFloatArray()));
        }
    }

    private static NDList with(NDArray head, NDList rest) {
        NDList list = new NDList(head);
        list.addAll(rest);
        return list;
    }

    private Batch next(RandomAccessDataset data) {
        if (data != source || batches == null || !batches.hasNext()) {
            source = data;
            try {
                batches = discriminator.iterateDataset(data).iterator();
            } catch (java.io.IOException | ai.djl.translate.TranslateException e) {
                throw new IllegalStateException(
                        "Не удалось прочитать данные: " + e.getMessage(), e);
            }
        }
        return batches.next();
    }

    private void record(double[] sums, int rows) {
        history.intColumn("step").append(step);
        history.doubleColumn("d_loss").append(sums[0] / rows);
        history.doubleColumn("g_loss").append(sums[1] / rows);
        history.doubleColumn("d_real").append(sums[2] / rows);
        history.doubleColumn("d_fake").append(sums[3] / rows);
        history.doubleColumn("extra").append(sums[4] / rows);
        history.doubleColumn("content").append(sums[5] / rows);
        history.doubleColumn("seconds").append(seconds);
    }

    private void check(float loss, String who) {
        if (!Float.isFinite(loss)) {
            throw new IllegalStateException(
                    "Потери "
                            + who
                            + " = "
                            + loss
                            + " на шаге G "
                            + step
                            + ": игра разошлась; уменьшите скорость обучения или проверьте данные");
        }
    }

    /** A one-line summary of the last history row. */
    public String lastLine() {
        int r = history.rowCount() - 1;
        if (r < 0) {
            return gan.name() + ": шагов G ещё не было";
        }
        return String.format(
                Locale.ROOT,
                "шаг G %d: потери D %.3f, G %.3f; D(x) %.2f, D(G(z)) %.2f; %.0f с",
                history.intColumn("step").get(r),
                history.doubleColumn("d_loss").get(r),
                history.doubleColumn("g_loss").get(r),
                history.doubleColumn("d_real").get(r),
                history.doubleColumn("d_fake").get(r),
                history.doubleColumn("seconds").get(r));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LIVE.remove(gan.name(), this);
        generator.close();
        discriminator.close();
        generatorAdam.close();
        discriminatorAdam.close();
        generatorModel.close();
        discriminatorModel.close();
    }
}
