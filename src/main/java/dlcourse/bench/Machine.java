package dlcourse.bench;

import dlcourse.core.Devices;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a benchmark ran on, for the record next to its numbers. */
final class Machine {

    private Machine() {}

    static String describe() {
        return "CPU model:     " + cpuModel() + "\n" + Devices.hardware();
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
    }
}
