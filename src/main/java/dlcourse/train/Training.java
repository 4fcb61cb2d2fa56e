package dlcourse.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import dlcourse.core.CourseHome;
import dlcourse.core.Devices;
import dlcourse.core.Interruptible;
import dlcourse.core.Profile;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * The training loop every notebook uses: a model, data, an optimizer, {@link Builder#fit}.
 *
 * <pre>{@code
 * var result = Training.of(net, new Shape(1, 28, 28)).optEpochs(5).optLearningRate(1e-3f)
 *         .fit(FashionMnistData.train(128), FashionMnistData.test(256));
 * Plots.trainingCurves(result.history());
 * }</pre>
 *
 * <p>Per epoch it keeps a row of history in a tablesaw {@link Table} (losses, accuracies, seconds,
 * images per second; more from {@link Builder#addEpochListener} listeners), shows live progress,
 * evaluates on the test set, stops with {@link LossNotFiniteException} when the loss diverges, and,
 * when given a checkpoint name, saves the run so that a crashed kernel resumes where it stopped.
 * Each batch's tensors are freed with the batch, so native memory stays flat across epochs.
 *
 * <p>Accuracy is computed when the first output holds class scores on its last axis for every
 * label: (N, classes) against (N), or per time step (B, T, V) against (B, T) for a language model,
 * counting every label. For any other output (regression) the accuracy columns are NaN.
 *
 * <p>Recurrent networks need {@link Builder#optClipGradients}:
 *
 * <pre>{@code
 * var run = Training.of(net, new Shape(72, 1)).optLoss(Loss.l2Loss()).optClipGradients(1)
 *         .optEpochs(5).fit(windows.train(), windows.valid());
 * }</pre>
 */
public final class Training {

    /** Models still held by earlier fits, by name: a re-run cell frees its predecessor's memory. */
    private static final Map<String, Model> LIVE = new ConcurrentHashMap<>();

    private Training() {}

    /**
     * Starts a training set-up.
     *
     * @param net the network
     * @param inputShape the shape of one example, without the batch axis, e.g. (1, 28, 28)
     */
    public static Builder of(Block net, Shape inputShape) {
        return new Builder(net, inputShape);
    }

    /**
     * What a fit produced: the trained model, its history (one row per epoch) and, when gradients
     * were clipped, every step's global gradient norm before clipping (else empty; after resuming
     * from a checkpoint, only the steps of this fit — the history keeps every epoch's maximum).
     */
    /** What a fit calls after each epoch ({@link Builder#addEpochListener}). */
    @FunctionalInterface
    public interface EpochListener {
        /** On the training thread, after epoch {@code epoch}'s row was added to {@code history}. */
        void epochEnded(int epoch, Table history, Model model);
    }

    public record Result(Model model, Table history, double[] gradientNorms)
            implements AutoCloseable {

        public Result(Model model, Table history) {
            this(model, history, new double[0]);
        }

        /** Test accuracy after the last epoch. */
        public double testAccuracy() {
            return last("test_acc");
        }

        /** Training accuracy in the last epoch. */
        public double trainAccuracy() {
            return last("train_acc");
        }

        public double last(String column) {
            return history.doubleColumn(column).getDouble(history.rowCount() - 1);
        }

        /**
         * The first epoch at which a history column reached {@code level} (at least it, for
         * accuracies; at most, for losses), or -1 if it never did: "epochs to converge".
         */
        public int firstEpochReaching(String column, double level) {
            boolean lowerIsBetter = column.endsWith("loss");
            var values = history.doubleColumn(column);
            for (int r = 0; r < history.rowCount(); r++) {
                double v = values.getDouble(r);
                if (lowerIsBetter ? v <= level : v >= level) {
                    return history.intColumn("epoch").get(r);
                }
            }
            return -1;
        }

        @Override
        public void close() {
            LIVE.remove(model.getName(), model);
            model.close();
        }
    }

    /** Settings of one fit; every setting has a default. */
    public static final class Builder {
        private final Block net;
        private final Shape inputShape;
        private String name = "model";
        private int epochs = Profile.current().pick(1, 5, 20);
        private Optimizer optimizer;
        private float learningRate = 1e-3f;
        private Loss loss = Loss.softmaxCrossEntropyLoss();
        private Device device;
        private String checkpoint;
        private boolean quiet;
        private double clipNorm = Double.NaN;
        private final List<EpochListener> listeners = new ArrayList<>();

        private Builder(Block net, Shape inputShape) {
            this.net = net;
            this.inputShape = inputShape;
        }

        /**
         * Calls {@code listener} on the training thread after every epoch, once the epoch's row of
         * history is written (e.g. {@link Memory#perEpoch}, which benchmarks and tests use).
         */
        public Builder addEpochListener(EpochListener listener) {
            listeners.add(listener);
            return this;
        }

        /** A name for progress, history and the model (default "model"). */
        public Builder optName(String name) {
            this.name = name;
            return this;
        }

        public Builder optEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Adam with this learning rate (the default optimizer; lr 1e-3). */
        public Builder optLearningRate(float lr) {
            this.learningRate = lr;
            return this;
        }

        /** Any DJL optimizer instead of Adam (e.g. SGD with momentum, as in the AlexNet paper). */
        public Builder optOptimizer(Optimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /** The loss (default softmax cross-entropy on class indices). */
        public Builder optLoss(Loss loss) {
            this.loss = loss;
            return this;
        }

        /** The device (default {@link Devices#best()}). */
        public Builder optDevice(Device device) {
            this.device = device;
            return this;
        }

        /**
         * Saves the run after every epoch under {@code data/checkpoints/<name>} (or {@code
         * DL_CHECKPOINTS}); a later fit with the same name and set-up resumes from it.
         */
        public Builder optCheckpoint(String name) {
            this.checkpoint = name;
            return this;
        }

        /**
         * Clips the gradients by global norm θ after every backward pass ({@link
         * GradientClipping}), as recurrent networks need, and records each step's norm before
         * clipping: history column {@code grad_norm_max} (the epoch's largest) and {@link
         * Result#gradientNorms()}. Off by default; θ = infinity records the norms without clipping.
         */
        public Builder optClipGradients(double maxNorm) {
            if (!(maxNorm > 0)) {
                throw new IllegalArgumentException(
                        "порог нормы градиента должен быть > 0, а не " + maxNorm);
            }
            this.clipNorm = maxNorm;
            return this;
        }

        boolean clipping() {
            return !Double.isNaN(clipNorm);
        }

        /** No progress display. */
        public Builder optQuiet() {
            this.quiet = true;
            return this;
        }

        /**
         * Trains on {@code train}, evaluating on {@code test} (may be null) after every epoch.
         *
         * <p>The cell can be re-run as it is, any number of times: with a checkpoint it resumes
         * from the last saved epoch; without one it trains the network further from its current
         * weights. An interrupt stops the loop within one batch (see {@link Interruptible}) and
         * keeps the weights; the display then says how many epochs are saved.
         */
        public Result fit(RandomAccessDataset train, RandomAccessDataset test) {
            Run run = new Run(this, train, test);
            return Interruptible.run(run::execute, run::interrupted);
        }

        /** The learning rate as a student can change it: the number, or where it is set. */
        String rateDescription() {
            return optimizer == null
                    ? String.format(Locale.ROOT, "optLearningRate(%.0e), Adam", learningRate)
                            .replace("e-0", "e-")
                    : "задана в оптимизаторе " + optimizer.getClass().getSimpleName();
        }
    }

    /**
     * A model for the network under {@code name}, taking over the network's weights: a re-run cell
     * trains on what the previous fit left, and the previous model of that name is freed.
     */
    private static Model modelFor(String name, Block net, Device device) {
        Model model = Model.newInstance(name, device);
        model.setBlock(net);
        for (Pair<String, Parameter> p : net.getParameters()) {
            Parameter parameter = p.getValue();
            if (parameter.isInitialized()) {
                if (parameter.getArray().isReleased()) {
                    // freed with an earlier result (Result.close): initialised afresh
                    parameter.close();
                } else {
                    parameter.getArray().attach(model.getNDManager());
                }
            }
        }
        Model previous = LIVE.put(name, model);
        if (previous != null) {
            previous.close();
        }
        return model;
    }

    /**
     * Zeroes the gradients a stopped fit left behind (its last backward pass ran, its step did
     * not): PyTorch would add the next batch's gradients to them; after a NaN stop they are NaN,
     * and the re-run cell's first step would turn every weight into NaN.
     */
    private static void clearGradients(Block net) {
        for (Parameter p : net.getParameters().values()) {
            if (p.isInitialized() && p.getArray().hasGradient()) {
                try (NDArray gradient = p.getArray().getGradient()) {
                    gradient.set(new NDIndex("..."), 0f);
                }
            }
        }
    }

    /** True when the network holds weights from an earlier fit in this kernel (not freed since). */
    /** The batch size a data set was built with (DJL keeps its sampler protected). */
    static int batchSize(RandomAccessDataset data) {
        try {
            Field f = RandomAccessDataset.class.getDeclaredField("sampler");
            f.setAccessible(true);
            return ((Sampler) f.get(data)).getBatchSize();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "DJL's RandomAccessDataset changed: update Training.batchSize", e);
        }
    }

    /**
     * An object's settings as text, e.g. {@code Adam(learningRateTracker=FixedTracker(value=0.01),
     * beta1=0.9, …)}: its fields of plain values (numbers, text, flags, enums) and, one level down,
     * its trackers; the state it builds while training (maps, tensors, update counters) is left
     * out, so the same settings give the same text before and after a fit.
     */
    static String settings(Object o) {
        return settings(o, 2);
    }

    private static String settings(Object o, int depth) {
        Class<?> type = o.getClass();
        List<String> parts = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())
                        || f.getName().contains("NumUpdate")
                        || f.getName().equals("numUpdate")) {
                    continue;
                }
                Object value;
                try {
                    f.setAccessible(true);
                    value = f.get(o);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue; // not readable: not part of what the fingerprint can compare
                }
                if (value == null
                        || value instanceof Number
                        || value instanceof CharSequence
                        || value instanceof Boolean
                        || value instanceof Enum<?>) {
                    parts.add(f.getName() + "=" + value);
                } else if (depth > 1
                        && value.getClass()
                                .getPackageName()
                                .startsWith("ai.djl.training.tracker")) {
                    parts.add(f.getName() + "=" + settings(value, depth - 1));
                }
            }
        }
        String name = type.isAnonymousClass() ? type.getName() : type.getSimpleName();
        return name + "(" + String.join(", ", parts) + ")";
    }

    private static boolean hasWeights(Block net) {
        return net.getParameters().values().stream()
                .anyMatch(p -> p.isInitialized() && !p.getArray().isReleased());
    }

    /**
     * Adds to {@code scored} = {correct, labels scored} when the first output holds class scores on
     * its last axis for every label: (N, classes) vs (N), (B, T, V) vs (B, T). Else adds nothing.
     */
    static void countCorrect(NDList preds, NDList labels, long[] scored) {
        Shape scores = preds.head().getShape();
        NDArray y = labels.head();
        int d = scores.dimension();
        if (d != y.getShape().dimension() + 1
                || scores.get(d - 1) < 2
                || !scores.slice(0, d - 1).equals(y.getShape())) {
            return;
        }
        scored[0] +=
                preds.head()
                        .argMax(-1)
                        .toType(DataType.INT64, false)
                        .eq(y.toType(DataType.INT64, false))
                        .countNonzero()
                        .getLong();
        scored[1] += y.size();
    }

    /** Correct / scored, or NaN when nothing was scored (regression). */
    static double accuracy(long[] scored) {
        return scored[1] == 0 ? Double.NaN : (double) scored[0] / scored[1];
    }

    /** One fit, from initialisation to the last epoch. */
    private static final class Run {
        private final Builder cfg;
        private final RandomAccessDataset train;
        private final RandomAccessDataset test;
        private final Table history;
        private final List<Double> gradientNorms = new ArrayList<>();
        private final ProgressView view;
        private final String unit;
        private Model model;
        private Checkpoint checkpoint;

        /** Read by the cell's thread when it is interrupted. */
        private volatile int epoch;

        private volatile int saved;

        Run(Builder cfg, RandomAccessDataset train, RandomAccessDataset test) {
            this.cfg = cfg;
            this.train = train;
            this.test = test;
            this.view = ProgressView.create(cfg.quiet);
            this.unit = cfg.inputShape.dimension() == 3 ? "изобр." : "примеров";
            this.history =
                    Table.create(
                            cfg.name,
                            IntColumn.create("epoch"),
                            DoubleColumn.create("train_loss"),
                            DoubleColumn.create("train_acc"),
                            DoubleColumn.create("test_loss"),
                            DoubleColumn.create("test_acc"),
                            DoubleColumn.create("seconds"),
                            DoubleColumn.create("images_per_s"));
            if (cfg.clipping()) {
                history.addColumns(DoubleColumn.create("grad_norm_max"));
            }
        }

        /**
         * On the training thread. The model stays registered whatever happens, so its weights
         * survive a stop.
         */
        Result execute() {
            try (FitOptimizer optimizer =
                    cfg.optimizer != null
                            ? FitOptimizer.of(cfg.optimizer)
                            : FitOptimizer.adam(cfg.learningRate)) {
                Path dir =
                        cfg.checkpoint == null
                                ? null
                                : CourseHome.checkpoints().resolve(cfg.checkpoint);
                try (Checkpoint.Held held =
                        dir == null ? null : Checkpoint.lock(dir, () -> sayWaiting(dir))) {
                    return train(optimizer, dir);
                }
            }
        }

        private void sayWaiting(Path dir) {
            System.out.println(
                    cfg.name
                            + ": контрольную точку "
                            + dir
                            + " сейчас обучает другое ядро; ждём его и продолжим с того, что оно"
                            + " сохранит.");
        }

        /** {@code dir}: the checkpoint's folder, or null. */
        private Result train(FitOptimizer optimizer, Path dir) {
            boolean continuing = hasWeights(cfg.net);
            model = modelFor(cfg.name, cfg.net, cfg.device != null ? cfg.device : Devices.best());
            Shape input = new Shape(1).addAll(cfg.inputShape);
            cfg.net.initialize(
                    model.getNDManager(), model.getDataType(), input); // keeps weights it has
            clearGradients(cfg.net);
            // before the trainer, which caches the weights it starts with
            int done = resume(continuing, dir);
            try (Trainer trainer =
                    model.newTrainer(
                            optimizer.config(cfg.loss, model.getNDManager().getDevice()))) {
                trainer.initialize(input);
                try {
                    for (epoch = done + 1; epoch <= cfg.epochs; epoch++) {
                        runEpoch(trainer, epoch);
                        if (checkpoint != null) {
                            checkpoint.save(cfg.net, epoch, history);
                            saved = epoch;
                        }
                    }
                } catch (LossNotFiniteException e) {
                    view.end(
                            cfg.name
                                    + ": обучение остановлено, потери стали "
                                    + e.loss()
                                    + " (эпоха "
                                    + e.epoch()
                                    + ", пакет "
                                    + e.batch()
                                    + ")."
                                    + whatRerunDoes());
                    throw e;
                } catch (Interruptible.Stopped e) {
                    throw e; // the cell's end has said what happened
                } catch (RuntimeException | Error e) {
                    view.end(
                            cfg.name
                                    + ": обучение остановлено ошибкой на эпохе "
                                    + epoch
                                    + " (она ниже).");
                    throw e;
                }
            }
            view.end(summary());
            return new Result(
                    model,
                    history,
                    gradientNorms.stream().mapToDouble(Double::doubleValue).toArray());
        }

        /**
         * Loads a compatible checkpoint, if any; returns the epochs it holds. Says where training
         * starts from.
         */
        private int resume(boolean continuing, Path dir) {
            // after initialisation: the fingerprint reads the block, whose description then has
            // its shapes, on the first run as on a re-run of the cell
            checkpoint = dir == null ? null : new Checkpoint(dir, fingerprint());
            int done = checkpoint == null ? 0 : Math.min(checkpoint.completedEpochs(), cfg.epochs);
            saved = done;
            if (done > 0) {
                checkpoint.loadWeights(cfg.net, model.getNDManager());
                Table previous = checkpoint.history(history);
                for (int r = 0; r < done && r < previous.rowCount(); r++) {
                    history.addRow(r, previous);
                }
                System.out.println(
                        "Продолжаем с контрольной точки "
                                + checkpoint.dir()
                                + ": пройдено эпох "
                                + done
                                + " из "
                                + cfg.epochs
                                + (done == cfg.epochs ? " — обучение уже завершено." : "."));
            } else if (continuing) {
                System.out.println(
                        cfg.name
                                + ": сеть уже обучалась в этом ядре — продолжаем с её текущих весов"
                                + " (начать заново: выполните ячейку, где сеть создаётся).");
            }
            return done;
        }

        /**
         * When the interrupted cell ends (kernel's thread, before idle): the display's last line.
         */
        void interrupted() {
            view.end(
                    cfg.name
                            + ": обучение прервано на эпохе "
                            + Math.min(epoch, cfg.epochs)
                            + " из "
                            + cfg.epochs
                            + "."
                            + whatRerunDoes());
        }

        private String whatRerunDoes() {
            if (checkpoint == null) {
                return " Веса сети остались в памяти: повторный запуск ячейки продолжит обучение с"
                        + " них (начать заново: выполните ячейку, где сеть создаётся).";
            }
            int s = saved;
            return " Сохранено эпох: "
                    + s
                    + " из "
                    + cfg.epochs
                    + " ("
                    + checkpoint.dir()
                    + "); повторный запуск"
                    + " ячейки продолжит "
                    + (s == 0 ? "с начала." : "с эпохи " + (s + 1) + ".");
        }

        private void runEpoch(Trainer trainer, int epoch) {
            long perEpoch = train.size();
            double lossSum = 0;
            long[] scored = new long[2]; // correct, labels scored
            long seen = 0;
            long batches = 0;
            double maxNorm = 0;
            long start = System.nanoTime();
            for (Batch batch : batches(trainer, train)) {
                try (batch) {
                    Interruptible.checkStop();
                    NDList x = batch.getData();
                    NDList y = batch.getLabels();
                    float loss;
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDList preds = trainer.forward(x);
                        NDArray lossValue = trainer.getLoss().evaluate(y, preds);
                        gc.backward(lossValue);
                        loss = lossValue.getFloat();
                        countCorrect(preds, y, scored);
                    }
                    batches++;
                    if (!Float.isFinite(loss)) {
                        throw new LossNotFiniteException(
                                loss, epoch, batches, cfg.rateDescription());
                    }
                    if (cfg.clipping()) {
                        double norm =
                                GradientClipping.clipByGlobalNorm(
                                        cfg.net.getParameters(), cfg.clipNorm);
                        gradientNorms.add(norm);
                        maxNorm = Math.max(maxNorm, norm);
                    }
                    trainer.step();
                    long n = x.head().getShape().get(0);
                    seen += n;
                    lossSum += loss * n;
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double rate = seen / seconds;
                double left = ((cfg.epochs - epoch) * perEpoch + (perEpoch - seen)) / rate;
                view.progress(
                        fraction(epoch, seen, perEpoch),
                        status(
                                epoch,
                                seen,
                                perEpoch,
                                lossSum / seen,
                                accuracy(scored),
                                rate,
                                left));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double[] testMetrics =
                    test == null ? new double[] {Double.NaN, Double.NaN} : evaluate(trainer, test);
            history.intColumn("epoch").append(epoch);
            history.doubleColumn("train_loss").append(lossSum / seen);
            history.doubleColumn("train_acc").append(accuracy(scored));
            history.doubleColumn("test_loss").append(testMetrics[0]);
            history.doubleColumn("test_acc").append(testMetrics[1]);
            history.doubleColumn("seconds").append(seconds);
            history.doubleColumn("images_per_s").append(seen / seconds);
            if (cfg.clipping()) {
                history.doubleColumn("grad_norm_max").append(maxNorm);
            }
            for (EpochListener listener : cfg.listeners) {
                listener.epochEnded(epoch, history, model);
            }
            double left = (cfg.epochs - epoch) * seconds;
            view.stage(
                    fraction(epoch, seen, perEpoch),
                    status(
                            epoch,
                            seen,
                            perEpoch,
                            lossSum / seen,
                            accuracy(scored),
                            seen / seconds,
                            left),
                    epochLine(history.rowCount() - 1));
        }

        private double fraction(int epoch, long seen, long perEpoch) {
            return ((epoch - 1) * (double) perEpoch + seen) / ((double) cfg.epochs * perEpoch);
        }

        /**
         * The live line: epoch, examples, loss, accuracy (where there is one), speed, time left.
         */
        private String status(
                int epoch,
                long seen,
                long perEpoch,
                double loss,
                double accuracy,
                double rate,
                double secondsLeft) {
            return String.format(
                    Locale.ROOT,
                    "%s · эпоха %d/%d · %d/%d %s · потери %.4f%s · %.0f %s/с · осталось %s",
                    cfg.name,
                    epoch,
                    cfg.epochs,
                    seen,
                    perEpoch,
                    unit,
                    loss,
                    Double.isNaN(accuracy)
                            ? ""
                            : String.format(Locale.ROOT, " · точность %.3f", accuracy),
                    rate,
                    unit,
                    ProgressView.duration(secondsLeft));
        }

        /** Mean loss and accuracy over a dataset, in inference mode. */
        private double[] evaluate(Trainer trainer, RandomAccessDataset data) {
            double lossSum = 0;
            long[] scored = new long[2];
            long seen = 0;
            for (Batch batch : batches(trainer, data)) {
                try (batch) {
                    Interruptible.checkStop();
                    NDList preds = trainer.evaluate(batch.getData());
                    long n = batch.getData().head().getShape().get(0);
                    lossSum += trainer.getLoss().evaluate(batch.getLabels(), preds).getFloat() * n;
                    countCorrect(preds, batch.getLabels(), scored);
                    seen += n;
                }
            }
            return new double[] {lossSum / seen, accuracy(scored)};
        }

        private static Iterable<Batch> batches(Trainer trainer, RandomAccessDataset data) {
            try {
                return trainer.iterateDataset(data);
            } catch (java.io.IOException | ai.djl.translate.TranslateException e) {
                throw new IllegalStateException(
                        "Не удалось прочитать данные: " + e.getMessage(), e);
            }
        }

        private String epochLine(int row) {
            String line =
                    String.format(
                            Locale.ROOT,
                            "эпоха %2d: %s",
                            history.intColumn("epoch").get(row),
                            lossAndAccuracy("train", row));
            if (test != null) {
                line += " | тест: " + lossAndAccuracy("test", row);
            }
            if (cfg.clipping()) {
                line +=
                        String.format(
                                Locale.ROOT,
                                " | макс. норма градиента %.3g",
                                history.doubleColumn("grad_norm_max").getDouble(row));
            }
            return line
                    + String.format(
                            Locale.ROOT,
                            " | %.1f с, %.0f %s/с",
                            history.doubleColumn("seconds").getDouble(row),
                            history.doubleColumn("images_per_s").getDouble(row),
                            unit);
        }

        /** "потери L, точность A", or only the loss when there is no accuracy (regression). */
        private String lossAndAccuracy(String part, int row) {
            double acc = history.doubleColumn(part + "_acc").getDouble(row);
            String loss =
                    String.format(
                            Locale.ROOT,
                            "потери %.4f",
                            history.doubleColumn(part + "_loss").getDouble(row));
            return Double.isNaN(acc)
                    ? loss
                    : loss + String.format(Locale.ROOT, ", точность %.4f", acc);
        }

        private String summary() {
            if (history.rowCount() == 0) {
                return cfg.name + ": обучение не проводилось (0 эпох)";
            }
            int last = history.rowCount() - 1;
            String metric =
                    Double.isNaN(history.doubleColumn("train_acc").getDouble(last))
                            ? "loss"
                            : "acc";
            String text =
                    String.format(
                            Locale.ROOT,
                            "%s: %d эп., %.1f с; %s: обучение %.4f",
                            cfg.name,
                            history.rowCount(),
                            history.doubleColumn("seconds").sum(),
                            metric.equals("acc") ? "точность" : "потери",
                            history.doubleColumn("train_" + metric).getDouble(last));
            return test == null
                    ? text
                    : text
                            + String.format(
                                    Locale.ROOT,
                                    ", тест %.4f",
                                    history.doubleColumn("test_" + metric).getDouble(last));
        }

        /**
         * What must match for a checkpoint to be resumed: the network, the data (size and batch),
         * the optimizer with its settings, the loss, gradient clipping and the profile. Taken from
         * the initialised network (its description shows every layer's shapes only then), so a
         * network built afresh after a restart and one re-used by a re-run cell agree.
         */
        private String fingerprint() {
            return String.join(
                    " / ",
                    "net " + Integer.toHexString(cfg.net.toString().hashCode()),
                    "input " + cfg.inputShape,
                    "examples " + train.size(),
                    "batch " + batchSize(train),
                    "optimizer "
                            + (cfg.optimizer == null
                                    ? "Adam(learningRate=" + cfg.learningRate + ")"
                                    : settings(cfg.optimizer)),
                    "loss " + settings(cfg.loss),
                    "clip " + (cfg.clipping() ? cfg.clipNorm : "off"),
                    "profile " + Profile.current().id());
        }
    }
}
