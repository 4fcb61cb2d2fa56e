package dlcourse.superres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** PSNR, SSIM and the Laplacian energy against values derived by hand from their definitions. */
class ImageQualityTest {

    @Test
    void psnrOfAUniformErrorIsTenLogOfItsInverseSquare() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x =
                    m.randomUniform(0.2f, 0.8f, new Shape(4, 1, 10, 10))
                            .toType(DataType.FLOAT64, false);
            assertEquals(20, ImageQuality.psnr(x.add(0.1), x), 1e-9); // MSE 0.01
            assertEquals(40, ImageQuality.psnr(x.sub(0.01), x), 1e-9);
        }
    }

    /**
     * SSIM of an image with itself is 1; of two constant images a and b only the luminance term is
     * left, (2ab + C₁) / (a² + b² + C₁); noise lowers it.
     */
    @Test
    void ssimHasItsDefinitionsLimits() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(4);
            NDArray x =
                    m.randomUniform(0f, 1f, new Shape(3, 1, 16, 16))
                            .toType(DataType.FLOAT64, false);
            assertEquals(1, ImageQuality.ssim(x, x), 1e-9);
            double a = 0.3f, b = 0.6f, c1 = 1e-4; // the values float32 holds
            NDArray ca = m.full(new Shape(2, 1, 16, 16), (float) a).toType(DataType.FLOAT64, false);
            NDArray cb = m.full(new Shape(2, 1, 16, 16), (float) b).toType(DataType.FLOAT64, false);
            assertEquals((2 * a * b + c1) / (a * a + b * b + c1), ImageQuality.ssim(ca, cb), 1e-9);
            NDArray noisy =
                    x.add(m.randomNormal(x.getShape()).toType(DataType.FLOAT64, false).mul(0.2));
            double s = ImageQuality.ssim(noisy, x);
            assertTrue(s < 0.9 && s > 0, "noisy SSIM " + s);
            assertEquals(s, ImageQuality.ssim(x, noisy), 1e-9, "symmetric");
        }
    }

    /**
     * Against scikit-image 0.26's {@code structural_similarity(y, x, data_range=1,
     * gaussian_weights=True, sigma=1.5, use_sample_covariance=False)}, Wang et al.'s settings, for
     * x = 0.5 + 0.4·sin(r/4)·cos(c/5) and y = clip(x + 0.1·sin(1.7r + 0.9c), 0, 1), 28×28.
     */
    @Test
    void ssimAgreesWithScikitImage() {
        try (NDManager m = NDManager.newBaseManager()) {
            int n = 28;
            double[] x = new double[n * n], y = new double[n * n];
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    x[r * n + c] = 0.5 + 0.4 * Math.sin(r / 4.0) * Math.cos(c / 5.0);
                    y[r * n + c] =
                            Math.min(
                                    1,
                                    Math.max(0, x[r * n + c] + 0.1 * Math.sin(r * 1.7 + c * 0.9)));
                }
            }
            Shape s = new Shape(1, 1, n, n);
            assertEquals(
                    0.746142583149188, ImageQuality.ssim(m.create(y, s), m.create(x, s)), 1e-9);
        }
    }

    /** A 0/1 checkerboard's Laplacian is ±4 everywhere: energy 16; a constant image's is 0. */
    @Test
    void laplacianEnergyOfACheckerboardIsSixteen() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] v = new double[8 * 8];
            for (int i = 0; i < v.length; i++) {
                v[i] = (i / 8 + i % 8) % 2;
            }
            assertEquals(
                    16, ImageQuality.highFrequencyEnergy(m.create(v, new Shape(1, 1, 8, 8))), 1e-9);
            assertEquals(
                    0, ImageQuality.highFrequencyEnergy(m.full(new Shape(1, 1, 8, 8), 0.5f)), 1e-9);
        }
    }
}
