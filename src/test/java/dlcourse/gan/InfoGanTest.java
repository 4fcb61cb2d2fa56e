package dlcourse.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dlcourse.core.Seeds;
import org.junit.jupiter.api.Test;

/**
 * InfoGAN's information term −λ·L_I against its definition (Chen et al. 2016, eq. 5 with a
 * factorised code): λ·(E[−log Q(c_cat | x)] + λ_cont·E[½‖c_cont − μ(x)‖²]), computed here in plain
 * double arithmetic from the same numbers.
 */
class InfoGanTest {

    private static final float LAMBDA = 0.7f;
    private static final float LAMBDA_CONTINUOUS = 0.1f;
    private final GanVariant info = InfoGan.dcgan(4, 8, 3, 2, LAMBDA, LAMBDA_CONTINUOUS).variant();

    @Test
    void theInformationTermIsTheCodesNegativeLogLikelihoodUnderQ() {
        double[][] logits = {{2, 0, -1}, {0.5, 0.5, 3}};
        int[] category = {0, 2};
        double[][] code = {{0.5, -0.5}, {1, 0}};
        double[][] mean = {{0, 0}, {0.8, 0.3}};
        double crossEntropy = 0;
        double gaussian = 0;
        for (int b = 0; b < 2; b++) {
            double norm = 0;
            for (double l : logits[b]) {
                norm += Math.exp(l);
            }
            crossEntropy += -(logits[b][category[b]] - Math.log(norm)) / 2;
            for (int j = 0; j < 2; j++) {
                gaussian += 0.5 * Math.pow(code[b][j] - mean[b][j], 2) / 2;
            }
        }
        double expected = LAMBDA * (crossEntropy + LAMBDA_CONTINUOUS * gaussian);
        try (NDManager m = NDManager.newBaseManager()) {
            NDList codes =
                    new NDList(
                            m.create(new float[][] {{1, 0, 0}, {0, 0, 1}}),
                            m.create(toFloat(code)));
            NDList dOut =
                    new NDList(
                            m.zeros(new Shape(2, 1)),
                            m.create(toFloat(logits)),
                            m.create(toFloat(mean)));
            assertEquals(expected, info.extraLoss(dOut, codes).getFloat(), 1e-5);
        }
    }

    @Test
    void anUninformedQPaysLnKAndAPerfectOneNothing() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList codes = info.sampleCodes(m, 64);
            NDArray dLogit = m.zeros(new Shape(64, 1));
            NDList uninformed = new NDList(dLogit, m.zeros(new Shape(64, 3)), codes.get(1));
            assertEquals(
                    LAMBDA * Math.log(3),
                    info.extraLoss(uninformed, codes).getFloat(),
                    1e-5,
                    "uniform Q over 3 categories, exact continuous means");
            NDList perfect = new NDList(dLogit, codes.get(0).mul(50), codes.get(1));
            assertEquals(0, info.extraLoss(perfect, codes).getFloat(), 1e-5);
        }
    }

    @Test
    void codesAreDrawnFromTheirPriors() {
        Seeds.fix(11);
        try (NDManager m = NDManager.newBaseManager()) {
            NDList codes = info.sampleCodes(m, 6000);
            NDArray categorical = codes.get(0);
            assertEquals(new Shape(6000, 3), categorical.getShape());
            assertEquals(6000f, categorical.sum().getFloat(), 0f, "one-hot rows");
            for (float share : categorical.mean(new int[] {0}).toFloatArray()) {
                assertEquals(1 / 3.0, share, 0.03, "uniform categories");
            }
            NDArray continuous = codes.get(1);
            assertTrue(continuous.abs().max().getFloat() <= 1f, "inside [−1, 1]");
            assertEquals(0, continuous.mean().getFloat(), 0.03, "uniform on [−1, 1]: mean 0");
            assertEquals(1 / 3.0, continuous.square().mean().getFloat(), 0.02, "variance 1/3");
        }
    }

    private static float[][] toFloat(double[][] a) {
        float[][] out = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = new float[a[i].length];
            for (int j = 0; j < a[i].length; j++) {
                out[i][j] = (float) a[i][j];
            }
        }
        return out;
    }
}
