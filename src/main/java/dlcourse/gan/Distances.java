package dlcourse.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/** Distances between two samples of a distribution, to measure how close p_gen is to p_data. */
public final class Distances {

    private Distances() {}

    /**
     * Wasserstein-1 distance between two 1-D samples of equal size: mean |a₍ᵢ₎ − b₍ᵢ₎| over sorted
     * values.
     */
    public static double wasserstein1(float[] a, float[] b) {
        int n = Math.min(a.length, b.length);
        float[] x = Arrays.copyOf(a, a.length);
        float[] y = Arrays.copyOf(b, b.length);
        Arrays.sort(x);
        Arrays.sort(y);
        double s = 0;
        for (int i = 0; i < n; i++) {
            // the i-th quantile of each sample
            s += Math.abs(x[(int) ((long) i * x.length / n)] - y[(int) ((long) i * y.length / n)]);
        }
        return s / n;
    }

    /**
     * Fréchet distance between Gaussians fitted to two sets of feature vectors (N, d), as in FID
     * (Heusel et al. 2017), but on whatever features are given (here: the penultimate layer of a
     * Fashion-MNIST classifier, not Inception): ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^{1/2}).
     */
    public static double frechet(NDArray features1, NDArray features2) {
        double[][] a = rows(features1);
        double[][] b = rows(features2);
        double[] mu1 = mean(a);
        double[] mu2 = mean(b);
        double[][] s1 = covariance(a, mu1);
        double[][] s2 = covariance(b, mu2);
        double d2 = 0;
        for (int i = 0; i < mu1.length; i++) {
            d2 += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]);
        }
        return d2 + trace(s1) + trace(s2) - 2 * traceSqrtProduct(s1, s2);
    }

    /**
     * Tr((Σ₁Σ₂)^{1/2}) = Σ √λᵢ of the symmetric PSD matrix Σ₁^{1/2} Σ₂ Σ₁^{1/2} (same eigenvalues
     * as Σ₁Σ₂).
     */
    static double traceSqrtProduct(double[][] s1, double[][] s2) {
        double[][] r = sqrtPsd(s1);
        double[] eig = SymmetricEigen.values(multiply(multiply(r, s2), r));
        double t = 0;
        for (double v : eig) {
            t += Math.sqrt(Math.max(v, 0));
        }
        return t;
    }

    /**
     * The square root of a symmetric positive semi-definite matrix, via its eigen-decomposition.
     */
    static double[][] sqrtPsd(double[][] s) {
        int n = s.length;
        SymmetricEigen e = SymmetricEigen.of(s);
        double[][] r = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = 0;
                for (int k = 0; k < n; k++) {
                    v += e.vectors[i][k] * Math.sqrt(Math.max(e.values[k], 0)) * e.vectors[j][k];
                }
                r[i][j] = v;
            }
        }
        return r;
    }

    static double[][] rows(NDArray x) {
        NDArray f = x.toType(DataType.FLOAT64, false).reshape(x.getShape().get(0), -1);
        int n = (int) f.getShape().get(0);
        int d = (int) f.getShape().get(1);
        double[] flat = f.toDoubleArray();
        double[][] out = new double[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, out[i], 0, d);
        }
        return out;
    }

    static double[] mean(double[][] x) {
        double[] mu = new double[x[0].length];
        for (double[] row : x) {
            for (int j = 0; j < mu.length; j++) {
                mu[j] += row[j] / x.length;
            }
        }
        return mu;
    }

    /** Unbiased sample covariance. */
    static double[][] covariance(double[][] x, double[] mu) {
        int d = mu.length;
        double[][] c = new double[d][d];
        for (double[] row : x) {
            for (int i = 0; i < d; i++) {
                double di = row[i] - mu[i];
                for (int j = i; j < d; j++) {
                    c[i][j] += di * (row[j] - mu[j]);
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                c[i][j] /= x.length - 1;
                c[j][i] = c[i][j];
            }
        }
        return c;
    }

    static double trace(double[][] m) {
        double t = 0;
        for (int i = 0; i < m.length; i++) {
            t += m[i][i];
        }
        return t;
    }

    static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = b[0].length;
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < k; l++) {
                double v = a[i][l];
                if (v != 0) {
                    for (int j = 0; j < m; j++) {
                        c[i][j] += v * b[l][j];
                    }
                }
            }
        }
        return c;
    }

    /** Eigenvalues and eigenvectors (columns) of a symmetric matrix by cyclic Jacobi rotations. */
    static final class SymmetricEigen {
        final double[] values;
        final double[][] vectors;

        private SymmetricEigen(double[] values, double[][] vectors) {
            this.values = values;
            this.vectors = vectors;
        }

        static double[] values(double[][] s) {
            return of(s).values;
        }

        static SymmetricEigen of(double[][] s) {
            int n = s.length;
            double[][] a = new double[n][];
            double[][] v = new double[n][n];
            for (int i = 0; i < n; i++) {
                a[i] = Arrays.copyOf(s[i], n);
                v[i][i] = 1;
            }
            for (int sweep = 0; sweep < 100; sweep++) {
                double off = 0;
                double diag = 0;
                for (int i = 0; i < n; i++) {
                    diag += a[i][i] * a[i][i];
                    for (int j = i + 1; j < n; j++) {
                        off += a[i][j] * a[i][j];
                    }
                }
                if (off <= 1e-22 * Math.max(diag, 1e-300)) {
                    break;
                }
                for (int p = 0; p < n; p++) {
                    for (int q = p + 1; q < n; q++) {
                        if (a[p][q] != 0) {
                            rotate(a, v, p, q);
                        }
                    }
                }
            }
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = a[i][i];
            }
            return new SymmetricEigen(values, v);
        }

        /** One Jacobi rotation that zeroes a[p][q]. */
        private static void rotate(double[][] a, double[][] v, int p, int q) {
            int n = a.length;
            double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
            double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
            if (theta == 0) {
                t = 1;
            }
            double c = 1 / Math.sqrt(t * t + 1);
            double s = t * c;
            for (int k = 0; k < n; k++) {
                double akp = a[k][p];
                double akq = a[k][q];
                a[k][p] = c * akp - s * akq;
                a[k][q] = s * akp + c * akq;
            }
            for (int k = 0; k < n; k++) {
                double apk = a[p][k];
                double aqk = a[q][k];
                a[p][k] = c * apk - s * aqk;
                a[q][k] = s * apk + c * aqk;
            }
            for (int k = 0; k < n; k++) {
                double vkp = v[k][p];
                double vkq = v[k][q];
                v[k][p] = c * vkp - s * vkq;
                v[k][q] = s * vkp + c * vkq;
            }
        }
    }
}
