package dlcourse.core;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.RecurrentBlock;
import ai.djl.util.Pair;

/**
 * The arithmetic of a network: multiply-adds of one forward pass for one example, counted from the
 * built layers. A training step costs about three times this (forward, and a backward pass that
 * computes gradients with respect to both inputs and weights), and a floating-point rate counts
 * each multiply-add as two operations.
 *
 * <p>Counted: convolutions (grouped ones too), fully connected layers, recurrent layers (batch
 * first, as every recurrent layer of the course), and any block that counts itself ({@link
 * Counted}). Batch norm, activations, pooling and other element-wise work are left out: a few per
 * cent of a CNN's arithmetic. A leaf with weights of a kind not listed is an error, not a silent
 * zero.
 */
public final class MultiplyAdds {

    /**
     * A layer that knows its own count, e.g. a transposed convolution built from other operations.
     */
    public interface Counted {
        /**
         * Multiply-adds of one forward pass for one example, given the input shapes with a batch
         * axis.
         */
        long multiplyAdds(Shape[] inputShapes);
    }

    private MultiplyAdds() {}

    /** Multiply-adds of one forward pass for one example of {@code inputShape} (no batch axis). */
    public static long of(Block net, Shape inputShape) {
        return ModelSummary.withInitialized(net, inputShape, () -> count(net));
    }

    private static long count(Block b) {
        if (!b.getChildren().isEmpty()) {
            long total = 0;
            for (Pair<String, Block> c : b.getChildren()) {
                total += count(c.getValue());
            }
            return total
                    + (b instanceof Counted counted ? counted.multiplyAdds(b.getInputShapes()) : 0);
        }
        if (b instanceof Counted counted) {
            return counted.multiplyAdds(b.getInputShapes());
        }
        long weights = weights(b);
        if (weights == 0) {
            return 0;
        }
        Shape in = b.getInputShapes()[0];
        if (b instanceof Convolution c) {
            // every output position multiplies one kernel window per filter: H_out·W_out·|W|
            Shape out = c.getOutputShapes(c.getInputShapes())[0];
            return out.slice(2).size() * weights;
        }
        if (b instanceof Linear) {
            // applied to every position of the input's middle axes, e.g. every time step
            return in.slice(1, in.dimension() - 1).size() * weights;
        }
        if (b instanceof RecurrentBlock) {
            // (B, T, C): every step multiplies the input-to-hidden and hidden-to-hidden matrices
            // once
            return in.get(1) * weights;
        }
        throw new IllegalArgumentException(
                "не умею считать умножения-сложения слоя "
                        + b.getClass().getSimpleName()
                        + ": реализуйте в нём MultiplyAdds.Counted");
    }

    /** Elements of a leaf's weight matrices (not biases or batch-norm scales). */
    private static long weights(Block b) {
        long n = 0;
        for (Pair<String, Parameter> p : b.getParameters()) {
            if (p.getValue().getType() == Parameter.Type.WEIGHT) {
                n += p.getValue().getArray().size();
            }
        }
        return n;
    }
}
