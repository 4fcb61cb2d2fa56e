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
        int trainingThreads,
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
                EngineThreads.count(),
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

    /**
     * The x86 instruction sets with half-precision multiply-add (conversion-only F16C excluded).
     */
    static final List<String> HALF_PRECISION_FLAGS =
            List.of("avx512_bf16", "avx512_fp16", "amx_bf16", "amx_fp16", "avx_vnni_int16");

    /**
     * The CPU's instruction sets for FP16/BF16 arithmetic, read from {@code /proc/cpuinfo}; empty
     * when it has none, or when the file cannot be read (not Linux): then half precision on the CPU
     * is emulated and no faster than FP32.
     */
    public static List<String> halfPrecisionArithmetic() {
        try {
            return halfPrecisionArithmetic(
                    java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /**
     * Physical CPU cores, counted in {@code /proc/cpuinfo} as distinct (package, core) pairs; 0
     * when unknown (not Linux).
     */
    public static int physicalCores() {
        try {
            return physicalCores(
                    java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static int physicalCores(String cpuinfo) {
        java.util.Set<String> cores = new java.util.HashSet<>();
        String pkg = "";
        for (String line : cpuinfo.lines().toList()) {
            String value = line.substring(line.indexOf(':') + 1).trim();
            if (line.startsWith("physical id")) {
                pkg = value;
            } else if (line.startsWith("core id")) {
                cores.add(pkg + "/" + value);
            }
        }
        return cores.size();
    }

    static List<String> halfPrecisionArithmetic(String cpuinfo) {
        java.util.Set<String> flags = new java.util.HashSet<>();
        cpuinfo.lines()
                .filter(l -> l.startsWith("flags"))
                .forEach(
                        l ->
                                flags.addAll(
                                        List.of(
                                                l.substring(l.indexOf(':') + 1)
                                                        .trim()
                                                        .split("\\s+"))));
        return HALF_PRECISION_FLAGS.stream().filter(flags::contains).toList();
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
        sb.append("Ядра CPU:      ")
                .append(cpuCores)
                .append("; PyTorch обучает в потоках: ")
                .append(trainingThreads)
                .append('\n');
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
