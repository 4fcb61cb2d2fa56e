package dlcourse.generative;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * Measurements on sequence models (B, 1, T) → (B, C, T) by perturbing inputs: which past inputs an
 * output depends on (the receptive field), and whether any output looks into the future.
 */
public final class Causality {

    private Causality() {}

    /**
     * Inputs whose perturbation changes the last output: the receptive field, measured. On a batch
     * of random sequences, not one: for a single input a ReLU that happens to be off hides the
     * paths through it (seen: WaveNet with 2 layers measured 3 instead of 5), so an input belongs
     * to the field if it changes the last output of any of them. Each perturbed batch has the base
     * batch's shape, so that an output the perturbation cannot reach is computed bit for bit as
     * before and "changed" can mean "differs at all".
     */
    public static int receptiveField(Block net, int length, NDManager manager) {
        ensureInitialised(net, length, manager);
        NDArray x = manager.randomNormal(new Shape(8, 1, length));
        NDArray base = lastOutput(net, x);
        int count = 0;
        for (int t = 0; t < length; t++) {
            NDArray y = x.duplicate();
            y.set(new NDIndex(":, :, {}", t), y.get(new NDIndex(":, :, {}", t)).add(1f));
            if (lastOutput(net, y).sub(base).abs().max().getFloat() > 0) {
                count++;
            }
        }
        return count;
    }

    /**
     * The largest change of any output at steps ≤ {@code t0} when every input after {@code t0} is
     * replaced by fresh noise: exactly 0 for a causal model.
     */
    public static float lookAhead(Block net, int length, int t0, NDManager manager) {
        return changes(net, length, t0, manager)[0];
    }

    /** {max |Δy| at steps ≤ t0, max |Δy| at steps > t0} after replacing the inputs after t0. */
    public static float[] changes(Block net, int length, int t0, NDManager manager) {
        ensureInitialised(net, length, manager);
        NDArray x = manager.randomNormal(new Shape(4, 1, length));
        NDArray y = x.duplicate();
        y.set(
                new NDIndex(":, :, {}:", t0 + 1),
                manager.randomNormal(new Shape(4, 1, length - t0 - 1)));
        NDArray d = run(net, y).sub(run(net, x)).abs(); // (B, C, T)
        float past = d.get(new NDIndex(":, :, :{}", t0 + 1)).max().getFloat();
        float future = d.get(new NDIndex(":, :, {}:", t0 + 1)).max().getFloat();
        return new float[] {past, future};
    }

    private static NDArray lastOutput(Block net, NDArray x) {
        NDArray out = run(net, x);
        return out.get(new NDIndex(":, :, -1"));
    }

    private static NDArray run(Block net, NDArray x) {
        return net.forward(new ParameterStore(x.getManager(), false), new NDList(x), false).head();
    }

    private static void ensureInitialised(Block net, int length, NDManager manager) {
        if (!net.isInitialized()) {
            net.initialize(manager, DataType.FLOAT32, new Shape(16, 1, length));
        }
    }
}
