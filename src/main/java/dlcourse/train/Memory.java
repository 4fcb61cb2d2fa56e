package dlcourse.train;

import ai.djl.Model;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Memory a training run holds: the process's resident memory (Java heap + native tensors, from
 * /proc on Linux), the Java heap still in use after a collection, and the number of tensors still
 * open under a manager.
 */
public final class Memory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private Memory() {}

    /**
     * A log of the memory a fit holds after each epoch ({@code
     * Training.of(…).addEpochListener(log)}): columns epoch, rss_mib, heap_mib (after a full
     * collection, so tens of milliseconds per epoch) and open_tensors (under the model's manager).
     * For benchmarks and tests; a student's fit does not pay for it.
     */
    public static PerEpoch perEpoch() {
        return new PerEpoch();
    }

    /** The log {@link #perEpoch} returns. */
    public static final class PerEpoch implements Training.EpochListener {
        private final Table table =
                Table.create(
                        "memory",
                        IntColumn.create("epoch"),
                        DoubleColumn.create("rss_mib"),
                        DoubleColumn.create("heap_mib"),
                        IntColumn.create("open_tensors"));

        @Override
        public void epochEnded(int epoch, Table history, Model model) {
            table.intColumn("epoch").append(epoch);
            table.doubleColumn("rss_mib").append(residentMiB());
            table.doubleColumn("heap_mib").append(heapAfterCollectionMiB());
            table.intColumn("open_tensors").append(liveResources(model.getNDManager()));
        }

        public Table table() {
            return table;
        }
    }

    /** Resident set size in MiB, or NaN where /proc is not available. */
    public static double residentMiB() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Double.NaN;
    }

    /**
     * Java heap in use after a full collection, in MiB: what the program still holds, without the
     * garbage a sample taken at a random moment would include. Forces a collection (tens of
     * milliseconds), so call it once an epoch, not once a batch.
     */
    public static double heapAfterCollectionMiB() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
                / (1024.0 * 1024.0);
    }

    /**
     * Tensors and other resources still open under {@code manager} and its sub-managers. DJL has no
     * public counter; this reads BaseNDManager's resource map, which is what close() frees.
     */
    public static int liveResources(NDManager manager) {
        if (!(manager instanceof BaseNDManager base)) {
            return 0;
        }
        try {
            Field f = BaseNDManager.class.getDeclaredField("resources");
            f.setAccessible(true);
            int n = 0;
            for (Object r : ((java.util.Map<?, ?>) f.get(base)).values()) {
                n += r instanceof NDManager child ? 1 + liveResources(child) : 1;
            }
            return n;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "DJL's BaseNDManager changed: update Memory.liveResources", e);
        }
    }
}
