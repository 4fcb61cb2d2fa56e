package dlcourse.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

/**
 * What a trained network's layers see: its first layer's filters, and the output of the first
 * {@code k} layers of a sequential network for some images (the lecture's «иерархия слоёв»: early
 * layers respond to edges and blobs, later ones to larger parts).
 */
public final class FeatureMaps {

    private FeatureMaps() {}

    /** The activations after the first {@code layers} top-level layers, in inference mode. */
    public static NDArray after(Block net, int layers, NDArray images) {
        ParameterStore ps = new ParameterStore(images.getManager(), false);
        NDList x = new NDList(images);
        int i = 0;
        for (Pair<String, Block> child : sequential(net).getChildren()) {
            if (i++ == layers) {
                break;
            }
            x = child.getValue().forward(ps, x, false);
        }
        return x.singletonOrThrow();
    }

    /**
     * The activations after the {@code k}-th top-level convolution (1-based) and the non-linearity
     * after it: for networks whose convolutions are their own layers (AlexNet, VGG).
     */
    public static NDArray afterConvolution(Block net, int k, NDArray images) {
        int convolutions = 0;
        int i = 0;
        for (Pair<String, Block> child : sequential(net).getChildren()) {
            i++;
            if (child.getValue() instanceof Convolution && ++convolutions == k) {
                return after(net, i + 1, images);
            }
        }
        throw new IllegalArgumentException(
                convolutions == 0
                        ? "у сети нет свёрток на верхнем уровне: они внутри блоков ("
                                + children(net)
                                + "); берите карты после целого блока: FeatureMaps.after(net, номер"
                                + " блока, images)"
                        : "в сети "
                                + convolutions
                                + " свёрточных слоёв верхнего уровня, а не "
                                + k);
    }

    /**
     * The weights of the network's first convolution, {@code (filters, channels, k, k)}: found
     * depth first, so also inside a stem block (ResNet, GoogLeNet). The network must have been
     * trained or initialised.
     */
    public static NDArray firstFilters(Block net) {
        Convolution first = firstConvolution(net);
        if (first == null) {
            throw new IllegalArgumentException(
                    "в сети " + net.getClass().getSimpleName() + " нет свёрточных слоёв");
        }
        if (!first.isInitialized()) {
            throw new IllegalStateException(
                    "веса сети ещё не созданы: сначала обучите её (Training...fit)"
                            + " или инициализируйте (net.initialize)");
        }
        return first.getParameters().get("weight").getArray();
    }

    private static Convolution firstConvolution(Block block) {
        if (block instanceof Convolution c) {
            return c;
        }
        for (Pair<String, Block> child : block.getChildren()) {
            Convolution c = firstConvolution(child.getValue());
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    private static SequentialBlock sequential(Block net) {
        if (net instanceof SequentialBlock s) {
            return s;
        }
        throw new IllegalArgumentException(
                "карты признаков по слоям считаются для последовательной сети"
                        + " (SequentialBlock), а это "
                        + net.getClass().getSimpleName()
                        + " с ветвлениями");
    }

    private static String children(Block net) {
        return net.getChildren().values().stream()
                .map(b -> b.getClass().getSimpleName())
                .distinct()
                .collect(java.util.stream.Collectors.joining(", "));
    }
}
