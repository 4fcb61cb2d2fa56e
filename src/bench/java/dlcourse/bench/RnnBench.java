package dlcourse.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.loss.Loss;
import dlcourse.core.Profile;
import dlcourse.core.Seeds;
import dlcourse.data.LongDependency;
import dlcourse.data.TimeSeries;
import dlcourse.forecast.Forecasting;
import dlcourse.rnn.Recurrent;
import dlcourse.rnn.WindowModel;
import dlcourse.train.Training;
import java.util.Locale;

/**
 * The numbers in docs/rnn.md: (1) 24-hour-ahead temperature forecasts of a window model, an RNN and
 * an LSTM against persistence and seasonal baselines on the held-out last 20 % of 2010; (2) LSTM vs
 * RNN on the long-dependency task, mean over seeds. Sizes follow DL_PROFILE.
 *
 * <pre>
 * DL_PROFILE=full mvn -q -B test-compile exec:java -Dexec.mainClass=dlcourse.bench.RnnBench
 * </pre>
 *
 * Optional arguments: {@code forecast} or {@code memory} to run one part.
 */
public final class RnnBench {

    public static void main(String[] args) {
        Profile p = Profile.current();
        System.out.println(p.banner());
        String part = args.length > 0 ? args[0] : "all";
        if (!part.equals("memory")) {
            forecast(p);
        }
        if (!part.equals("forecast")) {
            memory(p);
        }
    }

    static void forecast(Profile p) {
        long t0 = System.nanoTime();
        int lookback = 48;
        int horizon = 24;
        int epochs = p.pick(3, 10, 20);
        TimeSeries.Split split = TimeSeries.seattleTemperatures().split(0.8);
        TimeSeries.Windows train = split.trainWindows(lookback, horizon, p.pick(4, 2, 1));
        TimeSeries.Windows valid = split.validWindows(lookback, horizon, 1);
        System.out.printf(
                "forecast: %d train windows, %d held-out windows, %d epochs%n",
                train.size(), valid.size(), epochs);
        Forecasting.Errors[] errs = new Forecasting.Errors[5];
        errs[0] = Forecasting.errors("persistence", Forecasting.persistence(valid), valid);
        errs[1] = Forecasting.errors("seasonal (24 h)", Forecasting.seasonal(valid, 24), valid);
        float scale = Forecasting.differenceScale(train, 24);
        String[] names = {"window MLP", "RNN", "LSTM"};
        for (int i = 0; i < 3; i++) {
            Seeds.fix(1);
            Block core =
                    switch (i) {
                        case 0 ->
                                new SequentialBlock()
                                        .add(WindowModel.block(lookback - 24, 32, horizon))
                                        .add(Recurrent.lastStep());
                        case 1 -> Recurrent.regressor(Recurrent.engineRnn(32), horizon);
                        default -> Recurrent.regressor(Recurrent.engineLstm(32, 1f), horizon);
                    };
            Block net = Forecasting.seasonalPlus(core, 24, lookback, horizon, scale);
            long s = System.nanoTime();
            try (var run =
                    Training.of(net, new Shape(lookback, 1))
                            .optName(names[i])
                            .optEpochs(epochs)
                            .optLearningRate(2e-3f)
                            .optClipGradients(1)
                            .optLoss(Loss.l2Loss())
                            .optQuiet()
                            .fit(train.dataset(64, true), valid.dataset(512, false))) {
                NDArray pred = Forecasting.predict(run.model().getBlock(), valid);
                errs[2 + i] = Forecasting.errors(names[i], pred, valid);
                System.out.printf(
                        Locale.ROOT,
                        "  %s trained in %.0f s%n",
                        names[i],
                        (System.nanoTime() - s) / 1e9);
            }
        }
        System.out.println(Forecasting.table(errs).print());
        System.out.printf(Locale.ROOT, "forecast part: %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static int args2steps(Profile p) {
        String s = System.getenv("RNN_BENCH_STEPS");
        return s != null ? Integer.parseInt(s) : p.pick(30, 50, 100);
    }

    /**
     * Mean validation accuracy over seeds of three models on {@link LongDependency}: the tanh RNN,
     * the LSTM with the lecture's forget bias b_f = 1, and the LSTM with chrono initialisation
     * (forget time constants spread up to T steps).
     */
    static void memory(Profile p) {
        long t0 = System.nanoTime();
        int steps = args2steps(p);
        int n = p.pick(2048, 4096, 8192);
        int epochs = p.pick(3, 10, 15);
        int seeds = p.pick(1, 2, 5);
        String[] names = {"RNN", "LSTM b_f=1", "LSTM chrono"};
        double[] acc = new double[names.length];
        for (int seed = 1; seed <= seeds; seed++) {
            for (int k = 0; k < names.length; k++) {
                Seeds.fix(seed);
                Block recurrent =
                        switch (k) {
                            case 0 -> Recurrent.engineRnn(32);
                            case 1 -> Recurrent.engineLstm(32, 1f);
                            default -> Recurrent.engineLstmChrono(32, steps);
                        };
                try (var run =
                        Training.of(Recurrent.regressor(recurrent, 2), new Shape(steps, 2))
                                .optName(names[k])
                                .optEpochs(epochs)
                                .optLearningRate(1e-2f)
                                .optClipGradients(1)
                                .optQuiet()
                                .fit(
                                        LongDependency.rememberFirst(n, steps, 64, seed),
                                        LongDependency.rememberFirst(
                                                1024, steps, 256, 1000 + seed))) {
                    double a = run.testAccuracy(); // the held-out sequences are a validation set
                    acc[k] += a / seeds;
                    System.out.printf(
                            Locale.ROOT,
                            "  T=%d seed %d %-11s: valid acc %.3f%n",
                            steps,
                            seed,
                            names[k],
                            a);
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "memory task T=%d, %d seeds, %d epochs of %d: %s %.3f, %s %.3f, %s %.3f (%.0f s)%n",
                steps,
                seeds,
                epochs,
                n,
                names[0],
                acc[0],
                names[1],
                acc[1],
                names[2],
                acc[2],
                (System.nanoTime() - t0) / 1e9);
    }
}
