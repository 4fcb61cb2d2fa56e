package dlcourse.rnn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping by global norm (Pascanu, Mikolov, Bengio, "On the difficulty of training
 * recurrent neural networks", ICML 2013): if ‖g‖ = sqrt(Σ over all parameters of Σ g²) exceeds
 * θ, every gradient is scaled by θ/‖g‖. The direction of the step is kept, only its length is
 * bounded — the lecture's remedy for exploding gradients in RNNs and LSTMs alike.
 *
 * <p>Why not DJL's {@code optClipGrad}: on the PyTorch engine it clamps each component from
 * above only (a gradient of −3 passes a 0.1 clip), so it bounds neither the norm nor the step.
 */
public final class GradientClipping {

    private GradientClipping() {}

    /** The global L2 norm of the gradients of all parameters that have one. */
    public static double globalNorm(PairList<String, Parameter> parameters) {
        double sum = 0;
        for (NDArray g : gradients(parameters)) {
            sum += g.square().sum().getFloat();
        }
        return Math.sqrt(sum);
    }

    /**
     * Scales all gradients in place so that their global norm is at most {@code maxNorm}.
     *
     * @return the global norm before clipping
     */
    public static double clipByGlobalNorm(PairList<String, Parameter> parameters, double maxNorm) {
        double norm = globalNorm(parameters);
        if (norm > maxNorm && Double.isFinite(maxNorm)) {
            float scale = (float) (maxNorm / (norm + 1e-6));
            for (NDArray g : gradients(parameters)) {
                g.muli(scale);
            }
        }
        return norm;
    }

    private static List<NDArray> gradients(PairList<String, Parameter> parameters) {
        List<NDArray> out = new ArrayList<>();
        for (Pair<String, Parameter> p : parameters) {
            Parameter param = p.getValue();
            if (param.requiresGradient() && param.isInitialized() && param.getArray().hasGradient()) {
                out.add(param.getArray().getGradient());
            }
        }
        return out;
    }
}
