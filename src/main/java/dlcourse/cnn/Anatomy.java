package dlcourse.cnn;

import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;

/**
 * What the lecture counts about an architecture, read off the built layers rather than worked out
 * by hand: receptive field, depth along the longest path (multiply-adds: {@link
 * dlcourse.core.MultiplyAdds}).
 */
public final class Anatomy {

    private Anatomy() {}

    /**
     * Receptive field (in input pixels, along the height) of one output unit of a chain of
     * convolutions: r = 1 + Σ (k_i − 1)·d_i·Π_{j<i} s_j over the convolutions in order.
     */
    public static long receptiveField(Block net) {
        long[] rj = {1, 1}; // receptive field, product of strides ("jump") so far
        visitLeaves(
                net,
                b -> {
                    if (b instanceof Convolution c) {
                        rj[0] += (c.getKernelShape().get(0) - 1) * c.getDilation().get(0) * rj[1];
                        rj[1] *= c.getStride().get(0);
                    }
                });
        return rj[0];
    }

    /**
     * Layers on the longest input-to-output path that have weights (convolutions, fully connected),
     * plus poolings when {@code withPooling}. Parallel branches count as their deepest branch;
     * batch norm, activations and dropout do not count (as in the papers). For {@link GoogLeNet}
     * the path is the trunk: the auxiliary heads branch off it.
     */
    public static int depth(Block b, boolean withPooling) {
        if (b instanceof GoogLeNet g) {
            return depth(g.trunk(), withPooling);
        }
        if (b instanceof Convolution || b instanceof Linear) {
            return 1;
        }
        if (b instanceof LambdaBlock l) {
            return withPooling && l.getName().toLowerCase().contains("pool") ? 1 : 0;
        }
        int sum = 0;
        int max = 0;
        for (Pair<String, Block> c : b.getChildren()) {
            int d = depth(c.getValue(), withPooling);
            sum += d;
            max = Math.max(max, d);
        }
        return b instanceof ParallelBlock ? max : sum;
    }

    private static void visitLeaves(Block b, java.util.function.Consumer<Block> visit) {
        if (b.getChildren().isEmpty()) {
            visit.accept(b);
        }
        for (Pair<String, Block> c : b.getChildren()) {
            visitLeaves(c.getValue(), visit);
        }
    }
}
