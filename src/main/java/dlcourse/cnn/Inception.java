package dlcourse.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.util.Pair;
import dlcourse.core.ModelSummary;
import dlcourse.core.MultiplyAdds;
import java.util.List;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The Inception module (lecture figure 35 a) and its factorised successors.
 *
 * <p>Four small networks look at the same input in parallel and their feature maps are concatenated
 * along the channel axis:
 *
 * <pre>
 *   x ─┬─ 1×1 ──────────────┐
 *      ├─ 1×1 (reduce) → 3×3 ├─ concat → (B, c1 + c3 + c5 + pool, H, W)
 *      ├─ 1×1 (reduce) → 5×5 │
 *      └─ 3×3 max pool → 1×1 ┘
 * </pre>
 *
 * The 1×1 "reduce" convolutions shrink the channels before the expensive 3×3 and 5×5 layers: that
 * is where the module's savings in multiply-adds come from (Szegedy et al., "Going Deeper with
 * Convolutions", CVPR 2015). Inception v2/v3 (Szegedy et al., "Rethinking the Inception
 * Architecture for Computer Vision", CVPR 2016) factorise further: 5×5 → two 3×3 ({@link
 * #factorised}), n×n → 1×n then n×1 ({@link #asymmetric}).
 */
public final class Inception {

    /** The widths of one module, as in the GoogLeNet paper's table 1. */
    public record Widths(int c1, int c3reduce, int c3, int c5reduce, int c5, int poolProjection) {

        public int out() {
            return c1 + c3 + c5 + poolProjection;
        }

        public Widths divide(int d) {
            return new Widths(
                    c1 / d, c3reduce / d, c3 / d, c5reduce / d, c5 / d, poolProjection / d);
        }
    }

    private Inception() {}

    /** The v1 module: 1×1, 1×1→3×3, 1×1→5×5, pool→1×1; conv + ReLU as in the paper. */
    public static Block module(Widths w) {
        return module(w, false, 5);
    }

    /**
     * The v1 module with options.
     *
     * @param batchNorm conv → BN → ReLU without bias (torchvision) instead of conv + bias → ReLU
     * @param bigKernel kernel of the "5×5" branch: 5 in the paper; torchvision's GoogLeNet uses 3
     *     there (a known slip kept for its pretrained weights)
     */
    public static Block module(Widths w, boolean batchNorm, int bigKernel) {
        return concat(
                ConvLayers.convRelu(w.c1(), 1, 1, 1, batchNorm),
                ConvLayers.convRelu(w.c3reduce(), 1, 1, 1, batchNorm)
                        .add(ConvLayers.convRelu(w.c3(), 3, 3, 1, batchNorm)),
                ConvLayers.convRelu(w.c5reduce(), 1, 1, 1, batchNorm)
                        .add(ConvLayers.convRelu(w.c5(), bigKernel, bigKernel, 1, batchNorm)),
                poolBranch(w.poolProjection(), batchNorm));
    }

    /** Inception v2/v3 (figure 5 of "Rethinking"): the 5×5 branch becomes two stacked 3×3. */
    public static Block factorised(Widths w, boolean batchNorm) {
        return concat(
                ConvLayers.convRelu(w.c1(), 1, 1, 1, batchNorm),
                ConvLayers.convRelu(w.c3reduce(), 1, 1, 1, batchNorm)
                        .add(ConvLayers.convRelu(w.c3(), 3, 3, 1, batchNorm)),
                ConvLayers.convRelu(w.c5reduce(), 1, 1, 1, batchNorm)
                        .add(ConvLayers.convRelu(w.c5(), 3, 3, 1, batchNorm))
                        .add(ConvLayers.convRelu(w.c5(), 3, 3, 1, batchNorm)),
                poolBranch(w.poolProjection(), batchNorm));
    }

    /**
     * Inception v3 (figure 6 of "Rethinking"): every n×n becomes 1×n then n×1. The "3×3" branch is
     * one factorised n×n, the "5×5" branch two of them stacked. The paper uses n = 7 on 17×17 maps
     * (it found the factorisation works for maps of 12 … 20 pixels).
     */
    public static Block asymmetric(Widths w, int n, boolean batchNorm) {
        return concat(
                ConvLayers.convRelu(w.c1(), 1, 1, 1, batchNorm),
                ConvLayers.convRelu(w.c3reduce(), 1, 1, 1, batchNorm)
                        .add(ConvLayers.convRelu(w.c3reduce(), 1, n, 1, batchNorm))
                        .add(ConvLayers.convRelu(w.c3(), n, 1, 1, batchNorm)),
                ConvLayers.convRelu(w.c5reduce(), 1, 1, 1, batchNorm)
                        .add(ConvLayers.convRelu(w.c5reduce(), 1, n, 1, batchNorm))
                        .add(ConvLayers.convRelu(w.c5reduce(), n, 1, 1, batchNorm))
                        .add(ConvLayers.convRelu(w.c5reduce(), 1, n, 1, batchNorm))
                        .add(ConvLayers.convRelu(w.c5(), n, 1, 1, batchNorm)),
                poolBranch(w.poolProjection(), batchNorm));
    }

    /**
     * The module as the lecture draws it: one row per branch with its layers, output shape, weights
     * and multiply-adds for an input of {@code input} (C, H, W).
     */
    public static Table describe(Block module, Shape input) {
        String[] names = {"1×1", "1×1 → 3×3", "1×1 → 5×5", "max pool 3×3 → 1×1"};
        StringColumn branch = StringColumn.create("ветвь");
        StringColumn output = StringColumn.create("выход");
        LongColumn weights = LongColumn.create("параметры");
        LongColumn macs = LongColumn.create("умножения-сложения");
        int i = 0;
        for (Pair<String, Block> b : module.getChildren()) {
            Shape out = b.getValue().getOutputShapes(new Shape[] {new Shape(1).addAll(input)})[0];
            branch.append(i < names.length ? names[i] : b.getKey());
            output.append(out.toString().replace(", ", "×"));
            weights.append(ModelSummary.parameterCount(b.getValue(), input));
            macs.append(MultiplyAdds.of(b.getValue(), input));
            i++;
        }
        Shape joined = module.getOutputShapes(new Shape[] {new Shape(1).addAll(input)})[0];
        branch.append("конкатенация");
        output.append(joined.toString().replace(", ", "×"));
        weights.append(ModelSummary.parameterCount(module, input));
        macs.append(MultiplyAdds.of(module, input));
        return Table.create("Inception-модуль на входе " + input, branch, output, weights, macs);
    }

    private static Block poolBranch(int projection, boolean batchNorm) {
        return new SequentialBlock()
                .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(1, 1), new Shape(1, 1)))
                .add(ConvLayers.convRelu(projection, 1, 1, 1, batchNorm));
    }

    /** The branches side by side, outputs concatenated along channels: (B, ΣC, H, W). */
    private static Block concat(Block... branches) {
        return new ParallelBlock(
                outputs -> {
                    NDList heads = new NDList(outputs.size());
                    for (NDList o : outputs) {
                        heads.add(o.head());
                    }
                    NDArray joined = NDArrays.concat(heads, 1);
                    return new NDList(joined);
                },
                List.of(branches));
    }
}
