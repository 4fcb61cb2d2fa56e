package dlcourse.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.function.Function;

/**
 * Runs a network in inference over a batch in chunks along axis 0, each chunk in a temporary
 * manager: the intermediate activations are freed as soon as the chunk is done (otherwise they stay
 * attached to the caller's manager, and a notebook that evaluates every few hundred steps grows by
 * gigabytes), and a convolution never unfolds thousands of images at once.
 */
public final class Chunks {

    static final int SIZE = 256;

    private Chunks() {}

    /** {@code net} applied to {@code inputs} chunk by chunk; the result joined in their manager. */
    public static NDArray map(NDList inputs, Function<NDList, NDArray> net) {
        NDManager owner = inputs.head().getManager();
        long n = inputs.head().getShape().get(0);
        NDList parts = new NDList();
        for (long start = 0; start < n; start += SIZE) {
            try (NDManager scratch = owner.newSubManager()) {
                NDList chunk = new NDList();
                for (NDArray a : inputs) {
                    NDArray part = a.get("{}:{}", start, Math.min(n, start + SIZE));
                    part.attach(scratch);
                    chunk.add(part);
                }
                NDArray out = net.apply(chunk);
                out.attach(owner); // keep the result, free everything else
                parts.add(out);
            }
        }
        if (parts.size() == 1) {
            return parts.head();
        }
        NDArray joined = NDArrays.concat(parts);
        parts.close();
        return joined;
    }
}
