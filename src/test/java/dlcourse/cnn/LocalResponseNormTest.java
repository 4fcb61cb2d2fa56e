package dlcourse.cnn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class LocalResponseNormTest {

    /** The paper's sum, written as loops, for every element of a random tensor. */
    @Test
    void equalsThePapersFormula() {
        try (NDManager m = NDManager.newBaseManager()) {
            int b = 2, c = 7, h = 3, w = 4, n = 5;
            float k = 2f, alpha = 0.1f, beta = 0.75f; // large α so the normalisation matters
            NDArray a = m.randomNormal(new Shape(b, c, h, w)).mul(3);
            float[] x = a.toFloatArray();
            float[] got = LocalResponseNorm.apply(a, k, n, alpha, beta).toFloatArray();
            double maxDiff = 0;
            for (int bi = 0; bi < b; bi++) {
                for (int i = 0; i < c; i++) {
                    for (int p = 0; p < h * w; p++) {
                        double sum = 0;
                        for (int j = Math.max(0, i - n / 2); j <= Math.min(c - 1, i + n / 2); j++) {
                            double v = x[(bi * c + j) * h * w + p];
                            sum += v * v;
                        }
                        int idx = (bi * c + i) * h * w + p;
                        double expected = x[idx] / Math.pow(k + alpha * sum, beta);
                        maxDiff = Math.max(maxDiff, Math.abs(expected - got[idx]));
                    }
                }
            }
            assertTrue(maxDiff < 1e-5, "max |difference| = " + maxDiff);
        }
    }
}
