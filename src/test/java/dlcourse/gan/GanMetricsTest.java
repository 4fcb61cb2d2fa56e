package dlcourse.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GanMetricsTest {

    /** The matching must beat the greedy per-row choice: code 0 and 1 both prefer class 0. */
    @Test
    void bestMatchingIsTheOptimalPermutation() {
        int[][] c = {
            {50, 40, 10},
            {45, 5, 0},
            {0, 10, 30}
        };
        double[] m = GanMetrics.bestMatching(c);
        // greedy (row 0 → 0) gives 50 + 5 + 30 = 85; optimal: 0→1, 1→0, 2→2: 40 + 45 + 30 = 115
        assertEquals(115.0 / 190, m[0], 1e-12);
        assertArrayEquals(new double[] {1, 0, 2}, new double[] {m[1], m[2], m[3]});
        assertEquals((50 + 45 + 30) / 190.0, GanMetrics.purity(c), 1e-12);
        assertArrayEquals(new double[] {0.5, 0.1, 0.75}, GanMetrics.perClassAccuracy(c), 1e-12);
    }

    @Test
    void coverageEntropyIsMaximalForUniformAndZeroForCollapse() {
        int[] uniform = new int[1000];
        for (int i = 0; i < uniform.length; i++) {
            uniform[i] = i % 10;
        }
        assertEquals(
                Math.log(10) / Math.log(2), GanMetrics.classCoverageEntropy(uniform, 10), 1e-9);
        assertEquals(0, GanMetrics.classCoverageEntropy(new int[50], 10), 1e-12);
        assertEquals(1, GanMetrics.classCoverageEntropy(new int[] {3, 7, 3, 7}, 10), 1e-12);
    }

    /** Matrix square root and Tr((Σ1 Σ2)^½) against closed forms. */
    @Test
    void matrixSquareRootAndTraceTerm() {
        Random r = new Random(7);
        int d = 6;
        double[][] a = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                a[i][j] = r.nextGaussian();
            }
        }
        double[][] s = Distances.multiply(a, transpose(a)); // symmetric positive definite
        double[][] root = Distances.sqrtPsd(s);
        double[][] back = Distances.multiply(root, root);
        for (int i = 0; i < d; i++) {
            assertArrayEquals(s[i], back[i], 1e-8);
        }
        double[][] p = new double[d][d];
        double[][] q = new double[d][d];
        double expected = 0;
        for (int i = 0; i < d; i++) {
            p[i][i] = 1 + i;
            q[i][i] = 4.0 / (1 + i) + i;
            expected += Math.sqrt(p[i][i] * q[i][i]);
        }
        assertEquals(expected, Distances.traceSqrtProduct(p, q), 1e-9);
        // Tr((S S)^½) = Tr(S)
        assertEquals(Distances.trace(s), Distances.traceSqrtProduct(s, s), 1e-7);
    }

    /**
     * Samples of N(0, I) and N(μ, diag σ²): the distance approaches ‖μ‖² + Σ(σᵢ − 1)²; 0 for
     * identical sets.
     */
    @Test
    void frechetDistanceOfGaussianSamples() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(9);
            int n = 40_000;
            NDArray a = m.randomNormal(new Shape(n, 3)).toType(DataType.FLOAT64, false);
            double[] mu = {1, -2, 0.5};
            double[] sigma = {1, 2, 0.5};
            NDArray b =
                    m.randomNormal(new Shape(n, 3))
                            .toType(DataType.FLOAT64, false)
                            .mul(m.create(sigma))
                            .add(m.create(mu));
            double expected = 1 + 4 + 0.25 + 0 + 1 + 0.25;
            assertEquals(expected, Distances.frechet(a, b), 0.1);
            assertEquals(0, Distances.frechet(a, a), 1e-8);
        }
    }

    private static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }
}
