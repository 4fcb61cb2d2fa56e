package dlcourse.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import dlcourse.data.TimeSeries;
import org.junit.jupiter.api.Test;

/**
 * The forecasting baselines and the seasonal-plus wrapper against series whose answers are known: a
 * pure daily cycle (the seasonal forecast is exact, persistence is not) and shifted predictions
 * (the errors come back in the series' own units).
 */
class ForecastingTest {

    private static final int PERIOD = 24;
    private static final int LOOKBACK = 48;
    private static final int HORIZON = 12;

    /** Validation windows of 20 days of 10 + 5·sin(2πt/24) °C, hourly. */
    private static TimeSeries.Windows dailyCycle() {
        float[] v = new float[20 * PERIOD];
        String[] times = new String[v.length];
        for (int t = 0; t < v.length; t++) {
            v[t] = (float) (10 + 5 * Math.sin(2 * Math.PI * t / PERIOD));
            times[t] = "t" + t;
        }
        return new TimeSeries("cycle", "°C", times, v)
                .split(0.75)
                .validWindows(LOOKBACK, HORIZON, 1);
    }

    @Test
    void theSeasonalForecastOfAPureCycleIsExactAndPersistenceIsNot() {
        TimeSeries.Windows w = dailyCycle();
        var seasonal = Forecasting.errors("seasonal", Forecasting.seasonal(w, PERIOD), w);
        var persistence = Forecasting.errors("persistence", Forecasting.persistence(w), w);
        assertEquals(0, seasonal.meanMae(), 1e-4, "°C");
        double[] mae = persistence.mae();
        assertTrue(mae[0] < mae[HORIZON - 1], "persistence's error grows with the lead time");
        assertTrue(mae[HORIZON - 1] > 3, "half a cycle ahead persistence is far off: " + mae[11]);
    }

    @Test
    void errorsAreMeasuredInTheSeriesUnits() {
        TimeSeries.Windows w = dailyCycle();
        NDArray oneDegreeHigh = w.y().add(1f / w.split().std()); // in normalised units
        var e = Forecasting.errors("off by 1 °C", oneDegreeHigh, w);
        for (int k = 0; k < HORIZON; k++) {
            assertEquals(1.0, e.mae()[k], 1e-4, "MAE at lead " + (k + 1));
            assertEquals(1.0, e.rmse()[k], 1e-4, "RMSE at lead " + (k + 1));
        }
    }

    /**
     * ŷ = seasonal forecast + net(d / s)·s: a network that outputs c everywhere adds exactly c·s,
     * and it sees the seasonal differences d_t = x_t − x_{t−24} divided by s.
     */
    @Test
    void seasonalPlusAddsTheScaledCorrectionToTheSeasonalForecast() {
        TimeSeries.Windows w = dailyCycle();
        float scale = 2f;
        NDArray[] seen = new NDArray[1];
        Block constant =
                new LambdaBlock(
                        x -> {
                            seen[0] = x.head().duplicate();
                            long batch = x.head().getShape().get(0);
                            NDManager m = x.head().getManager();
                            return new NDList(m.full(new Shape(batch, HORIZON), 0.25f));
                        },
                        "constant");
        Block net = Forecasting.seasonalPlus(constant, PERIOD, LOOKBACK, HORIZON, scale);
        try (NDManager m = NDManager.newBaseManager()) {
            net.initialize(m, DataType.FLOAT32, new Shape(1, LOOKBACK, 1));
            NDArray predicted = Forecasting.predict(net, w);
            NDArray expected = Forecasting.seasonal(w, PERIOD).add(0.25f * scale);
            assertTrue(predicted.sub(expected).abs().max().getFloat() < 1e-5, "seasonal + c·s");
            long last = seen[0].getShape().get(0); // the last chunk predict() passed on
            NDArray x = w.x().get("-" + last + ":");
            NDArray differences = x.get(":, 24:, :").sub(x.get(":, :24, :")).div(scale);
            assertEquals(new Shape(last, LOOKBACK - PERIOD, 1), seen[0].getShape());
            assertTrue(
                    seen[0].sub(differences).abs().max().getFloat() < 1e-5, "the net sees d / s");
        }
    }
}
