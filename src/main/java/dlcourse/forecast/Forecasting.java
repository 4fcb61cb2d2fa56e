package dlcourse.forecast;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import dlcourse.data.TimeSeries;
import dlcourse.plot.Plots;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;

/**
 * Forecasting helpers: a trained model's predictions, the two baselines every forecast must beat —
 * persistence (tomorrow = the last value seen) and seasonal (the value one period, e.g. 24 h,
 * before the target) — errors in the series' own units, and prediction-vs-truth plots.
 */
public final class Forecasting {

    private Forecasting() {}

    /**
     * Predictions {@code (N, horizon)}, normalised units, of a block mapping {@code (B, T, 1)} to
     * {@code (B, horizon)}.
     */
    public static NDArray predict(Block net, TimeSeries.Windows w) {
        NDManager m = w.x().getManager();
        NDList parts = new NDList();
        int n = w.size();
        for (int from = 0; from < n; from += 512) {
            NDArray xb = w.x().get(new NDIndex("{}:{}", from, Math.min(n, from + 512)));
            parts.add(net.forward(new ParameterStore(m, false), new NDList(xb), false).head());
        }
        return NDArrays.concat(parts, 0);
    }

    /**
     * A forecaster that learns only a correction to the seasonal forecast, from the seasonally
     * differenced input (the change since one period ago, d_t = x_t − x_{t−period}, as in SARIMA):
     *
     * <pre>
     *   ŷ_{t+k} = x_{t+k−period} + net(d / s)_k · s,     s = {@code scale}, the typical size of d
     * </pre>
     *
     * On a series dominated by a daily cycle the network then spends its capacity on what the cycle
     * does not explain (the drift from one day to the next), at a scale of order one.
     *
     * @param net maps {@code (B, lookback − period, 1)} to {@code (B, horizon)}
     */
    public static Block seasonalPlus(
            Block net, int period, int lookback, int horizon, float scale) {
        int from = lookback - period;
        Block seasonal =
                new LambdaBlock(
                        x -> new NDList(steps(x.head(), from, from + horizon).squeeze(2)),
                        "seasonal");
        Block differenced =
                new SequentialBlock()
                        .add(
                                new LambdaBlock(
                                        x -> new NDList(difference(x.head(), period).div(scale)),
                                        "difference"))
                        .add(net)
                        .add(new LambdaBlock(x -> new NDList(x.head().mul(scale)), "rescale"));
        return new ParallelBlock(
                outs -> new NDList(outs.get(0).head().add(outs.get(1).head())),
                List.of(seasonal, differenced));
    }

    /** Steps {@code from} (inclusive) to {@code to} (exclusive) of {@code x (B, T, C)}. */
    private static NDArray steps(NDArray x, long from, long to) {
        return x.get(new NDIndex(":, {}:{}, :", from, to));
    }

    /**
     * The seasonal difference d_t = x_t − x_{t−period} of {@code x (B, T, C)}: (B, T − period, C).
     */
    private static NDArray difference(NDArray x, int period) {
        long length = x.getShape().get(1);
        return steps(x, period, length).sub(steps(x, 0, length - period));
    }

    /**
     * The standard deviation of the seasonal differences x_t − x_{t−period} inside the windows'
     * inputs.
     */
    public static float differenceScale(TimeSeries.Windows w, int period) {
        NDArray d = difference(w.x(), period);
        return (float) Math.sqrt(d.sub(d.mean()).square().mean().getFloat());
    }

    /** Persistence: every lead time gets the last observed value. */
    public static NDArray persistence(TimeSeries.Windows w) {
        NDArray last = w.x().get(new NDIndex(":, -1, 0")).expandDims(1); // (N, 1)
        return last.repeat(1, w.horizon());
    }

    /**
     * Seasonal: the target at t + k is predicted by the value at t + k − period (needs horizon ≤
     * period ≤ lookback).
     */
    public static NDArray seasonal(TimeSeries.Windows w, int period) {
        if (w.horizon() > period || period > w.lookback()) {
            throw new IllegalArgumentException(
                    "сезонный прогноз требует горизонт ≤ период ≤ окно: горизонт "
                            + w.horizon()
                            + ", период "
                            + period
                            + ", окно "
                            + w.lookback());
        }
        int from = w.lookback() - period;
        return w.x().get(new NDIndex(":, {}:{}, 0", from, from + w.horizon())); // (N, horizon)
    }

    /**
     * Errors of predictions in the series' units: per lead time (1 … horizon) mean absolute and
     * root-mean-square error.
     */
    public record Errors(String model, double[] mae, double[] rmse) {
        public double meanMae() {
            return java.util.Arrays.stream(mae).average().orElse(Double.NaN);
        }

        public double meanRmse() {
            return java.util.Arrays.stream(rmse).average().orElse(Double.NaN);
        }
    }

    public static Errors errors(String model, NDArray predicted, TimeSeries.Windows w) {
        NDArray diff = predicted.sub(w.y()).mul(w.split().std()); // back to the series' units
        float[] mae = diff.abs().mean(new int[] {0}).toFloatArray();
        float[] mse = diff.square().mean(new int[] {0}).toFloatArray();
        double[] a = new double[mae.length];
        double[] r = new double[mse.length];
        for (int k = 0; k < a.length; k++) {
            a[k] = mae[k];
            r[k] = Math.sqrt(mse[k]);
        }
        return new Errors(model, a, r);
    }

    /**
     * One row per model: MAE and RMSE averaged over lead times, and at 1 step and at the full
     * horizon.
     */
    public static Table table(Errors... all) {
        Table t =
                Table.create(
                        "errors",
                        StringColumn.create("model"),
                        DoubleColumn.create("MAE"),
                        DoubleColumn.create("RMSE"),
                        DoubleColumn.create("MAE@1"),
                        DoubleColumn.create("MAE@horizon"));
        for (Errors e : all) {
            t.stringColumn("model").append(e.model());
            t.doubleColumn("MAE").append(round(e.meanMae()));
            t.doubleColumn("RMSE").append(round(e.meanRmse()));
            t.doubleColumn("MAE@1").append(round(e.mae()[0]));
            t.doubleColumn("MAE@horizon").append(round(e.mae()[e.mae().length - 1]));
        }
        return t;
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    /** MAE against lead time (hours ahead) for several models. */
    public static Figure errorByLead(String title, Errors... all) {
        Plots.Series[] s = new Plots.Series[all.length];
        for (int i = 0; i < all.length; i++) {
            double[] x = new double[all[i].mae().length];
            for (int k = 0; k < x.length; k++) {
                x[k] = k + 1;
            }
            s[i] = new Plots.Series(all[i].model(), x, all[i].mae());
        }
        return Plots.lines(title, "шагов вперёд", "MAE", s);
    }

    /**
     * Truth and predictions at one lead time ({@code lead} = 1 … horizon) for {@code count}
     * consecutive windows from {@code from}, in the series' units; x is the target's series index.
     */
    public static Figure plot(
            String title,
            TimeSeries.Windows w,
            int lead,
            int from,
            int count,
            String[] names,
            NDArray... predicted) {
        TimeSeries.Split sp = w.split();
        int to = Math.min(w.size(), from + count);
        double[] x = new double[to - from];
        double[] truth = new double[to - from];
        float[] y = w.y().get(new NDIndex("{}:{}, {}", from, to, lead - 1)).toFloatArray();
        for (int k = from; k < to; k++) {
            x[k - from] = w.targetStart()[k] + lead - 1;
            truth[k - from] = sp.denormalise(y[k - from]);
        }
        Plots.Series[] s = new Plots.Series[predicted.length + 1];
        s[0] = new Plots.Series("истина", x, truth);
        for (int i = 0; i < predicted.length; i++) {
            float[] p =
                    predicted[i].get(new NDIndex("{}:{}, {}", from, to, lead - 1)).toFloatArray();
            double[] d = new double[p.length];
            for (int k = 0; k < p.length; k++) {
                d[k] = sp.denormalise(p[k]);
            }
            s[i + 1] = new Plots.Series(names[i], x, d);
        }
        return Plots.lines(title, "час года", sp.series().unit(), s);
    }
}
