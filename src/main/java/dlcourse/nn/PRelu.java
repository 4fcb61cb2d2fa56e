package dlcourse.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * The parametric ReLU (He et al., 2015, "Delving Deep into Rectifiers"): f(x) = x for x > 0 and a·x
 * otherwise, with a slope a learned per channel, initialised to 0.25 as in the paper. SRGAN's
 * generator uses it. DJL's {@code Activation.prelu} is not implemented on the PyTorch engine, so it
 * is built here from max and min: f(x) = max(0, x) + a·min(0, x), whose gradients are 1 or a with
 * respect to x and min(0, x) with respect to a.
 */
public final class PRelu extends AbstractBlock {

    /** The paper's initial slope. */
    public static final float INITIAL_SLOPE = 0.25f;

    private final Parameter slope;

    private PRelu() {
        slope =
                addParameter(
                        Parameter.builder()
                                .setName("slope")
                                .setType(Parameter.Type.WEIGHT)
                                .optInitializer(new ConstantInitializer(INITIAL_SLOPE))
                                .build());
    }

    /** One slope per channel (axis 1 of the input), the paper's default. */
    public static PRelu perChannel() {
        return new PRelu();
    }

    /** f(x) for a slope per channel {@code a} (C): the definition, as a function. */
    public static NDArray apply(NDArray x, NDArray a) {
        long[] axes = new long[x.getShape().dimension()];
        java.util.Arrays.fill(axes, 1);
        axes[1] = a.size();
        NDArray slopes = a.reshape(new Shape(axes)); // (1, C, 1, …)
        return x.maximum(0).add(x.minimum(0).mul(slopes));
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        slope.setShape(new Shape(inputShapes[0].get(1)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        NDArray a = ps.getValue(slope, x.getDevice(), training);
        NDArray slopes = a.reshape(-1);
        slopes.attach(x.getManager()); // derived from a weight: freed with the step, not the model
        return new NDList(apply(x, slopes));
    }

    @Override
    public String toString() {
        return "PReLU";
    }
}
