package dlcourse.grading;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import dlcourse.core.ModelSummary;
import dlcourse.core.Tables;
import dlcourse.train.FitOptimizer;
import java.util.Locale;

/**
 * Assertions for the graded test cells of the course's assignments (see docs/grading.md).
 *
 * <p>Each check returns quietly when it holds and throws a {@link CheckFailure} whose Russian
 * message names what was checked, what was expected and what was found. Nothing is written to
 * stderr (nbgrader scores a test cell with stderr output zero); {@link #ok} prints one line to
 * stdout for the student.
 *
 * <pre>{@code
 * Checks.shape(block.forward(ps, new NDList(x), false).head(), new Shape(2, 32, 4, 4), "выход блока");
 * Checks.parameterCount(block, new Shape(16, 8, 8), 14_016, "остаточный блок");
 * Checks.ok("Задача 1: форма выхода");
 * }</pre>
 */
public final class Checks {

    private Checks() {}

    /** Prints {@code ✓ what} to stdout: the cell's checks passed. */
    public static void ok(String what) {
        System.out.println("✓ " + what);
    }

    /** Fails with {@code message} unless {@code condition} holds. */
    public static void that(boolean condition, String message) {
        if (!condition) {
            throw new CheckFailure(message);
        }
    }

    public static void shape(NDArray actual, Shape expected, String what) {
        notNull(actual, what);
        shape(actual.getShape(), expected, what);
    }

    public static void shape(Shape actual, Shape expected, String what) {
        if (!expected.equals(actual)) {
            throw new CheckFailure(
                    String.format(
                            "Форма «%s»: ожидалась %s, получена %s.", what, expected, actual));
        }
    }

    /**
     * The exact number of weights of {@code net} for inputs of {@code inputShape} (no batch axis).
     */
    public static long parameterCount(Block net, Shape inputShape, long expected, String what) {
        long found = count(net, inputShape, what);
        if (found != expected) {
            throw new CheckFailure(
                    String.format(
                            "Число параметров «%s»: ожидалось %s, получено %s (разница %s).",
                            what,
                            Tables.grouped(expected),
                            Tables.grouped(found),
                            (found > expected ? "+" : "") + Tables.grouped(found - expected)));
        }
        return found;
    }

    /** A count computed by the student ({@code actual}) equals the true one ({@code expected}). */
    public static void count(long actual, long expected, String what) {
        if (actual != expected) {
            throw new CheckFailure(
                    String.format(
                            "«%s»: ожидалось %s, получено %s (разница %s).",
                            what,
                            Tables.grouped(expected),
                            Tables.grouped(actual),
                            (actual > expected ? "+" : "") + Tables.grouped(actual - expected)));
        }
    }

    /**
     * The classification accuracy of {@code model} on {@code images} with {@code labels} (data the
     * student's code never saw) is at least {@code min}; returns it. A training result is judged by
     * what its model does, never by the history it reports.
     */
    public static double accuracy(
            Model model, NDArray images, NDArray labels, double min, String what) {
        if (model == null || model.getBlock() == null || !model.getBlock().isInitialized()) {
            throw new CheckFailure(
                    "«" + what + "»: у результата нет обученной сети (result.model().getBlock()).");
        }
        try (NDManager scope = images.getManager().newSubManager()) {
            NDArray logits =
                    model.getBlock()
                            .forward(
                                    new ParameterStore(scope, false),
                                    new NDList(
                                            images.toDevice(
                                                    model.getNDManager().getDevice(), false)),
                                    false)
                            .head();
            NDArray predicted = logits.argMax(1).toType(DataType.INT64, false);
            long correct =
                    predicted
                            .eq(
                                    labels.toType(DataType.INT64, false)
                                            .toDevice(predicted.getDevice(), false))
                            .sum()
                            .getLong();
            double share = (double) correct / labels.size();
            if (!(share >= min)) {
                throw new CheckFailure(
                        String.format(
                                Locale.ROOT,
                                "Точность «%s» на отложенных данных (%d изображений) %.1f %%, а"
                                        + " нужно не ниже %.0f %%.",
                                what,
                                labels.size(),
                                100 * share,
                                100 * min));
            }
            return share;
        }
    }

    /** At most {@code max} weights; returns the count. */
    public static long parameterBudget(Block net, Shape inputShape, long max, String what) {
        long found = count(net, inputShape, what);
        if (found > max) {
            throw new CheckFailure(
                    String.format(
                            "Число параметров «%s»: бюджет %s, получено %s — на %s больше.",
                            what,
                            Tables.grouped(max),
                            Tables.grouped(found),
                            Tables.grouped(found - max)));
        }
        return found;
    }

    /**
     * {@code actual} equals {@code expected} element by element within {@code atol +
     * rtol·|expected|} (the shapes must agree); the message names the worst element.
     */
    public static void close(
            NDArray actual, NDArray expected, double atol, double rtol, String what) {
        notNull(actual, what);
        shape(actual.getShape(), expected.getShape(), what);
        float[] a = values(actual, what);
        float[] e = values(expected, what);
        if (a.length != e.length) { // a shape that changed between two questions
            throw new CheckFailure(
                    String.format("«%s»: получено %d чисел вместо %d.", what, a.length, e.length));
        }
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < a.length; i++) {
            double diff = Math.abs((double) a[i] - e[i]);
            double excess =
                    Double.isNaN(diff)
                            ? Double.POSITIVE_INFINITY
                            : diff - (atol + rtol * Math.abs(e[i]));
            if (excess > worstExcess) {
                worst = i;
                worstExcess = excess;
            }
        }
        if (worst >= 0) {
            throw new CheckFailure(
                    String.format(
                            Locale.ROOT,
                            "«%s» не совпадает с эталоном: в элементе %s ожидалось %.6g, получено"
                                    + " %.6g (допуск %.1g + %.1g·|эталон|).",
                            what,
                            index(worst, actual.getShape()),
                            e[worst],
                            a[worst],
                            atol,
                            rtol));
        }
    }

    public static void close(NDArray actual, NDArray expected, double atol, String what) {
        close(actual, expected, atol, 0, what);
    }

    public static void close(double actual, double expected, double atol, String what) {
        if (!(Math.abs(actual - expected) <= atol)) {
            throw new CheckFailure(
                    String.format(
                            Locale.ROOT,
                            "«%s»: ожидалось %.6g, получено %.6g (допуск %.1g).",
                            what,
                            expected,
                            actual,
                            atol));
        }
    }

    /** Every element is a finite number (no NaN, no ±∞). */
    public static void finite(NDArray actual, String what) {
        notNull(actual, what);
        float[] a = values(actual, what);
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                throw new CheckFailure(
                        String.format(
                                "«%s»: в элементе %s получено %s вместо конечного числа.",
                                what, index(i, actual.getShape()), a[i]));
            }
        }
    }

    /**
     * Trainability: {@code steps} steps of Adam ({@code lr}) on one fixed batch {@code (x, y)}
     * bring {@code loss} to at most {@code factor} times its first value. Returns the last loss.
     * The network is (re)initialised for the check.
     */
    public static float trainable(
            Block net,
            NDArray x,
            NDArray y,
            Loss loss,
            int steps,
            float lr,
            double factor,
            String what) {
        try (Model model = Model.newInstance("check", x.getDevice())) {
            model.setBlock(net);
            try (FitOptimizer adam = FitOptimizer.adam(lr);
                    Trainer trainer = model.newTrainer(adam.config(loss, x.getDevice()))) {
                trainer.initialize(x.getShape());
                float first = Float.NaN;
                float last = Float.NaN;
                for (int i = 0; i < steps; i++) {
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray value =
                                trainer.getLoss()
                                        .evaluate(new NDList(y), trainer.forward(new NDList(x)));
                        gc.backward(value);
                        last = value.getFloat();
                    }
                    if (!Float.isFinite(last)) {
                        throw new CheckFailure(
                                String.format(
                                        "«%s»: на шаге %d обучения потеря стала %s.",
                                        what, i + 1, last));
                    }
                    if (i == 0) {
                        first = last;
                    }
                    trainer.step();
                }
                if (!(last <= factor * first)) {
                    throw new CheckFailure(
                            String.format(
                                    Locale.ROOT,
                                    "«%s» не обучается: потеря была %.4g, после %d шагов Adam"
                                            + " (lr=%.1g) стала %.4g, а нужно не больше %.4g.",
                                    what,
                                    first,
                                    steps,
                                    lr,
                                    last,
                                    factor * first));
                }
                return last;
            }
        }
    }

    private static long count(Block net, Shape inputShape, String what) {
        if (net == null) {
            throw new CheckFailure("«" + what + "»: получен null вместо сети.");
        }
        try {
            return ModelSummary.parameterCount(net, inputShape);
        } catch (RuntimeException e) {
            throw new CheckFailure(
                    String.format(
                            "«%s» не принимает вход формы %s: %s",
                            what, new Shape(1).addAll(inputShape), e.getMessage()));
        }
    }

    /**
     * The elements of {@code array}, as many as its shape says: an object that claims a shape and
     * yields fewer numbers (an {@code NDArray} of the student's own making) would pass every
     * comparison element by element.
     */
    private static float[] values(NDArray array, String what) {
        Shape shape = new Shape(array.getShape().getShape()); // asked once, counted here
        float[] v = array.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        if (v.length != shape.size()) {
            throw new CheckFailure(
                    String.format(
                            "«%s»: массив формы %s отдал %d чисел вместо %d.",
                            what, shape, v.length, shape.size()));
        }
        return v;
    }

    private static void notNull(Object actual, String what) {
        if (actual == null) {
            throw new CheckFailure("«" + what + "»: получен null.");
        }
    }

    /** The multi-index [i, j, ...] of flat position {@code flat} in {@code shape}. */
    static String index(int flat, Shape shape) {
        long[] dims = shape.getShape();
        long[] idx = new long[dims.length];
        long rest = flat;
        for (int d = dims.length - 1; d >= 0; d--) {
            idx[d] = dims[d] == 0 ? 0 : rest % dims[d];
            rest = dims[d] == 0 ? rest : rest / dims[d];
        }
        return java.util.Arrays.toString(idx);
    }
}
