package dlcourse.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import dlcourse.core.CourseHome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * A univariate time series from the course's CSVs (the lecture's examples: temperatures and stock
 * prices), its split in time order and sliding windows for forecasting.
 *
 * <pre>{@code
 * TimeSeries temps = TimeSeries.seattleTemperatures();       // hourly, 2010, °C
 * TimeSeries.Split split = temps.split(0.8);                  // first 80 % train, rest validation
 * TimeSeries.Windows train = split.trainWindows(72, 24, 1);   // 72 h in, next 24 h out
 * }</pre>
 *
 * Normalisation (mean, standard deviation) is fitted on the training part only, and every
 * validation window lies entirely after the training part: nothing from the future leaks in.
 */
public final class TimeSeries {

    /** Arrays of datasets live as long as the kernel; they are small. */
    private static final NDManager DATA = NDManager.newBaseManager();

    private final String name;
    private final String unit;
    private final String[] times;
    private final float[] values;

    public TimeSeries(String name, String unit, String[] times, float[] values) {
        this.name = name;
        this.unit = unit;
        this.times = times;
        this.values = values;
    }

    /**
     * Hourly air temperature in Seattle, 2010 ({@code seattle-temps.csv}), converted from °F to °C.
     */
    public static TimeSeries seattleTemperatures() {
        List<String[]> rows = csv("seattle-temps.csv");
        float[] v = new float[rows.size()];
        String[] t = new String[rows.size()];
        for (int i = 0; i < v.length; i++) {
            t[i] = rows.get(i)[0];
            v[i] = (Float.parseFloat(rows.get(i)[1]) - 32f) * 5f / 9f;
        }
        return new TimeSeries("Сиэтл, температура воздуха", "°C", t, v);
    }

    /** Monthly price of one stock in {@code stocks.csv}: MSFT, AMZN, IBM, GOOG or AAPL. */
    public static TimeSeries stock(String symbol) {
        List<String> t = new ArrayList<>();
        List<Float> v = new ArrayList<>();
        for (String[] r : csv("stocks.csv")) {
            if (r[0].equals(symbol)) {
                t.add(r[1]);
                v.add(Float.parseFloat(r[2]));
            }
        }
        if (v.isEmpty()) {
            throw new IllegalArgumentException("в stocks.csv нет акции " + symbol);
        }
        float[] a = new float[v.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = v.get(i);
        }
        return new TimeSeries(symbol, "$", t.toArray(String[]::new), a);
    }

    private static List<String[]> csv(String file) {
        try {
            List<String> lines = Files.readAllLines(CourseHome.path(file));
            List<String[]> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (!line.isBlank()) {
                    rows.add(line.split(","));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public String unit() {
        return unit;
    }

    public int length() {
        return values.length;
    }

    public float[] values() {
        return values.clone();
    }

    public String time(int i) {
        return times[i];
    }

    /** The first {@code trainFraction} of the series for training, the rest for validation. */
    public Split split(double trainFraction) {
        int cut = (int) Math.round(values.length * trainFraction);
        double mean = 0;
        for (int i = 0; i < cut; i++) {
            mean += values[i];
        }
        mean /= cut;
        double var = 0;
        for (int i = 0; i < cut; i++) {
            var += (values[i] - mean) * (values[i] - mean);
        }
        return new Split(this, cut, (float) mean, (float) Math.sqrt(var / cut));
    }

    /**
     * A split in time order: indices {@code [0, cut)} train, {@code [cut, length)} validation;
     * {@code mean} and {@code std} are the training part's.
     */
    public record Split(TimeSeries series, int cut, float mean, float std) {

        public float normalise(float x) {
            return (x - mean) / std;
        }

        public float denormalise(float z) {
            return z * std + mean;
        }

        public Windows trainWindows(int lookback, int horizon, int stride) {
            return windows(0, cut, lookback, horizon, stride);
        }

        public Windows validWindows(int lookback, int horizon, int stride) {
            return windows(cut, series.length(), lookback, horizon, stride);
        }

        private Windows windows(int from, int to, int lookback, int horizon, int stride) {
            List<Integer> starts = new ArrayList<>();
            for (int t = from + lookback; t + horizon <= to; t += stride) {
                // inputs [t − lookback, t), targets [t, t + horizon), all inside [from, to)
                starts.add(t);
            }
            int n = starts.size();
            float[] x = new float[n * lookback];
            float[] y = new float[n * horizon];
            int[] first = new int[n];
            for (int k = 0; k < n; k++) {
                int t = starts.get(k);
                first[k] = t;
                for (int j = 0; j < lookback; j++) {
                    x[k * lookback + j] = normalise(series.values[t - lookback + j]);
                }
                for (int j = 0; j < horizon; j++) {
                    y[k * horizon + j] = normalise(series.values[t + j]);
                }
            }
            NDArray xa = DATA.create(x, new Shape(n, lookback, 1)); // (N, T, 1)
            NDArray ya = DATA.create(y, new Shape(n, horizon)); // (N, horizon)
            return new Windows(this, xa, ya, first, lookback, horizon);
        }
    }

    /**
     * Windows in normalised units: {@code x (N, lookback, 1)}, {@code y (N, horizon)}; {@code
     * targetStart[k]} is the series index of the first target of window k.
     */
    public record Windows(
            Split split, NDArray x, NDArray y, int[] targetStart, int lookback, int horizon) {

        public int size() {
            return targetStart.length;
        }

        public ArrayDataset dataset(int batch, boolean shuffle) {
            return new ArrayDataset.Builder()
                    .setData(x)
                    .optLabels(y)
                    .setSampling(batch, shuffle)
                    .build();
        }
    }
}
