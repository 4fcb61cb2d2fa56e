package dlcourse.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dlcourse.core.MultiplyAdds;

/**
 * Transposed ("fractionally strided") 2-D convolution, the generator's up-sampling layer in DCGAN,
 * built from operations the PyTorch engine supports (DJL's {@code Conv2dTranspose} throws
 * {@code UnsupportedOperationException} there).
 *
 * <p>Definition: it is the adjoint of the strided convolution with the same kernel, stride and
 * padding, ⟨conv(x), y⟩ = ⟨x, convT(y)⟩. Computed as: insert {@code stride − 1} zeros between
 * neighbouring pixels, pad by {@code kernel − 1 − padding}, and convolve with stride 1 using the
 * spatially flipped kernel with input and output channels swapped. Output side:
 * {@code (H − 1)·stride − 2·padding + kernel}, e.g. 7 → 14 for k4 s2 p1.
 *
 * <p>The weight has PyTorch's ConvTranspose2d layout {@code (inChannels, filters, k, k)}.
 */
public final class TransposedConv2d extends AbstractBlock implements MultiplyAdds.Counted {

    private final int filters;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final Parameter weight;
    private final Parameter bias;

    private TransposedConv2d(int filters, int kernel, int stride, int padding, boolean withBias) {
        if (kernel - 1 - padding < 0) {
            throw new IllegalArgumentException("padding must be below the kernel size");
        }
        this.filters = filters;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
        this.bias = withBias
                ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build())
                : null;
    }

    /** A square transposed convolution: {@code filters} outputs, k×k kernel, stride, padding, with bias. */
    public static TransposedConv2d of(int filters, int kernel, int stride, int padding) {
        return new TransposedConv2d(filters, kernel, stride, padding, true);
    }

    /** The same without bias (as in DCGAN, where batch norm follows and would cancel it). */
    public static TransposedConv2d withoutBias(int filters, int kernel, int stride, int padding) {
        return new TransposedConv2d(filters, kernel, stride, padding, false);
    }

    /** The standard output side: (in − 1)·stride − 2·padding + kernel. */
    public static long outputSize(long in, int kernel, int stride, int padding) {
        return (in - 1) * stride - 2L * padding + kernel;
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        weight.setShape(new Shape(inputShapes[0].get(1), filters, kernel, kernel));
        if (bias != null) {
            bias.setShape(new Shape(filters));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {new Shape(s.get(0), filters, outputSize(s.get(2), kernel, stride, padding),
                outputSize(s.get(3), kernel, stride, padding))};
    }

    /**
     * The useful arithmetic: every input pixel scatters one k×k kernel into every filter, H·W·|W|
     * multiply-adds. The zero-insertion form computes about stride² times as many, the rest on
     * inserted zeros.
     */
    @Override
    public long multiplyAdds(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return s.get(1) * filters * kernel * kernel * s.get(2) * s.get(3);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.head();
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
        return new NDList(apply(x, w, b, stride, padding));
    }

    /**
     * The transposed convolution as a function: x (B, C, H, W), w (C, F, k, k), b (F) or null
     * → (B, F, (H−1)s − 2p + k, (W−1)s − 2p + k).
     */
    public static NDArray apply(NDArray x, NDArray w, NDArray b, int stride, int padding) {
        int k = (int) w.getShape().get(2);
        NDArray spread = insertZeros(x, stride);              // (B, C, (H−1)s+1, (W−1)s+1)
        // operations on the weight would attach their results to the weight's (the model's) manager and
        // pile up there, one per forward pass; hand the flipped copy to the input's manager instead
        NDArray flippedOnly = w.flip(2, 3);
        flippedOnly.attach(x.getManager());
        NDArray flipped = flippedOnly.transpose(1, 0, 2, 3); // (F, C, k, k)
        int pad = k - 1 - padding;
        return Conv2d.conv2d(spread, flipped, b, new Shape(1, 1), new Shape(pad, pad), new Shape(1, 1), 1).head();
    }

    /** (B, C, H, W) → (B, C, (H−1)s+1, (W−1)s+1) with s−1 zeros between neighbouring pixels. */
    static NDArray insertZeros(NDArray x, int s) {
        if (s == 1) {
            return x;
        }
        Shape sh = x.getShape();
        long b = sh.get(0);
        long c = sh.get(1);
        long h = sh.get(2);
        long w = sh.get(3);
        // rows: (B, C, H, 1, W) ++ zeros (B, C, H, s−1, W) -> (B, C, H·s, W), keep (H−1)s+1
        NDArray rows = NDArrays.concat(new NDList(x.expandDims(3), x.zerosLike().expandDims(3).repeat(3, s - 1)), 3)
                .reshape(b, c, h * s, w).get(new NDIndex(":, :, :{}", (h - 1) * s + 1));
        long h2 = (h - 1) * s + 1;
        // columns: (B, C, H', W, 1) ++ zeros (B, C, H', W, s−1) -> (B, C, H', W·s), keep (W−1)s+1
        return NDArrays.concat(new NDList(rows.expandDims(4), rows.zerosLike().expandDims(4).repeat(4, s - 1)), 4)
                .reshape(b, c, h2, w * s).get(new NDIndex(":, :, :, :{}", (w - 1) * s + 1));
    }
}
