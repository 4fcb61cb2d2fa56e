package dlcourse.cnn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;

/**
 * How much gradient reaches the first layer: the lecture's argument for residual connections (∂y/∂x
 * = 1 + ∂F/∂x) measured on a freshly initialised network and one batch.
 */
public final class Gradients {

    private Gradients() {}

    /**
     * The L2 norm of the loss gradient with respect to the first weight tensor of {@code net} (its
     * first convolution), for one batch in training mode; {@code net} must be uninitialised and is
     * left initialised on {@code x}'s manager.
     */
    public static double firstLayerNorm(Block net, NDArray x, NDArray labels) {
        NDManager m = x.getManager();
        net.initialize(m, DataType.FLOAT32, x.getShape());
        Parameter first = null;
        for (Pair<String, Parameter> p : net.getParameters()) {
            if (p.getValue().getType() == Parameter.Type.WEIGHT) {
                first = p.getValue();
                break;
            }
        }
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray scores = net.forward(new ParameterStore(m, false), new NDList(x), true).head();
            gc.backward(
                    Loss.softmaxCrossEntropyLoss()
                            .evaluate(new NDList(labels), new NDList(scores)));
        }
        NDArray g = first.getArray().getGradient();
        return Math.sqrt(g.square().sum().getFloat());
    }
}
