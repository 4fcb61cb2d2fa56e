package dlcourse.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.util.JsonUtils;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.source.util.Plugin;
import dlcourse.core.CourseHome;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The library and every notebook compile under the course's own lint ({@link BoxedEquality}): the
 * library by javac, each notebook cell by JShell exactly as the JJava kernel splits and compiles it
 * (its start-up imports first), but without running anything, so all notebooks take seconds.
 */
class CompilerLintTest {

    /** JJava's start-up imports (NotebookInitializer), so that cells compile as in the kernel. */
    private static final String KERNEL_IMPORTS =
            "import java.util.*; import java.io.*; import java.math.*; import java.net.*; import"
                + " java.time.*; import java.util.concurrent.*; import java.util.prefs.*; import"
                + " java.util.regex.*; import static"
                + " org.dflib.jjava.jupyter.kernel.BaseNotebookStatics.*;";

    /**
     * Where javac finds the plugin: its classes, and a provider file made here (a provider file
     * among the test resources would be read while the tests themselves compile, before the class
     * exists).
     */
    private static String pluginPath;

    @BeforeAll
    static void registerPlugin(@TempDir Path dir) throws Exception {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(
                services.resolve(Plugin.class.getName()), BoxedEquality.class.getName() + "\n");
        Path classes =
                Path.of(
                        BoxedEquality.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        pluginPath = dir + File.pathSeparator + classes;
    }

    /** The library and its tests. */
    @Test
    void libraryHasNoBoxedEquality(@TempDir Path out) throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(CourseHome.home().resolve("src"))) {
            sources =
                    files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
        }
        assertTrue(sources.size() > 80, "found only " + sources.size() + " sources");
        assertEquals(List.of(), compile(sources, out));
    }

    static Stream<Path> notebooks() throws IOException {
        Path home = CourseHome.home();
        try (Stream<Path> course = Files.list(home.resolve("notebooks"));
                Stream<Path> homework = Files.walk(home.resolve("assignments/source"))) {
            return Stream.concat(course, homework)
                    .filter(p -> p.toString().endsWith(".ipynb"))
                    .sorted()
                    .collect(Collectors.toList())
                    .stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notebooks")
    void notebookCompilesWithoutBoxedEquality(Path notebook) throws IOException {
        assertEquals(
                List.of(),
                lint(codeCells(notebook)),
                CourseHome.home().relativize(notebook).toString());
    }

    /** The lint itself: what it must reject and what it must leave alone, in both compilers. */
    @Test
    void boxedComparisonsAreRejectedAndUnboxedOnesAllowed(@TempDir Path dir) throws IOException {
        List<String> rejected =
                lint(
                        List.of(
                                "Integer a = 1000; Integer b = 1000;",
                                "boolean same = a == b;",
                                "List<Integer> xs = List.of(257); boolean first = xs.get(0) !="
                                        + " Integer.valueOf(257);"));
        assertEquals(2, rejected.size(), rejected.toString());
        assertTrue(rejected.get(0).startsWith("cell 2: boolean same = a == b;"), rejected.get(0));
        assertTrue(
                rejected.get(0).contains("[BoxedEquality] equal_to between two boxed numbers"),
                rejected.get(0));
        assertTrue(rejected.get(1).contains("not_equal_to"), rejected.get(1));
        assertEquals(
                List.of(),
                lint(
                        List.of(
                                "Integer a = 1000; int b = 1000;",
                                "boolean same = a == b;",
                                "boolean eq = a.equals(b); String s = \"x\"; boolean ref = s =="
                                        + " s.intern();")));

        Path source = dir.resolve("Cmp.java");
        Files.writeString(source, "class Cmp { boolean f(Long x, Long y) { return x == y; } }");
        List<String> found = compile(List.of(source), dir);
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).contains("Cmp.java:1: [BoxedEquality]"), found.get(0));
    }

    /** javac with the lint over {@code sources}: one line per error. */
    private static List<String> compile(List<Path> sources, Path out) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files =
                javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options =
                    List.of(
                            "-Xplugin:" + BoxedEquality.NAME,
                            "--processor-path",
                            pluginPath,
                            "-implicit:none",
                            "-Xlint:none",
                            "-nowarn",
                            "--release",
                            "17",
                            "-encoding",
                            "UTF-8",
                            "-d",
                            out.toString(),
                            "-classpath",
                            System.getProperty("java.class.path"));
            javac.getTask(
                            null,
                            files,
                            diagnostics,
                            options,
                            null,
                            files.getJavaFileObjectsFromPaths(sources))
                    .call();
        }
        return diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(
                        d ->
                                Path.of(d.getSource().toUri()).getFileName()
                                        + ":"
                                        + d.getLineNumber()
                                        + ": "
                                        + d.getMessage(Locale.ROOT))
                .collect(Collectors.toList());
    }

    /**
     * Every snippet of every cell compiled in one JShell, in order; one line per rejected snippet.
     */
    static List<String> lint(List<String> cells) {
        List<String> found = new ArrayList<>();
        PrintStream silent = new PrintStream(OutputStream.nullOutputStream());
        try (JShell shell =
                JShell.builder()
                        .executionEngine(new CompileOnly(), Map.of())
                        .out(silent)
                        .err(silent)
                        .compilerOptions(
                                "-Xplugin:" + BoxedEquality.NAME, "--processor-path", pluginPath)
                        .build()) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                shell.addToClasspath(entry);
            }
            evaluate(shell, 0, KERNEL_IMPORTS, found);
            for (int i = 0; i < cells.size(); i++) {
                evaluate(shell, i + 1, cells.get(i), found);
            }
        }
        return found;
    }

    /** Splits a cell into snippets as JJava's CodeEvaluator does and compiles each. */
    private static void evaluate(JShell shell, int cell, String code, List<String> found) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        for (var info = analysis.analyzeCompletion(code);
                info.completeness().isComplete();
                info = analysis.analyzeCompletion(info.remaining())) {
            for (SnippetEvent event : shell.eval(info.source())) {
                if (event.status() == Snippet.Status.REJECTED) {
                    String why =
                            shell.diagnostics(event.snippet())
                                    .map(d -> d.getMessage(Locale.ROOT))
                                    .collect(Collectors.joining("; "));
                    found.add(
                            "cell "
                                    + cell
                                    + ": "
                                    + event.snippet().source().strip()
                                    + " -> "
                                    + why);
                }
            }
        }
    }

    private static List<String> codeCells(Path notebook) throws IOException {
        JsonObject nb = JsonUtils.GSON.fromJson(Files.readString(notebook), JsonObject.class);
        List<String> cells = new ArrayList<>();
        for (JsonElement cell : nb.getAsJsonArray("cells")) {
            JsonObject c = cell.getAsJsonObject();
            if ("code".equals(c.get("cell_type").getAsString())) {
                JsonElement source = c.get("source");
                cells.add(
                        source.isJsonArray()
                                ? String.join("", JsonUtils.GSON.fromJson(source, String[].class))
                                : source.getAsString());
            }
        }
        return cells;
    }

    /**
     * Loads each compiled snippet but runs none: notebooks are checked in seconds, without data.
     */
    private static final class CompileOnly implements ExecutionControlProvider {
        @Override
        public String name() {
            return "compile-only";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return new DirectExecutionControl() {
                @Override
                protected String invoke(Method doitMethod) {
                    return "";
                }
            };
        }
    }
}
