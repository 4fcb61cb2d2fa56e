package dlcourse.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping by global norm (Pascanu, Mikolov, Bengio, "On the difficulty of training
 * recurrent neural networks", ICML 2013): if ‖g‖ = sqrt(Σ over all parameters of Σ g²) exceeds θ,
 * every gradient is scaled by θ/‖g‖. The direction of the step is kept, only its length is bounded
 * — the lecture's remedy for exploding gradients in RNNs and LSTMs alike. {@link
 * Training.Builder#optClipGradients} applies it at every step.
 *
 * <p>Why not DJL's {@code optClipGrad}: on the PyTorch engine it clamps each component from above
 * only (a gradient of −3 passes a 0.1 clip), so it bounds neither the norm nor the step.
 */
public final class GradientClipping {

    private GradientClipping() {}

    /** The global L2 norm of the gradients of all parameters that have one. */
    public static double globalNorm(PairList<String, Parameter> parameters) {
        return clipByGlobalNorm(parameters, Double.POSITIVE_INFINITY);
    }

    /**
     * Scales all gradients in place so that their global norm is at most {@code maxNorm} (infinity:
     * only measures).
     *
     * @return the global norm before clipping
     */
    public static double clipByGlobalNorm(PairList<String, Parameter> parameters, double maxNorm) {
        // Each getGradient() is a new handle on the parameter's manager: a scope frees the handles
        // and the temporaries with them, so clipping every step leaks nothing.
        try (NDManager scope = NDManager.newBaseManager()) {
            List<NDArray> gradients = new ArrayList<>();
            NDArray squares = null;
            for (Pair<String, Parameter> p : parameters) {
                Parameter param = p.getValue();
                if (param.requiresGradient()
                        && param.isInitialized()
                        && param.getArray().hasGradient()) {
                    NDArray g = param.getArray().getGradient();
                    g.attach(scope);
                    gradients.add(g);
                    NDArray s = g.square().sum();
                    squares = squares == null ? s : squares.add(s);
                }
            }
            if (squares == null) {
                return 0;
            }
            double norm = Math.sqrt(squares.getFloat());
            if (norm > maxNorm && Double.isFinite(maxNorm)) {
                float scale = (float) (maxNorm / (norm + 1e-6));
                for (NDArray g : gradients) {
                    g.muli(scale);
                }
            }
            return norm;
        }
    }
}
