package dlcourse.bench;

import dlcourse.core.Devices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a benchmark ran on, for the record next to its numbers. */
final class Machine {

    private Machine() {}

    static String describe() {
        return "CPU model:     "
                + cpuModel()
                + "\n"
                + Devices.hardware()
                + "\n"
                + "Load average:  "
                + loadAverage()
                + " (1, 5, 15 min at the start; other work on the machine slows every number)";
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse("unknown");
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
    }
}
