package dlcourse.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * How fast the engine multiplies matrices on a device: the ceiling any training step on this
 * machine works under, since convolutions and fully connected layers are matrix products.
 */
public final class Throughput {

    private Throughput() {}

    /**
     * Dense {@code n×n · n×n} products in FP32: 2n³ floating-point operations each. Runs one
     * warm-up product, then times {@code repeats} and returns the best rate in GFLOP/s.
     */
    public static double matmulGflops(Device device, int n, int repeats) {
        // on the thread that computes with all of the engine's threads, as training does
        return Interruptible.run(() -> measure(device, n, repeats), () -> {});
    }

    private static double measure(Device device, int n, int repeats) {
        try (NDManager m = NDManager.newBaseManager(device)) {
            NDArray a = m.randomUniform(-1, 1, new Shape(n, n), DataType.FLOAT32);
            NDArray b = m.randomUniform(-1, 1, new Shape(n, n), DataType.FLOAT32);
            a.matMul(b).toFloatArray(); // warm-up, and wait for the device
            double best = 0;
            for (int i = 0; i < repeats; i++) {
                long start = System.nanoTime();
                try (NDArray c = a.matMul(b)) {
                    c.get(0, 0).getFloat(); // forces completion on asynchronous devices
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                best = Math.max(best, 2.0 * n * n * n / seconds / 1e9);
            }
            return best;
        }
    }
}
