package dlcourse.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dlcourse.core.MultiplyAdds;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Transposed ("fractionally strided") 2-D convolution, the generator's up-sampling layer in DCGAN,
 * built from operations the PyTorch engine supports (DJL's {@code Conv2dTranspose} throws {@code
 * UnsupportedOperationException} there).
 *
 * <p>Definition: it is the adjoint of the strided convolution with the same kernel, stride and
 * padding, ⟨conv(x), y⟩ = ⟨x, convT(y)⟩ — as if {@code stride − 1} zeros were inserted between
 * neighbouring pixels and the result convolved with the flipped kernel, which is how it is usually
 * explained; {@link #apply} computes the same without the zeros. Output side: {@code (H − 1)·stride
 * − 2·padding + kernel}, e.g. 7 → 14 for k4 s2 p1.
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
            throw new IllegalArgumentException(
                    "дополнение (padding) должно быть меньше размера ядра: "
                            + padding
                            + " ≥ "
                            + kernel);
        }
        this.filters = filters;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.weight =
                addParameter(
                        Parameter.builder()
                                .setName("weight")
                                .setType(Parameter.Type.WEIGHT)
                                .build());
        this.bias =
                withBias
                        ? addParameter(
                                Parameter.builder()
                                        .setName("bias")
                                        .setType(Parameter.Type.BIAS)
                                        .build())
                        : null;
    }

    /**
     * A square transposed convolution: {@code filters} outputs, k×k kernel, stride, padding, with
     * bias.
     */
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
        return new Shape[] {
            new Shape(
                    s.get(0),
                    filters,
                    outputSize(s.get(2), kernel, stride, padding),
                    outputSize(s.get(3), kernel, stride, padding))
        };
    }

    /**
     * The useful arithmetic: every input pixel scatters one k×k kernel into every filter, H·W·|W|
     * multiply-adds (the zero-insertion form would compute about stride² times as many).
     */
    @Override
    public long multiplyAdds(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return s.get(1) * filters * kernel * kernel * s.get(2) * s.get(3);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
        return new NDList(apply(x, w, b, stride, padding));
    }

    /**
     * The transposed convolution as a function: x (B, C, H, W), w (C, F, k, k), b (F) or null → (B,
     * F, (H−1)s − 2p + k, (W−1)s − 2p + k).
     *
     * <p>Computed without multiplying inserted zeros. Output pixel o receives input i through tap t
     * = o + p − i·s, so the outputs of one phase r = (o + p) mod s see only the taps r, r + s, r +
     * 2s, … of the kernel: each phase is an ordinary stride-1 convolution of x with an m×m
     * sub-kernel (m = ⌈k/s⌉, taps reversed), all s² phases one convolution with s²·F filters, and
     * the phases are interleaved (depth-to-space) and cropped by p. A 1×1 input (DCGAN's projection
     * of z) is a fully connected layer: one matrix product.
     */
    public static NDArray apply(NDArray x, NDArray w, NDArray b, int stride, int padding) {
        Shape in = x.getShape();
        int k = (int) w.getShape().get(2);
        NDArray uncropped =
                in.get(2) == 1 && in.get(3) == 1 ? projection(x, w, b) : byPhases(x, w, b, stride);
        long outH = outputSize(in.get(2), k, stride, padding),
                outW = outputSize(in.get(3), k, stride, padding);
        Shape full = uncropped.getShape();
        long bottom = full.get(2) - padding - outH, right = full.get(3) - padding - outW;
        if (padding == 0 && bottom == 0 && right == 0) {
            return uncropped;
        }
        // a negative pad crops into a new array (the engine's pad reads width, then height); a
        // slice's gradient is a zeroed full-size array per axis, and the next layer reads around
        // the slice's gaps
        return JniUtils.pad(
                (PtNDArray) uncropped, new long[] {-padding, -right, -padding, -bottom}, 0);
    }

    /** (B, C, 1, 1) → (B, F, k, k): each input channel scales one k×k kernel per filter. */
    private static NDArray projection(NDArray x, NDArray w, NDArray b) {
        long batch = x.getShape().get(0),
                channels = w.getShape().get(0),
                filters = w.getShape().get(1);
        long k = w.getShape().get(2);
        NDArray flat =
                inManager(w.reshape(channels, filters * k * k), x.getManager()); // (C, F·k·k)
        NDArray y = x.reshape(batch, channels).matMul(flat).reshape(batch, filters, k, k);
        return b == null ? y : y.add(inManager(b.reshape(1, filters, 1, 1), x.getManager()));
    }

    /** (B, C, H, W) → (B, F, (H+m−1)·s, (W+m−1)·s), m = ⌈k/s⌉: all phases, before cropping by p. */
    private static NDArray byPhases(NDArray x, NDArray w, NDArray b, int s) {
        long channels = w.getShape().get(0), filters = w.getShape().get(1);
        int k = (int) w.getShape().get(2), m = (k + s - 1) / s;
        NDManager manager = x.getManager();
        NDArray taps =
                m * s == k
                        ? w // (C, F, m·s, m·s)
                        : inManager(w.pad(new Shape(0, m * s - k, 0, m * s - k), 0), manager);
        // one gather in place of reshape, flip and transpose (the flip alone was slower)
        NDArray order = manager.create(phaseOrder((int) channels, (int) filters, m, s));
        NDArray phases =
                inManager(taps.reshape(-1), manager)
                        .take(manager, order)
                        .reshape(filters * s * s, channels, m, m); // (F·s², C, m, m)
        NDArray bias = b == null ? null : inManager(b.repeat(s * s), manager); // one per phase
        NDArray q =
                Conv2d.conv2d(x, phases, bias, new Shape(1, 1), new Shape(m - 1, m - 1))
                        .head(); // (B, F·s², H+m−1, W+m−1)
        return PixelShuffle.depthToSpace(q, s); // (B, F, (H+m−1)·s, (W+m−1)·s)
    }

    private static final Map<List<Integer>, long[]> PHASE_ORDERS = new ConcurrentHashMap<>();

    /**
     * Where each entry of the phase kernels (F·s², C, m, m) sits in the weight (C, F, m·s, m·s),
     * flattened: phase (r_y, r_x) of filter f takes from channel c the tap (m − 1 − a)·s + r_y, (m
     * − 1 − b)·s + r_x at (a, b), the taps reversed since the engine correlates.
     */
    static long[] phaseOrder(int channels, int filters, int m, int s) {
        return PHASE_ORDERS.computeIfAbsent(
                List.of(channels, filters, m, s),
                key -> {
                    int k = m * s;
                    long[] order = new long[filters * s * s * channels * m * m];
                    int i = 0;
                    for (int f = 0; f < filters; f++) {
                        for (int ry = 0; ry < s; ry++) {
                            for (int rx = 0; rx < s; rx++) {
                                for (int c = 0; c < channels; c++) {
                                    for (int a = 0; a < m; a++) {
                                        for (int bx = 0; bx < m; bx++) {
                                            int ty = (m - 1 - a) * s + ry,
                                                    tx = (m - 1 - bx) * s + rx;
                                            order[i++] =
                                                    ((long) (c * filters + f) * k + ty) * k + tx;
                                        }
                                    }
                                }
                            }
                        }
                    }
                    return order;
                });
    }

    /**
     * Operations on a weight attach their results to the weight's (the model's) manager, where they
     * would pile up, one per forward pass: hand the first derived tensor to the input's manager.
     */
    private static NDArray inManager(NDArray derived, NDManager manager) {
        derived.attach(manager);
        return derived;
    }
}
