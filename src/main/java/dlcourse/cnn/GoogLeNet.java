package dlcourse.cnn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GoogLeNet, Inception v1 (lecture figure 35 б): Szegedy et al., "Going Deeper with Convolutions",
 * CVPR 2015.
 *
 * <p>A stem of ordinary convolutions, nine {@link Inception} modules (3a, 3b | 4a … 4e | 5a, 5b;
 * the lecture's «11» counts two more than the paper's table has), max poolings between the groups,
 * global average pooling instead of VGG's big fully connected layers, dropout 0.4 and one linear
 * layer. 22 layers with weights on the longest path, 27 counting the poolings, 6.8 M weights
 * (VGG-16: 138 M).
 *
 * <p>Two auxiliary classifiers sit on the outputs of 4a and 4d (avg-pool 5×5/3, 1×1 conv 128, fully
 * connected 1024, dropout 0.7, linear). In training the block returns three outputs (main, aux1,
 * aux2) and {@link AuxiliaryLoss} adds the auxiliary losses with weight 0.3; at inference the heads
 * are not run and the block returns the main output only.
 *
 * <p>{@link #torchvision()} is torchvision's variant (batch norm after every convolution, no
 * biases, no LRN, and 3×3 kernels in the "5×5" branch); its published count is 6 624 904 without
 * the auxiliary heads. When (not) to use it: few weights and multiply-adds for its accuracy, but
 * the many branches make it fiddly to change; ResNet is simpler and goes deeper.
 */
public final class GoogLeNet extends AbstractBlock {

    /**
     * The modules of the paper's table 1: #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj.
     */
    public static final Map<String, Inception.Widths> MODULES = new LinkedHashMap<>();

    static {
        MODULES.put("3a", new Inception.Widths(64, 96, 128, 16, 32, 32));
        MODULES.put("3b", new Inception.Widths(128, 128, 192, 32, 96, 64));
        MODULES.put("4a", new Inception.Widths(192, 96, 208, 16, 48, 64));
        MODULES.put("4b", new Inception.Widths(160, 112, 224, 24, 64, 64));
        MODULES.put("4c", new Inception.Widths(128, 128, 256, 24, 64, 64));
        MODULES.put("4d", new Inception.Widths(112, 144, 288, 32, 64, 64));
        MODULES.put("4e", new Inception.Widths(256, 160, 320, 32, 128, 128));
        MODULES.put("5a", new Inception.Widths(256, 160, 320, 32, 128, 128));
        MODULES.put("5b", new Inception.Widths(384, 192, 384, 48, 128, 128));
    }

    private final SequentialBlock trunk;
    private final Block aux1;
    private final Block aux2;
    private final int aux1After;
    private final int aux2After;

    private GoogLeNet(Builder b) {
        SequentialBlock t = new SequentialBlock();
        t.add(b.courseStem ? courseStem(b) : paperStem(b));
        int index = 1; // the stem
        int after1 = -1;
        int after2 = -1;
        for (Map.Entry<String, Inception.Widths> m : MODULES.entrySet()) {
            String name = m.getKey();
            if (name.equals("4a")
                    || name.equals("5a")) { // (B, 480, 28, 28) -> (B, 480, 14, 14) etc.
                t.add(maxPool());
                index++;
            }
            t.add(Inception.module(m.getValue().divide(b.widthDivisor), b.batchNorm, b.bigKernel));
            index++;
            if (name.equals("4a")) {
                after1 = index;
            } else if (name.equals("4d")) {
                after2 = index;
            }
        }
        // (B, 1024, 7, 7) -> global average pooling (B, 1024) -> dropout -> (B, classes)
        t.add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock());
        if (b.dropout > 0) {
            t.add(Dropout.builder().optRate(b.dropout).build());
        }
        t.add(Linear.builder().setUnits(b.classes).build());
        this.trunk = addChildBlock("trunk", t);
        this.aux1 = b.auxiliary ? addChildBlock("aux1", auxiliaryHead(b)) : null;
        this.aux2 = b.auxiliary ? addChildBlock("aux2", auxiliaryHead(b)) : null;
        this.aux1After = after1;
        this.aux2After = after2;
    }

    /**
     * The canonical network (3×224×224, 1000 classes), as in the paper, with both auxiliary heads.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** torchvision's googlenet(): BN, no bias, no LRN, 3×3 in the "5×5" branch, dropout 0.2. */
    public static Builder torchvision() {
        return new Builder()
                .optBatchNorm(true)
                .optBigKernel(3)
                .optLocalResponseNorm(false)
                .optDropout(0.2f);
    }

    /**
     * For Fashion-MNIST (1×28×28, 10 classes): widths ÷ 4, a stem of 3×3, 1×1, 3×3 convolutions at
     * 28×28 and one pooling (the modules then run at 14, 7 and 4 pixels instead of 28, 14, 7),
     * batch norm after each convolution (Inception v2's addition) so that 22 layers train quickly.
     */
    public static Builder courseSized() {
        return new Builder()
                .optWidthDivisor(4)
                .optClasses(10)
                .optCourseStem(true)
                .optBatchNorm(true)
                .optLocalResponseNorm(false);
    }

    /** The main path (stem, modules, head) without the auxiliary classifiers, for summaries. */
    public SequentialBlock trunk() {
        return trunk;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        boolean heads = training && aux1 != null;
        NDList x = inputs;
        NDList a1 = null;
        NDList a2 = null;
        int i = 0;
        for (Pair<String, Block> stage : trunk.getChildren()) {
            x = stage.getValue().forward(ps, x, training, params);
            i++;
            if (heads && i == aux1After) {
                a1 = aux1.forward(ps, x, true, params);
            } else if (heads && i == aux2After) {
                a2 = aux2.forward(ps, x, true, params);
            }
        }
        return heads ? new NDList(x.head(), a1.head(), a2.head()) : x;
    }

    /** The inference output: (B, classes). */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return trunk.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        trunk.initialize(manager, dataType, inputShapes);
        Shape[] shapes = inputShapes;
        int i = 0;
        for (Pair<String, Block> stage : trunk.getChildren()) {
            shapes = stage.getValue().getOutputShapes(shapes);
            i++;
            if (aux1 != null && i == aux1After) {
                aux1.initialize(manager, dataType, shapes);
            } else if (aux2 != null && i == aux2After) {
                aux2.initialize(manager, dataType, shapes);
            }
        }
    }

    private static Block paperStem(Builder b) {
        // (B, 3, 224, 224) -> conv 7×7/2 (B, 64, 112, 112) -> pool (B, 64, 56, 56)
        //   -> conv 1×1 64, conv 3×3 192 -> pool (B, 192, 28, 28)
        SequentialBlock s =
                new SequentialBlock()
                        .add(ConvLayers.convRelu(64 / b.widthDivisor, 7, 7, 2, b.batchNorm))
                        .add(maxPool());
        if (b.localResponseNorm) {
            s.add(LocalResponseNorm.block());
        }
        s.add(ConvLayers.convRelu(64 / b.widthDivisor, 1, 1, 1, b.batchNorm))
                .add(ConvLayers.convRelu(192 / b.widthDivisor, 3, 3, 1, b.batchNorm));
        if (b.localResponseNorm) {
            s.add(LocalResponseNorm.block());
        }
        return s.add(maxPool());
    }

    private static Block courseStem(Builder b) {
        // (B, 1, 28, 28) -> conv 3×3, 1×1, 3×3 (B, 48, 28, 28) -> pool (B, 48, 14, 14)
        return new SequentialBlock()
                .add(ConvLayers.convRelu(64 / b.widthDivisor, 3, 3, 1, b.batchNorm))
                .add(ConvLayers.convRelu(64 / b.widthDivisor, 1, 1, 1, b.batchNorm))
                .add(ConvLayers.convRelu(192 / b.widthDivisor, 3, 3, 1, b.batchNorm))
                .add(maxPool());
    }

    /** avg-pool 5×5/3 -> 1×1 conv 128 -> FC 1024 -> dropout 0.7 -> linear (paper, section 5). */
    private static Block auxiliaryHead(Builder b) {
        return new SequentialBlock()
                .add(
                        Pool.avgPool2dBlock(
                                new Shape(5, 5),
                                new Shape(3, 3))) // (B, 512, 14, 14) -> (B, 512, 4, 4)
                .add(
                        ConvLayers.convRelu(
                                128 / b.widthDivisor, 1, 1, 1, b.batchNorm)) // -> (B, 128, 4, 4)
                .add(Blocks.batchFlattenBlock()) // -> (B, 2048)
                .add(Linear.builder().setUnits(1024 / b.widthDivisor).build())
                .add(ConvLayers.relu())
                .add(Dropout.builder().optRate(0.7f).build())
                .add(Linear.builder().setUnits(b.classes).build()); // -> (B, classes)
    }

    /** 3×3/2 max pooling with padding 1: 112 → 56 → 28 → 14 → 7 (and 7 → 4 in the course net). */
    private static Block maxPool() {
        return Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1));
    }

    public static final class Builder {
        private int widthDivisor = 1;
        private int classes = 1000;
        private boolean auxiliary = true;
        private boolean batchNorm;
        private int bigKernel = 5;
        private boolean localResponseNorm = true;
        private boolean courseStem;
        private float dropout = 0.4f;

        public Builder optWidthDivisor(int divisor) {
            this.widthDivisor = divisor;
            return this;
        }

        public Builder optClasses(int classes) {
            this.classes = classes;
            return this;
        }

        /** The two auxiliary classifiers (paper: on; torchvision's published count: off). */
        public Builder optAuxiliary(boolean on) {
            this.auxiliary = on;
            return this;
        }

        public Builder optBatchNorm(boolean on) {
            this.batchNorm = on;
            return this;
        }

        /** Kernel of the modules' "5×5" branch (paper 5, torchvision 3). */
        public Builder optBigKernel(int kernel) {
            this.bigKernel = kernel;
            return this;
        }

        public Builder optLocalResponseNorm(boolean on) {
            this.localResponseNorm = on;
            return this;
        }

        public Builder optCourseStem(boolean on) {
            this.courseStem = on;
            return this;
        }

        /** Dropout before the last linear layer (paper 0.4). */
        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        public GoogLeNet build() {
            return new GoogLeNet(this);
        }
    }
}
