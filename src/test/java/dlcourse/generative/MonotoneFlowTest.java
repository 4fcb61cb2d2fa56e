package dlcourse.generative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dlcourse.core.Seeds;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The flow's log-likelihood against closed forms. */
class MonotoneFlowTest {

    private static double gaussianLogPdf(double x, double mu, double sigma) {
        return -0.5 * Math.pow((x - mu) / sigma, 2) - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
    }

    /**
     * The affine flow z = e^a·x + b is the Gaussian N(−b·e^{−a}, e^{−2a}): same log-density at
     * every x.
     */
    @Test
    void affineFlowHasTheGaussianLogDensity() {
        try (NDManager m = NDManager.newBaseManager()) {
            MonotoneFlow flow = new MonotoneFlow(0);
            flow.initialize(m, DataType.FLOAT32, new Shape(1, 1));
            float a = -0.7f;
            float b = 1.3f;
            for (var p : flow.getDirectParameters()) {
                if (p.getKey().equals("a")) {
                    p.getValue().getArray().set(new float[] {a});
                } else if (p.getKey().equals("b")) {
                    p.getValue().getArray().set(new float[] {b});
                }
            }
            double sigma = Math.exp(-a);
            double mu = -b * sigma;
            double[] xs = {-4, -1, 0, 0.5, 2, 7};
            NDArray x = m.create(xs).toType(DataType.FLOAT32, false).reshape(xs.length, 1);
            float[] lp =
                    MonotoneFlow.logDensity(
                                    flow.forward(
                                            new ParameterStore(m, false), new NDList(x), false))
                            .toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                assertEquals(gaussianLogPdf(xs[i], mu, sigma), lp[i], 1e-5, "x = " + xs[i]);
            }
        }
    }

    /**
     * Fitted by maximum likelihood to Gaussian data, the affine flow reaches the closed-form
     * maximum.
     */
    @Test
    void maximumLikelihoodFitReachesTheGaussianOptimum() {
        Seeds.fix(4);
        Random r = new Random(4);
        float[] data = new float[3000];
        double mean = 0;
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (10 + 3 * r.nextGaussian());
            mean += data[i] / (double) data.length;
        }
        double var = 0;
        for (float v : data) {
            var += (v - mean) * (v - mean) / data.length;
        }
        double optimum =
                -0.5 * (Math.log(2 * Math.PI * var) + 1); // max mean log-likelihood of a Gaussian
        double[] xs = new double[data.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = data[i];
        }
        // start the fit away from the answer: the standardised data would make it trivial
        try (MonotoneFlow.Fitted f = MonotoneFlow.fit(data, 0, 300, 0.05f)) {
            double ll = f.meanLogLikelihood(xs);
            assertEquals(optimum, ll, 1e-3, "mean log-likelihood");
            double start = -f.history().doubleColumn("nll").get(0);
            assertTrue(ll >= start - 1e-6, "the fit does not get worse than its start");
        }
        assertEquals(0, dlcourse.train.FitOptimizer.open(), "the fit left its optimizer open");
    }

    /**
     * A fitted non-linear flow on bimodal data: the density integrates to 1 and beats the Gaussian.
     */
    @Test
    void nonLinearFlowDensityIntegratesToOneAndBeatsTheGaussian() {
        Seeds.fix(5);
        Random r = new Random(5);
        float[] data = new float[4000];
        double[] xs = new double[data.length];
        for (int i = 0; i < data.length; i++) {
            data[i] =
                    (float)
                            (r.nextBoolean()
                                    ? -2 + 0.5 * r.nextGaussian()
                                    : 2 + 0.5 * r.nextGaussian());
            xs[i] = data[i];
        }
        try (MonotoneFlow.Fitted gauss = MonotoneFlow.fit(data, 0, 200, 0.05f);
                MonotoneFlow.Fitted flow = MonotoneFlow.fit(data, 6, 400, 0.05f)) {
            int n = 4001;
            double lo = -8;
            double hi = 8;
            double[] grid = new double[n];
            for (int i = 0; i < n; i++) {
                grid[i] = lo + (hi - lo) * i / (n - 1);
            }
            double[] p = flow.density(grid);
            double integral = 0;
            for (int i = 1; i < n; i++) {
                integral += (p[i] + p[i - 1]) / 2 * (grid[i] - grid[i - 1]);
            }
            assertEquals(1.0, integral, 2e-3, "∫ p(x) dx");
            double llFlow = flow.meanLogLikelihood(xs);
            double llGauss = gauss.meanLogLikelihood(xs);
            assertTrue(llFlow > llGauss + 0.2, "flow " + llFlow + " vs Gaussian " + llGauss);
            // samples drawn through the inverse come out bimodal like the data: few near 0
            try (NDManager m = NDManager.newBaseManager()) {
                double[] s = flow.sample(m, 2000);
                long nearZero = java.util.Arrays.stream(s).filter(v -> Math.abs(v) < 0.5).count();
                long nearModes =
                        java.util.Arrays.stream(s)
                                .filter(v -> Math.abs(Math.abs(v) - 2) < 0.5)
                                .count();
                assertTrue(nearModes > 5 * nearZero, "modes " + nearModes + ", valley " + nearZero);
            }
        }
    }
}
