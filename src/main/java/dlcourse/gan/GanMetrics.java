package dlcourse.gan;

import java.util.Arrays;

/**
 * Quality of generated samples judged by an independent classifier ({@link FashionClassifier}):
 * class coverage (mode collapse), accuracy on requested classes (cGAN), and how well a learned
 * categorical code matches the classes (InfoGAN). Confusion matrices have one row per requested
 * class or code value and one column per predicted class.
 */
public final class GanMetrics {

    private GanMetrics() {}

    /** counts[row][predicted]. */
    public static int[][] confusion(int[] rows, int[] predicted, int rowCount, int classes) {
        int[][] c = new int[rowCount][classes];
        for (int i = 0; i < rows.length; i++) {
            c[rows[i]][predicted[i]]++;
        }
        return c;
    }

    /** Per requested class: the fraction of its samples the classifier assigns to it. */
    public static double[] perClassAccuracy(int[][] confusion) {
        double[] acc = new double[confusion.length];
        for (int i = 0; i < confusion.length; i++) {
            int total = Arrays.stream(confusion[i]).sum();
            acc[i] = total == 0 ? Double.NaN : (double) confusion[i][i] / total;
        }
        return acc;
    }

    /**
     * Purity: each code value votes for its most frequent class; the fraction of samples in
     * agreement.
     */
    public static double purity(int[][] confusion) {
        long agree = 0;
        long total = 0;
        for (int[] row : confusion) {
            agree += Arrays.stream(row).max().orElse(0);
            total += Arrays.stream(row).sum();
        }
        return (double) agree / total;
    }

    /**
     * The best one-to-one assignment of code values to classes (a permutation, as in the InfoGAN
     * paper's «classification error» after matching) and the accuracy it gives. Exact, by dynamic
     * programming over subsets of classes (2^classes states).
     *
     * @return {accuracy, then the class of each code value}
     */
    public static double[] bestMatching(int[][] confusion) {
        int k = confusion.length;
        int classes = confusion[0].length;
        if (k > classes || classes > 20) {
            throw new IllegalArgumentException(
                    "нужно: кодов ≤ классов ≤ 20, а кодов " + k + ", классов " + classes);
        }
        int states = 1 << classes;
        long[] best = new long[states];
        int[] choice = new int[states];
        Arrays.fill(best, -1);
        best[0] = 0;
        long total = 0;
        for (int[] row : confusion) {
            total += Arrays.stream(row).sum();
        }
        for (int mask = 0; mask < states; mask++) {
            int code = Integer.bitCount(mask);
            if (best[mask] < 0 || code >= k) {
                continue;
            }
            for (int c = 0; c < classes; c++) {
                if ((mask & (1 << c)) == 0) {
                    int next = mask | (1 << c);
                    long v = best[mask] + confusion[code][c];
                    if (v > best[next]) {
                        best[next] = v;
                        choice[next] = c;
                    }
                }
            }
        }
        int bestMask = -1;
        for (int mask = 0; mask < states; mask++) {
            if (Integer.bitCount(mask) == k && (bestMask < 0 || best[mask] > best[bestMask])) {
                bestMask = mask;
            }
        }
        double[] out = new double[k + 1];
        out[0] = (double) best[bestMask] / total;
        int mask = bestMask;
        for (int code = k - 1; code >= 0; code--) {
            int c = choice[mask];
            out[code + 1] = c;
            mask &= ~(1 << c);
        }
        return out;
    }

    /**
     * Entropy (bits) of the predicted-class histogram of unconditional samples: log2(10) ≈ 3.32
     * when all classes are produced equally often, near 0 when the generator collapses to one mode.
     */
    public static double classCoverageEntropy(int[] predicted, int classes) {
        double[] p = new double[classes];
        for (int c : predicted) {
            p[c] += 1.0 / predicted.length;
        }
        double h = 0;
        for (double v : p) {
            if (v > 0) {
                h -= v * Math.log(v) / Math.log(2);
            }
        }
        return h;
    }
}
