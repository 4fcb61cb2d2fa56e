package dlcourse.core;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What this machine offers for training: the engine, the device chosen, CPU cores, memory and the
 * GPUs the engine sees.
 */
public record Hardware(
        String engine,
        String engineVersion,
        Device device,
        int cpuCores,
        long physicalMemoryBytes,
        long maxHeapBytes,
        List<Gpu> gpus) {

    /** A GPU as the engine reports it; the name comes from nvidia-smi when it is installed. */
    public record Gpu(int id, String name, long memoryBytes, String computeCapability) {}

    static Hardware detect(Device chosen) {
        Engine engine = Engine.getInstance();
        List<Gpu> gpus = new ArrayList<>();
        List<String> names = nvidiaSmiNames();
        for (int i = 0; i < engine.getGpuCount(); i++) {
            Device gpu = Device.gpu(i);
            MemoryUsage mem = CudaUtils.getGpuMemory(gpu);
            String name = i < names.size() ? names.get(i) : "GPU " + i;
            gpus.add(new Gpu(i, name, mem.getMax(), CudaUtils.getComputeCapability(i)));
        }
        long physical =
                ((com.sun.management.OperatingSystemMXBean)
                                ManagementFactory.getOperatingSystemMXBean())
                        .getTotalMemorySize();
        return new Hardware(
                engine.getEngineName(),
                engine.getVersion(),
                chosen,
                Runtime.getRuntime().availableProcessors(),
                physical,
                Runtime.getRuntime().maxMemory(),
                gpus);
    }

    private static List<String> nvidiaSmiNames() {
        List<String> names = new ArrayList<>();
        try {
            Process p =
                    new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader")
                            .redirectErrorStream(true)
                            .start();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                new String(p.getInputStream().readAllBytes())
                        .lines()
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .forEach(names::add);
            }
        } catch (IOException | InterruptedException e) {
            // No nvidia-smi: GPUs keep their numeric names.
        }
        return names;
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f ГиБ", bytes / (1024.0 * 1024 * 1024));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("Движок:        ").append(engine).append(' ').append(engineVersion).append('\n');
        sb.append("Устройство:    ")
                .append(device)
                .append(device.isGpu() ? " (GPU)" : " (CPU)")
                .append('\n');
        sb.append("Ядра CPU:      ").append(cpuCores).append('\n');
        sb.append("Память:        ")
                .append(gib(physicalMemoryBytes))
                .append(" (куча JVM до ")
                .append(gib(maxHeapBytes))
                .append(")\n");
        if (gpus.isEmpty()) {
            sb.append("GPU:           не найден");
        } else {
            for (Gpu g : gpus) {
                sb.append("GPU ")
                        .append(g.id())
                        .append(":         ")
                        .append(g.name())
                        .append(", ")
                        .append(gib(g.memoryBytes()))
                        .append(", compute capability ")
                        .append(g.computeCapability())
                        .append('\n');
            }
        }
        return sb.toString().stripTrailing();
    }
}
