package dlcourse.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dlcourse.core.ModelSummary;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class GoogLeNetTest {

    private static final Shape IMAGENET = new Shape(3, 224, 224);

    /** torchvision GoogLeNet_Weights.IMAGENET1K_V1 "num_params" (built with aux_logits=False). */
    private static final long TORCHVISION = 6_624_904L;

    @Test
    void torchvisionVariantWithoutAuxiliaryHeadsMatchesItsPublishedCount() {
        assertEquals(
                TORCHVISION,
                ModelSummary.parameterCount(
                        GoogLeNet.torchvision().optAuxiliary(false).build(), IMAGENET));
    }

    /**
     * Each head: 1×1 conv to 128 (+ BN γ, β), FC 128·4·4 → 1024, FC 1024 → 1000; on 512 (4a) and
     * 528 (4d) channels. 6 379 984 together (torchvision's googlenet(aux_logits=True): 13 004 888).
     */
    @Test
    void auxiliaryHeadsAddExactlyTheirLayers() {
        long with = ModelSummary.parameterCount(GoogLeNet.torchvision().build(), IMAGENET);
        long head = (2048L * 1024 + 1024) + (1024L * 1000 + 1000) + 2 * 128;
        assertEquals((512L * 128 + head) + (528L * 128 + head), with - TORCHVISION);
        assertEquals(13_004_888L, with);
    }

    /**
     * The paper's network differs from torchvision's in two ways that change the weights: real 5×5
     * kernels (16 more weights per input-output pair of that layer) and conv biases instead of
     * batch norm (C instead of 2C per convolution).
     */
    @Test
    void papersNetworkDiffersFromTorchvisionsByTheFiveByFiveKernelsAndTheNormalisation() {
        long paper =
                ModelSummary.parameterCount(
                        GoogLeNet.builder().optAuxiliary(false).build(), IMAGENET);
        long bigKernels = 0;
        long convChannels = 64 + 64 + 192;
        for (Inception.Widths w : GoogLeNet.MODULES.values()) {
            bigKernels += (25 - 9) * (long) w.c5reduce() * w.c5();
            convChannels +=
                    w.c1() + w.c3reduce() + w.c3() + w.c5reduce() + w.c5() + w.poolProjection();
        }
        assertEquals(TORCHVISION + bigKernels - convChannels, paper);
        // the same number summed layer by layer in an independent script (docs/cnn.md); the paper's
        // table 1 gives ~6.8 M because it leaves out the biases
        assertEquals(6_998_552L, paper);
    }

    @Test
    void moduleOutputsFollowThePapersTable() {
        Table t = ModelSummary.of(GoogLeNet.builder().build().trunk(), IMAGENET);
        assertEquals(
                List.of(
                        "(1×192×28×28)", // stem
                        "(1×256×28×28)",
                        "(1×480×28×28)",
                        "(1×480×14×14)", // 3a, 3b, pool
                        "(1×512×14×14)",
                        "(1×512×14×14)",
                        "(1×512×14×14)",
                        "(1×528×14×14)",
                        "(1×832×14×14)", // 4a–4e
                        "(1×832×7×7)",
                        "(1×832×7×7)",
                        "(1×1024×7×7)", // pool, 5a, 5b
                        "(1×1024)",
                        "(1×1024)",
                        "(1×1024)",
                        "(1×1000)",
                        ""), // avg pool, flatten, dropout, fc
                t.stringColumn("output").asList());
        for (var m : GoogLeNet.MODULES.values()) {
            assertTrue(m.out() > 0);
        }
    }

    /** 22 layers with weights on the longest path, 27 with the poolings (paper, section 5). */
    @Test
    void depthIs22Or27WithPooling() {
        GoogLeNet net = GoogLeNet.builder().build();
        assertEquals(22, Anatomy.depth(net, false));
        assertEquals(27, Anatomy.depth(net, true));
    }

    /** Three outputs in training (main, aux1, aux2), the main one alone at inference. */
    @Test
    void auxiliaryOutputsOnlyInTraining() {
        GoogLeNet net = GoogLeNet.courseSized().build();
        try (NDManager m = NDManager.newBaseManager()) {
            net.initialize(m, DataType.FLOAT32, new Shape(2, 1, 28, 28));
            NDArray x = m.randomUniform(0, 1, new Shape(2, 1, 28, 28));
            ParameterStore ps = new ParameterStore(m, false);
            NDList train = net.forward(ps, new NDList(x), true);
            NDList infer = net.forward(ps, new NDList(x), false);
            assertEquals(3, train.size());
            for (NDArray out : train) {
                assertEquals(new Shape(2, 10), out.getShape());
            }
            assertEquals(1, infer.size());
            assertEquals(new Shape(2, 10), infer.head().getShape());
        }
    }

    @Test
    void auxiliaryLossAddsPointThreeOfEachHead() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList labels = new NDList(m.create(new float[] {1, 0}));
            NDArray main = m.create(new float[] {0, 2, 1, 0}, new Shape(2, 2));
            NDArray a1 = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
            NDArray a2 = m.create(new float[] {0, 0, 3, 0}, new Shape(2, 2));
            var ce = ai.djl.training.loss.Loss.softmaxCrossEntropyLoss();
            float expected =
                    ce.evaluate(labels, new NDList(main)).getFloat()
                            + 0.3f * ce.evaluate(labels, new NDList(a1)).getFloat()
                            + 0.3f * ce.evaluate(labels, new NDList(a2)).getFloat();
            AuxiliaryLoss loss = AuxiliaryLoss.paper();
            assertEquals(
                    expected, loss.evaluate(labels, new NDList(main, a1, a2)).getFloat(), 1e-6);
            assertEquals(
                    ce.evaluate(labels, new NDList(main)).getFloat(),
                    loss.evaluate(labels, new NDList(main)).getFloat(),
                    1e-6);
            assertEquals(1, loss.history().rowCount()); // inference calls are not recorded
        }
    }
}
