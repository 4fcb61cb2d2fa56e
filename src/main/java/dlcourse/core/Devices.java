package dlcourse.core;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * The one place that decides where tensors live: the first GPU when DJL sees one, else the CPU.
 * {@code DL_DEVICE=cpu|gpu|gpu:N} overrides the choice (e.g. to compare a GPU with the CPU).
 */
public final class Devices {

    /**
     * The environment variable (or system property {@code dl.device}) that overrides the choice.
     */
    public static final String ENV = "DL_DEVICE";

    private static volatile Device best;

    private Devices() {}

    /** The device every notebook trains on. */
    public static Device best() {
        Device d = best;
        if (d == null) {
            String override = System.getProperty("dl.device", System.getenv(ENV));
            d = choose(Engine.getInstance().getGpuCount(), override);
            best = d;
        }
        return d;
    }

    /**
     * The decision itself, free of the engine so that tests can simulate any number of GPUs.
     *
     * @param gpuCount GPUs the engine reports
     * @param override the value of {@code DL_DEVICE}, or null/blank/"auto" for the default
     */
    public static Device choose(int gpuCount, String override) {
        String v = override == null ? "" : override.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty() || v.equals("auto")) {
            return gpuCount > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (v.equals("cpu")) {
            return Device.cpu();
        }
        if (v.equals("gpu") || v.startsWith("gpu:")) {
            int id;
            try {
                id = v.equals("gpu") ? 0 : Integer.parseInt(v.substring(4));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        ENV + "=" + override + ": номер GPU должен быть числом, например gpu:0", e);
            }
            if (id < 0 || id >= gpuCount) {
                throw new IllegalStateException(
                        ENV
                                + "="
                                + override
                                + ", но движок видит GPU: "
                                + gpuCount
                                + ". Проверьте драйвер (nvidia-smi) и сборку с CUDA-версией"
                                + " libtorch (README, «Работа на GPU»), или уберите "
                                + ENV
                                + ", чтобы считать на CPU.");
            }
            return Device.gpu(id);
        }
        throw new IllegalArgumentException(
                ENV + "=" + override + " не распознан: допустимы cpu, gpu, gpu:N, auto");
    }

    /** A readable summary of this machine and of the device chosen. */
    public static Hardware hardware() {
        return Hardware.detect(best());
    }
}
