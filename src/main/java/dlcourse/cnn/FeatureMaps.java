package dlcourse.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

/**
 * What a trained network's layers see: the output of the first {@code k} layers of a
 * sequential network for some images (the lecture's «иерархия слоёв»: early layers respond to
 * edges and blobs, later ones to larger parts).
 */
public final class FeatureMaps {

    private FeatureMaps() {}

    /** The activations after the first {@code layers} top-level layers, in inference mode. */
    public static NDArray after(SequentialBlock net, int layers, NDArray images) {
        ParameterStore ps = new ParameterStore(images.getManager(), false);
        NDList x = new NDList(images);
        int i = 0;
        for (Pair<String, Block> child : net.getChildren()) {
            if (i++ == layers) {
                break;
            }
            x = child.getValue().forward(ps, x, false);
        }
        return x.singletonOrThrow();
    }

    /** The activations after the {@code k}-th convolution (1-based) and the non-linearity after it. */
    public static NDArray afterConvolution(SequentialBlock net, int k, NDArray images) {
        int convolutions = 0;
        int i = 0;
        for (Pair<String, Block> child : net.getChildren()) {
            i++;
            if (child.getValue() instanceof ai.djl.nn.convolutional.Convolution && ++convolutions == k) {
                return after(net, i + 1, images);
            }
        }
        throw new IllegalArgumentException("в сети меньше " + k + " свёрточных слоёв");
    }

    /** The weights of the first convolution, {@code (filters, channels, k, k)}. */
    public static NDArray firstFilters(SequentialBlock net) {
        return net.getChildren().get(0).getValue().getParameters().get("weight").getArray();
    }
}
