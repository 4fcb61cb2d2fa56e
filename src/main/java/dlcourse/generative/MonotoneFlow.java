package dlcourse.generative;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.util.PairList;
import dlcourse.train.FitOptimizer;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * A one-dimensional normalising flow (lecture: «порождающие сети», the change-of-variables
 * formula): a bijection f: X → Z with Z ~ N(0, 1), fitted by maximum likelihood, log p_X(x) = log
 * p_Z(f(x)) + log |f′(x)|.
 *
 * <p>f is element-wise and strictly increasing (so invertible), with an analytic derivative:
 *
 * <pre>
 *   f(x)  = e^a·x + b + Σ_k e^{β_k}·tanh(e^{γ_k}·(x − c_k))
 *   f′(x) = e^a + Σ_k e^{β_k + γ_k}·(1 − tanh²(e^{γ_k}·(x − c_k)))  &gt; 0
 * </pre>
 *
 * With K = 0 it is the affine flow, whose maximum-likelihood fit is the Gaussian N(mean, var). Each
 * tanh bump bends the map, so the density N(f(x))·f′(x) can be skewed or multimodal. Sampling: x =
 * f⁻¹(z), found by bisection (f is monotone).
 *
 * <p>Input (N, 1) → (z (N, 1), log f′(x) (N, 1)). Data are best standardised first ({@link #fit}
 * does it and keeps the constants).
 */
public final class MonotoneFlow extends AbstractBlock {

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final int bumps;
    private final Parameter logScale;
    private final Parameter shift;
    private final Parameter logHeight;
    private final Parameter logWidth;
    private final Parameter centre;

    /** A flow with {@code bumps} tanh terms (0: affine). */
    public MonotoneFlow(int bumps) {
        this.bumps = bumps;
        logScale =
                addParameter(
                        Parameter.builder()
                                .setName("a")
                                .setType(Parameter.Type.OTHER)
                                .optInitializer(new ConstantInitializer(0f))
                                .optShape(new Shape(1))
                                .build());
        shift =
                addParameter(
                        Parameter.builder()
                                .setName("b")
                                .setType(Parameter.Type.OTHER)
                                .optInitializer(new ConstantInitializer(0f))
                                .optShape(new Shape(1))
                                .build());
        int k = Math.max(bumps, 1); // shapes must be non-empty; with 0 bumps the terms are not used
        logHeight =
                addParameter(
                        Parameter.builder()
                                .setName("beta")
                                .setType(Parameter.Type.OTHER)
                                .optInitializer(new ConstantInitializer((float) Math.log(0.3)))
                                .optShape(new Shape(k))
                                .build());
        logWidth =
                addParameter(
                        Parameter.builder()
                                .setName("gamma")
                                .setType(Parameter.Type.OTHER)
                                .optInitializer(new ConstantInitializer(0f))
                                .optShape(new Shape(k))
                                .build());
        centre =
                addParameter(
                        Parameter.builder()
                                .setName("c")
                                .setType(Parameter.Type.OTHER)
                                .optInitializer(
                                        (m, shape, type) ->
                                                m.linspace(-2f, 2f, (int) shape.size())
                                                        .reshape(shape))
                                .optShape(new Shape(k))
                                .build());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {inputs[0], inputs[0]};
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (N, 1)
        NDArray a = ps.getValue(logScale, x.getDevice(), training);
        NDArray b = ps.getValue(shift, x.getDevice(), training);
        NDArray scale = local(a.exp(), x);
        NDArray z = x.mul(scale).add(b);
        NDArray slope = scale.broadcast(x.getShape());
        if (bumps > 0) {
            NDArray beta = ps.getValue(logHeight, x.getDevice(), training); // (K)
            NDArray gamma = ps.getValue(logWidth, x.getDevice(), training);
            NDArray c = ps.getValue(centre, x.getDevice(), training);
            NDArray t = x.sub(c).mul(local(gamma.exp(), x)).tanh(); // (N, K)
            z = z.add(t.mul(local(beta.exp(), x)).sum(new int[] {1}, true));
            NDArray sum = local(beta.add(gamma), x);
            slope = slope.add(t.square().neg().add(1).mul(sum.exp()).sum(new int[] {1}, true));
        }
        return new NDList(z, slope.log()); // (N, 1), (N, 1)
    }

    /**
     * A result computed from a parameter, moved to the input's manager so it is freed with the
     * batch.
     */
    private static NDArray local(NDArray fromParameter, NDArray x) {
        fromParameter.attach(x.getManager());
        return fromParameter;
    }

    /** log p_X(x) = −½ f(x)² − ½ log 2π + log f′(x), per example (N, 1). */
    public static NDArray logDensity(NDList zAndLogDet) {
        NDArray z = zAndLogDet.get(0);
        return z.square().mul(-0.5).sub(0.5 * LOG_2PI).add(zAndLogDet.get(1));
    }

    /**
     * Fits a flow by maximum likelihood (full-batch Adam) to 1-D data, standardised first.
     *
     * @return the fitted density, with a history of the mean negative log-likelihood (nats per
     *     example, in the data's own units)
     */
    public static Fitted fit(float[] data, int bumps, int steps, float learningRate) {
        double mean = 0;
        for (float v : data) {
            mean += v / (double) data.length;
        }
        double var = 0;
        for (float v : data) {
            var += (v - mean) * (v - mean) / data.length;
        }
        double std = Math.sqrt(var);
        MonotoneFlow flow = new MonotoneFlow(bumps);
        Model model = Model.newInstance("flow");
        model.setBlock(flow);
        Table history = Table.create("flow", IntColumn.create("step"), DoubleColumn.create("nll"));
        try (FitOptimizer adam = FitOptimizer.adam(learningRate);
                Trainer trainer =
                        model.newTrainer(
                                adam.config(Loss.l2Loss(), model.getNDManager().getDevice()));
                NDManager m = model.getNDManager().newSubManager()) {
            trainer.initialize(new Shape(1, 1));
            NDArray x = m.create(data).reshape(data.length, 1).sub(mean).div(std);
            for (int step = 1; step <= steps; step++) {
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    // maximise the log-likelihood ⇔ minimise its negative mean
                    NDArray nll = logDensity(trainer.forward(new NDList(x))).mean().neg();
                    gc.backward(nll);
                    if (step == 1 || step % 10 == 0 || step == steps) {
                        history.intColumn("step").append(step);
                        history.doubleColumn("nll").append(nll.getFloat() + Math.log(std));
                    }
                }
                trainer.step();
            }
        }
        return new Fitted(model, flow, mean, std, history);
    }

    /** A fitted flow in the data's units: density, log-likelihood, samples. */
    public static final class Fitted implements AutoCloseable {
        private final Model model;
        private final MonotoneFlow flow;
        private final double mean;
        private final double std;
        private final Table history;

        Fitted(Model model, MonotoneFlow flow, double mean, double std, Table history) {
            this.model = model;
            this.flow = flow;
            this.mean = mean;
            this.std = std;
            this.history = history;
        }

        public Table history() {
            return history;
        }

        /** log p(x) for each value: the flow's density of the standardised value, minus log std. */
        public double[] logDensity(double[] values) {
            try (NDManager m = model.getNDManager().newSubManager()) {
                NDArray x =
                        m.create(values)
                                .toType(DataType.FLOAT32, false)
                                .reshape(values.length, 1)
                                .sub(mean)
                                .div(std);
                NDArray lp = MonotoneFlow.logDensity(forward(x)).sub(Math.log(std));
                return lp.toType(DataType.FLOAT64, false).toDoubleArray();
            }
        }

        public double[] density(double[] values) {
            double[] lp = logDensity(values);
            for (int i = 0; i < lp.length; i++) {
                lp[i] = Math.exp(lp[i]);
            }
            return lp;
        }

        /** Mean log-likelihood per example (nats). */
        public double meanLogLikelihood(double[] values) {
            double s = 0;
            for (double v : logDensity(values)) {
                s += v;
            }
            return s / values.length;
        }

        /** x = f⁻¹(z) for z ~ N(0, 1), by bisection on the monotone f. */
        public double[] sample(NDManager manager, int n) {
            float[] z = manager.randomNormal(new Shape(n)).toFloatArray();
            double[] lo = new double[n];
            double[] hi = new double[n];
            java.util.Arrays.fill(lo, -50);
            java.util.Arrays.fill(hi, 50);
            try (NDManager m = model.getNDManager().newSubManager()) {
                for (int it = 0; it < 60; it++) {
                    double[] mid = new double[n];
                    for (int i = 0; i < n; i++) {
                        mid[i] = (lo[i] + hi[i]) / 2;
                    }
                    float[] f =
                            forward(m.create(mid).toType(DataType.FLOAT32, false).reshape(n, 1))
                                    .head()
                                    .toFloatArray();
                    for (int i = 0; i < n; i++) {
                        if (f[i] < z[i]) {
                            lo[i] = mid[i];
                        } else {
                            hi[i] = mid[i];
                        }
                    }
                }
            }
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = mean + std * (lo[i] + hi[i]) / 2;
            }
            return x;
        }

        private NDList forward(NDArray standardised) {
            return flow.forward(
                    new ParameterStore(standardised.getManager(), false),
                    new NDList(standardised),
                    false);
        }

        @Override
        public void close() {
            model.close();
        }
    }
}
