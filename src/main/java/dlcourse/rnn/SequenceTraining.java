package dlcourse.rnn;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dlcourse.core.Profile;
import dlcourse.train.LossNotFiniteException;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The training loop for recurrent models: like {@link dlcourse.train.Training} (Adam, a history
 * table, a divergence check) but with what sequences need — every step's gradients are clipped
 * by global norm ({@link GradientClipping}), the loss may be a regression loss, and accuracy is
 * computed only for classification (class scores on the last axis).
 *
 * <pre>{@code
 * var run = SequenceTraining.of(net, new Shape(72, 1)).loss(Loss.l2Loss()).clip(1).epochs(5)
 *         .fit(windows.train(), windows.valid());
 * }</pre>
 */
public final class SequenceTraining {

    private SequenceTraining() {}

    /** @param inputShape one example without the batch axis, e.g. (T, C) */
    public static Builder of(Block net, Shape inputShape) {
        return new Builder(net, inputShape);
    }

    /**
     * A finished fit. {@code gradNorms} holds every step's global gradient norm before clipping.
     * History columns: epoch, train_loss, valid_loss, valid_acc (NaN for regression),
     * grad_norm_max, seconds.
     */
    public record Result(Model model, Table history, double[] gradNorms) implements AutoCloseable {
        public Block net() {
            return model.getBlock();
        }

        public double last(String column) {
            return history.doubleColumn(column).get(history.rowCount() - 1);
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /** Settings of one fit. */
    public static final class Builder {
        private final Block net;
        private final Shape inputShape;
        private String name = "rnn";
        private int epochs = Profile.current().pick(1, 5, 20);
        private float learningRate = 1e-3f;
        private Optimizer optimizer;
        private Loss loss = Loss.l2Loss();
        private double clip = 1.0;
        private boolean classification;
        private boolean quiet;

        private Builder(Block net, Shape inputShape) {
            this.net = net;
            this.inputShape = inputShape;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Adam with this learning rate (default 1e-3). */
        public Builder learningRate(float lr) {
            this.learningRate = lr;
            return this;
        }

        /** Another optimizer, e.g. plain SGD to show exploding gradients. */
        public Builder optimizer(Optimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /** Default {@link Loss#l2Loss()} (½·MSE); softmax cross-entropy for classification and language models. */
        public Builder loss(Loss loss) {
            this.loss = loss;
            return this;
        }

        /** Clipping threshold θ for the global gradient norm (default 1; infinity turns clipping off). */
        public Builder clip(double maxNorm) {
            this.clip = maxNorm;
            return this;
        }

        /** Softmax cross-entropy on class indices and accuracy in the history. */
        public Builder classification() {
            this.classification = true;
            this.loss = Loss.softmaxCrossEntropyLoss();
            return this;
        }

        /** No line per epoch. */
        public Builder quiet() {
            this.quiet = true;
            return this;
        }

        public Result fit(RandomAccessDataset train, RandomAccessDataset valid) {
            Optimizer opt = optimizer != null ? optimizer
                    : Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).build();
            Model model = Model.newInstance(name);
            model.setBlock(net);
            try {
                return run(model, opt, train, valid);
            } catch (RuntimeException | Error e) {
                model.close();
                throw e;
            }
        }

        private Result run(Model model, Optimizer opt, RandomAccessDataset train, RandomAccessDataset valid) {
            Table history = Table.create(name, IntColumn.create("epoch"), DoubleColumn.create("train_loss"),
                    DoubleColumn.create("valid_loss"), DoubleColumn.create("valid_acc"),
                    DoubleColumn.create("grad_norm_max"), DoubleColumn.create("seconds"));
            List<Double> norms = new ArrayList<>();
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(opt))) {
                trainer.initialize(new Shape(1).addAll(inputShape));
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    long start = System.nanoTime();
                    double sum = 0;
                    double maxNorm = 0;
                    int batches = 0;
                    for (Batch batch : batches(trainer, train)) {
                        try (batch) {
                            float l;
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDArray lv = trainer.getLoss().evaluate(batch.getLabels(), trainer.forward(batch.getData()));
                                gc.backward(lv);
                                l = lv.getFloat();
                            }
                            if (!Float.isFinite(l)) {
                                throw new LossNotFiniteException(l, epoch, batches + 1, String.valueOf(opt));
                            }
                            double norm = GradientClipping.clipByGlobalNorm(model.getBlock().getParameters(), clip);
                            norms.add(norm);
                            maxNorm = Math.max(maxNorm, norm);
                            trainer.step();
                            sum += l;
                            batches++;
                        }
                    }
                    double[] v = valid == null ? new double[] {Double.NaN, Double.NaN} : evaluate(trainer, valid);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    history.intColumn("epoch").append(epoch);
                    history.doubleColumn("train_loss").append(sum / Math.max(1, batches));
                    history.doubleColumn("valid_loss").append(v[0]);
                    history.doubleColumn("valid_acc").append(v[1]);
                    history.doubleColumn("grad_norm_max").append(maxNorm);
                    history.doubleColumn("seconds").append(seconds);
                    if (!quiet) {
                        System.out.printf(Locale.ROOT, "%s epoch %d/%d: train loss %.4f, valid loss %.4f%s, max grad norm %.3g, %.1f s%n",
                                name, epoch, epochs, sum / Math.max(1, batches), v[0],
                                classification ? String.format(Locale.ROOT, ", valid acc %.3f", v[1]) : "", maxNorm, seconds);
                    }
                }
            }
            return new Result(model, history, norms.stream().mapToDouble(Double::doubleValue).toArray());
        }

        private static Iterable<Batch> batches(Trainer trainer, RandomAccessDataset data) {
            try {
                return trainer.iterateDataset(data);
            } catch (java.io.IOException | ai.djl.translate.TranslateException e) {
                throw new IllegalStateException("cannot read the dataset", e);
            }
        }

        /** Mean loss and (for classification) accuracy over a dataset, without gradients. */
        private double[] evaluate(Trainer trainer, RandomAccessDataset data) {
            double sum = 0;
            long correct = 0;
            long seen = 0;
            int batches = 0;
            for (Batch batch : batches(trainer, data)) {
                try (batch) {
                    NDList preds = trainer.evaluate(batch.getData());
                    sum += trainer.getLoss().evaluate(batch.getLabels(), preds).getFloat();
                    batches++;
                    if (classification) {
                        NDArray label = batch.getLabels().head();
                        NDArray guess = preds.head().argMax(-1).toType(DataType.INT64, false);
                        correct += guess.eq(label.toType(DataType.INT64, false).reshape(guess.getShape())).sum().getLong();
                        seen += label.size();
                    }
                }
            }
            return new double[] {sum / Math.max(1, batches), classification ? (double) correct / seen : Double.NaN};
        }
    }
}
