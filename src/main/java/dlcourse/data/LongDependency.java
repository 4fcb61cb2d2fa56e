package dlcourse.data;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import java.util.Random;

/**
 * A sequence task whose answer depends on the distant past: remember the marked value. Each
 * sequence has T steps and two channels: channel 0 is noise N(0, 1) except at step 0, where it is
 * the sign s = ±1 to remember; channel 1 marks step 0 with a 1. The label is class 1 if s = +1,
 * else 0. The last T − 1 steps carry no information about the label, so a model that sees only a
 * window of l &lt; T recent steps is at chance (50 %), and a model that learns it must carry s over
 * T steps — the vanishing-gradient test of an RNN.
 */
public final class LongDependency {

    private static final NDManager DATA = NDManager.newBaseManager();

    private LongDependency() {}

    /**
     * {@code n} sequences {@code (n, T, 2)} with labels {@code (n)}, reproducible from {@code
     * seed}.
     */
    public static ArrayDataset rememberFirst(int n, int steps, int batch, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * steps * 2];
        float[] y = new float[n];
        for (int k = 0; k < n; k++) {
            boolean positive = r.nextBoolean();
            y[k] = positive ? 1 : 0;
            for (int t = 0; t < steps; t++) {
                int at = (k * steps + t) * 2;
                x[at] = t == 0 ? (positive ? 1f : -1f) : (float) r.nextGaussian();
                x[at + 1] = t == 0 ? 1f : 0f;
            }
        }
        return new ArrayDataset.Builder()
                .setData(DATA.create(x, new Shape(n, steps, 2)))
                .optLabels(DATA.create(y, new Shape(n)))
                .setSampling(batch, true)
                .build();
    }
}
