package dlcourse.core;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A network's layers as a table, the way the lecture tabulates them: each top-level layer with its
 * output shape and number of weights, for a batch of one.
 *
 * <p>Counting needs the weights' shapes, so an uninitialised block is initialised on the CPU for
 * the count and returned to its uninitialised state afterwards: the same block can then be trained
 * anywhere.
 */
public final class ModelSummary {

    private ModelSummary() {}

    /**
     * The table {@code layer, output, parameters} for inputs of {@code inputShape} (no batch axis).
     */
    public static Table of(Block net, Shape inputShape) {
        StringColumn layer = StringColumn.create("layer");
        StringColumn output = StringColumn.create("output");
        LongColumn params = LongColumn.create("parameters");
        withInitialized(
                net,
                inputShape,
                () -> {
                    Shape[] shapes = {new Shape(1).addAll(inputShape)};
                    int i = 0;
                    for (Pair<String, Block> child : net.getChildren()) {
                        Block b = child.getValue();
                        shapes = b.getOutputShapes(shapes);
                        layer.append(String.format("%2d %s", ++i, name(b)));
                        output.append(shapeString(shapes));
                        params.append(countParameters(b));
                    }
                    layer.append("всего");
                    output.append(
                            net.getChildren().isEmpty()
                                    ? shapeString(net.getOutputShapes(shapes))
                                    : "");
                    params.append(countParameters(net));
                    return null;
                });
        return Table.create("Слои сети", layer, output, params);
    }

    /** The number of weights of a network for inputs of {@code inputShape} (no batch axis). */
    public static long parameterCount(Block net, Shape inputShape) {
        return withInitialized(net, inputShape, () -> countParameters(net));
    }

    /**
     * The number of trainable weights of an initialised block. Batch normalisation's running mean
     * and variance are statistics, not weights (DJL keeps them as parameters that need no gradient;
     * PyTorch as buffers): they are left out, as in published parameter counts.
     */
    public static long countParameters(Block block) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                n += p.getValue().getArray().size();
            }
        }
        return n;
    }

    /**
     * Runs {@code body} with the network initialised for inputs of {@code inputShape} (no batch
     * axis): an uninitialised block is initialised on the CPU and returned to its uninitialised
     * state afterwards, so that it can still be trained anywhere.
     */
    public static <T> T withInitialized(
            Block net, Shape inputShape, java.util.function.Supplier<T> body) {
        if (net.isInitialized()) {
            return body.get();
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            net.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(inputShape));
            return body.get();
        } finally {
            for (Pair<String, Parameter> p : net.getParameters()) {
                p.getValue().close(); // back to uninitialised
            }
        }
    }

    /** A lambda block's own name (relu, maxPool2d, batchFlatten, …); else the layer's class. */
    static String name(Block b) {
        return b instanceof LambdaBlock lambda && !LambdaBlock.DEFAULT_NAME.equals(lambda.getName())
                ? lambda.getName()
                : b.getClass().getSimpleName();
    }

    private static String shapeString(Shape[] shapes) {
        StringBuilder sb = new StringBuilder();
        for (Shape s : shapes) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(s.toString().replace(", ", "×"));
        }
        return sb.toString();
    }
}
