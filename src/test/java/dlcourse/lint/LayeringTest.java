package dlcourse.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library's packages depend one way, down these layers (CONTRIBUTING.md): a package may use
 * only packages of a lower layer, so no two packages depend on each other, directly or round a
 * cycle. Dependencies are read from the sources: imports and fully qualified names in code
 * (comments and string literals removed).
 */
class LayeringTest {

    /** The layer of every package of src/main/java; a new package must be placed here. */
    static final Map<String, Integer> LAYERS =
            Map.ofEntries(
                    Map.entry("core", 0), // kernel bridge, profiles, devices, course folders
                    Map.entry("data", 1), // data sets
                    Map.entry("plot", 1), // figures and images, the kernel's renderers
                    Map.entry("nn", 1), // general layers the engine lacks
                    Map.entry("train", 2), // the training loop, checkpoints, optimizers
                    Map.entry("cnn", 3), // the architectures of the lecture
                    Map.entry("rnn", 3),
                    Map.entry("generative", 3),
                    Map.entry("gan", 3),
                    Map.entry("forecast", 4), // tasks built on models, data and figures
                    Map.entry("superres", 4),
                    Map.entry("grading", 4)); // homework checks

    private static final Path SOURCES = Path.of("src/main/java/dlcourse");
    private static final Pattern REFERENCE =
            Pattern.compile("\\bdlcourse\\.([a-z]+)\\.(?=[A-Za-z*])");
    private static final Pattern COMMENT_OR_STRING =
            Pattern.compile(
                    "/\\*.*?\\*/|//[^\\n]*|\"\"\".*?\"\"\"|\"(?:\\\\.|[^\"\\\\])*\"",
                    Pattern.DOTALL);

    @Test
    void everyPackageDependsOnlyOnLowerLayers() {
        Map<String, Set<String>> graph = dependencies(SOURCES);
        assertEquals(
                new TreeSet<>(LAYERS.keySet()),
                new TreeSet<>(graph.keySet()),
                "packages in src/main/java vs LayeringTest.LAYERS");
        List<String> upward = violations(graph);
        assertTrue(upward.isEmpty(), "dependencies against the layers: " + upward + "\n" + graph);
    }

    @Test
    void aCycleOrAnUpwardImportIsFound() {
        // the check itself, on the two faults the layering was made to remove
        assertEquals(
                List.of("core -> plot"),
                violations(Map.of("core", Set.of("plot"), "plot", Set.of("core"))));
        assertEquals(List.of("train -> gan"), violations(Map.of("train", Set.of("gan", "core"))));
    }

    @Test
    void referencesAreReadFromCodeOnly() {
        String code =
                "import dlcourse.core.Notebook;\n"
                        + "// see dlcourse.gan.Dcgan\n"
                        + "/** {@link dlcourse.rnn.Lstm} */\n"
                        + "String s = \"dlcourse.cnn.AlexNet\";\n"
                        + "var v = dlcourse.plot.Plots.lines();\n";
        assertEquals(Set.of("core", "plot"), referencedPackages(code));
    }

    /** The edges that do not go down a layer, as "from -> to", sorted. */
    static List<String> violations(Map<String, Set<String>> graph) {
        List<String> out = new ArrayList<>();
        for (var entry : new TreeMap<>(graph).entrySet()) {
            int from = LAYERS.getOrDefault(entry.getKey(), -1);
            for (String to : new TreeSet<>(entry.getValue())) {
                if (LAYERS.getOrDefault(to, Integer.MAX_VALUE) >= from) {
                    out.add(entry.getKey() + " -> " + to);
                }
            }
        }
        return out;
    }

    static Map<String, Set<String>> dependencies(Path root) {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(file).getName(0).toString();
                Set<String> targets = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                referencedPackages(Files.readString(file)).stream()
                        .filter(q -> !q.equals(pkg))
                        .forEach(targets::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    static Set<String> referencedPackages(String source) {
        String code = COMMENT_OR_STRING.matcher(source).replaceAll(" ");
        Set<String> out = new TreeSet<>();
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
