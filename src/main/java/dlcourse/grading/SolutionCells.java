package dlcourse.grading;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreeScanner;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import jdk.jshell.JShell;
import jdk.jshell.MethodSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.SourceCodeAnalysis;

/**
 * The rule for a graded solution cell, checked by the grader before the cell reaches a kernel: the
 * cell may only declare the methods that its task asks for — the names and parameter types of the
 * methods in the instructor's solution cell. Variables, classes, statements, imports, magics and
 * redefinitions of the notebook's locked names are refused, because a test cell could then call the
 * student's stand-in instead of the real thing (a variable named {@code Checks}, a new {@code
 * forward} helper). Method bodies may not name the parts of Java that reach into the kernel itself
 * (reflection, class loading, the JShell and kernel APIs, processes, native libraries, redirected
 * standard streams).
 *
 * <p>The cell is split into snippets by JShell's own {@link SourceCodeAnalysis} — the snippets the
 * kernel would evaluate — and each snippet is parsed by javac as a class member, so that the
 * verdict depends on syntax only, never on whether a name happens to resolve here. Nothing is
 * compiled against the library and nothing runs.
 *
 * <p>Used by {@code tools/grade.py}: {@code java dlcourse.grading.SolutionCells < cells.json} reads
 * a JSON list of {@code {"task", "reference", "cell"}} and writes a list of {@code {"task",
 * "problem"}}, where {@code problem} is {@code null} for an acceptable cell or says, in Russian,
 * what to change.
 */
public final class SolutionCells implements AutoCloseable {

    /**
     * Names that no solution of the course needs and that give a cell's code power over the kernel
     * it runs in: identifiers and member names, as the parser sees them (comments and strings do
     * not count; Unicode escapes are decoded first).
     */
    static final Set<String> FORBIDDEN =
            Set.of(
                    // reflection, method handles, class loading, instrumentation
                    "reflect",
                    "invoke",
                    "instrument",
                    "getMethod",
                    "getMethods",
                    "getDeclaredMethod",
                    "getDeclaredMethods",
                    "getField",
                    "getFields",
                    "getDeclaredField",
                    "getDeclaredFields",
                    "getConstructor",
                    "getConstructors",
                    "getDeclaredConstructor",
                    "getDeclaredConstructors",
                    "setAccessible",
                    "trySetAccessible",
                    "forName",
                    "MethodHandles",
                    "MethodHandle",
                    "VarHandle",
                    "ClassLoader",
                    "getClassLoader",
                    "getContextClassLoader",
                    "setContextClassLoader",
                    "defineClass",
                    "ClassLoaderUtils",
                    "ServiceLoader",
                    "Proxy",
                    "Unsafe",
                    "sun",
                    // the kernel and its JShell
                    "jdk",
                    "JShell",
                    "SnippetEvent",
                    "onSnippetEvent",
                    "getJShell",
                    "JJava",
                    "IJava",
                    "dflib",
                    "getKernelInstance",
                    "JavaNotebookStatics",
                    "BaseNotebookStatics",
                    // processes, native code, the JVM's global state
                    "ProcessBuilder",
                    "ProcessHandle",
                    "exec",
                    "loadLibrary",
                    "setOut",
                    "setErr",
                    "setIn",
                    "setSecurityManager",
                    "setProperty",
                    "setProperties",
                    "clearProperty");

    /**
     * Where JJava would see a line magic and replace the line with a call before JShell sees it
     * (its own pattern, {@code JavaKernelBuilder}: {@code %name} at a line's start or after {@code
     * =}).
     */
    static final java.util.regex.Pattern LINE_MAGIC =
            java.util.regex.Pattern.compile(
                    "(?<=(?:^|=))\\s*%\\w", java.util.regex.Pattern.MULTILINE);

    /**
     * Functions that JJava imports statically into every notebook and that reach the kernel: called
     * without a qualifier, these names are refused (as variables or parameters they are fine: a
     * convolution's {@code kernel}).
     */
    static final Set<String> FORBIDDEN_CALLS = Set.of("kernel", "eval", "lineMagic", "cellMagic");

    /** A method as JShell identifies it: its name and its parameter types as written. */
    record Signature(String name, String parameterTypes) {
        @Override
        public String toString() {
            return name + "(" + parameterTypes.replace(",", ", ") + ")";
        }
    }

    /** The verdict on a cell that the parser cannot take apart (nested too deep, for example). */
    static final String UNREADABLE =
            "Ячейку решения не удалось разобрать: упростите её (меньше вложенных скобок и"
                    + " выражений)";

    /** One question: may {@code cell} stand in the place of the task's {@code reference} cell? */
    record Request(String task, String reference, String cell) {}

    /** The answer: {@code problem} is null when the cell is acceptable. */
    record Verdict(String task, String problem) {}

    private final JShell shell = JShell.builder().executionEngine("local").build();
    private final SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
    private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();

    /** The methods a reference solution cell declares (the task's allowed signatures). */
    Set<Signature> declaredMethods(String reference) {
        Set<Signature> methods = new LinkedHashSet<>();
        for (String snippet : snippets(reference)) {
            for (Snippet s : analysis.sourceToSnippets(snippet)) {
                if (s instanceof MethodSnippet m) {
                    methods.add(new Signature(m.name(), m.parameterTypes()));
                } else {
                    throw new IllegalArgumentException(
                            "the reference solution cell has a "
                                    + s.kind()
                                    + " snippet; a solution cell may only declare methods: "
                                    + snippet.strip());
                }
            }
        }
        return methods;
    }

    /**
     * Null when {@code cell} only declares methods of {@code allowed}; otherwise what to change.
     */
    String problem(String cell, Set<Signature> allowed) {
        java.util.regex.Matcher magic = LINE_MAGIC.matcher(cell);
        if (magic.find()) {
            return "Магические команды ядра ("
                    + firstLine(cell.substring(magic.start()).strip())
                    + ") в ячейке решения запрещены.";
        }
        Set<Signature> declared = new LinkedHashSet<>();
        for (String snippet : snippets(cell)) {
            List<Snippet> parsed = analysis.sourceToSnippets(snippet);
            Snippet.Kind kind = parsed.size() == 1 ? parsed.get(0).kind() : Snippet.Kind.ERRONEOUS;
            if (kind != Snippet.Kind.METHOD && kind != Snippet.Kind.ERRONEOUS) {
                return refusal(allowed, describe(kind), snippet);
            }
            String parseError = syntaxError(snippet);
            if (parseError != null) {
                return parseError;
            }
            List<Tree> members = members(snippet);
            if (members.size() != 1 || !(members.get(0) instanceof MethodTree method)) {
                return refusal(
                        allowed,
                        members.isEmpty() ? "нет объявления" : "не объявление метода",
                        snippet);
            }
            Signature signature =
                    parsed.get(0) instanceof MethodSnippet m
                            ? new Signature(m.name(), m.parameterTypes())
                            : null;
            if (signature == null || !allowed.contains(signature)) {
                return "В ячейке решения объявлен метод "
                        + (signature == null ? method.getName() : signature)
                        + ", а задача просит только "
                        + list(allowed)
                        + ". Не меняйте имена и типы параметров заготовки и не объявляйте других"
                        + " методов: вспомогательный код пишите внутри метода (например, лямбдой).";
            }
            if (!declared.add(signature)) {
                return "Метод "
                        + signature
                        + " объявлен в ячейке решения дважды: оставьте одно объявление.";
            }
            Set<String> forbidden = forbiddenNames(method);
            if (!forbidden.isEmpty()) {
                return "В методе "
                        + signature
                        + " используется "
                        + String.join(", ", forbidden)
                        + ": решению это не нужно, а при оценке запрещено (рефлексия, загрузка"
                        + " классов, API ядра и JShell, процессы, системные потоки и свойства).";
            }
        }
        return null;
    }

    /** The cell as JShell splits it into snippets (the last one may be incomplete). */
    private List<String> snippets(String cell) {
        List<String> out = new ArrayList<>();
        String rest = cell;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            if (info.source() == null
                    || info.source().isBlank()
                    || !info.completeness().isComplete()) {
                out.add(rest);
                break;
            }
            out.add(info.source());
            rest = info.remaining();
        }
        return out;
    }

    /** javac's first syntax error for {@code snippet} as the members of a class, or null. */
    private String syntaxError(String snippet) {
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        parse(snippet, diagnostics);
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                long line = d.getLineNumber() - 1; // the wrapper's first line is "class Cell {"
                return "ошибка компиляции: "
                        + d.getMessage(Locale.ROOT)
                        + (line >= 1
                                ? " (строка " + line + " фрагмента «" + firstLine(snippet) + "»)"
                                : "");
            }
        }
        return null;
    }

    private List<Tree> members(String snippet) {
        CompilationUnitTree unit = parse(snippet, new DiagnosticCollector<>());
        return new ArrayList<>(((ClassTree) unit.getTypeDecls().get(0)).getMembers());
    }

    private CompilationUnitTree parse(
            String snippet, DiagnosticCollector<JavaFileObject> diagnostics) {
        JavaFileObject file =
                new SimpleJavaFileObject(
                        URI.create("string:///Cell.java"), JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return "class Cell {\n" + snippet + "\n}\n";
                    }
                };
        try {
            JavacTask task =
                    (JavacTask)
                            javac.getTask(
                                    null,
                                    null,
                                    diagnostics,
                                    List.of("-proc:none"),
                                    null,
                                    List.of(file));
            return task.parse().iterator().next();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Set<String> forbiddenNames(Tree tree) {
        Set<String> found = new TreeSet<>();
        new TreeScanner<Void, Void>() {
            @Override
            public Void visitIdentifier(IdentifierTree node, Void unused) {
                note(node.getName().toString());
                return super.visitIdentifier(node, unused);
            }

            @Override
            public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
                if (node.getMethodSelect() instanceof IdentifierTree name
                        && FORBIDDEN_CALLS.contains(name.getName().toString())) {
                    found.add(name.getName() + "()");
                }
                return super.visitMethodInvocation(node, unused);
            }

            @Override
            public Void visitMemberSelect(MemberSelectTree node, Void unused) {
                note(node.getIdentifier().toString());
                return super.visitMemberSelect(node, unused);
            }

            @Override
            public Void visitMemberReference(MemberReferenceTree node, Void unused) {
                note(node.getName().toString());
                return super.visitMemberReference(node, unused);
            }

            private void note(String name) {
                if (FORBIDDEN.contains(name)) {
                    found.add(name);
                }
            }
        }.scan(tree, null);
        return found;
    }

    private static String refusal(Set<Signature> allowed, String what, String snippet) {
        return "В ячейке решения можно только объявить метод(ы) "
                + list(allowed)
                + ", а здесь "
                + what
                + ": «"
                + firstLine(snippet)
                + "». Перенесите этот код внутрь метода.";
    }

    private static String describe(Snippet.Kind kind) {
        return switch (kind) {
            case VAR -> "объявлена переменная";
            case TYPE_DECL -> "объявлен тип";
            case IMPORT -> "импорт (нужные импорты уже есть в первой ячейке)";
            default -> "код вне метода";
        };
    }

    private static String list(Set<Signature> allowed) {
        return allowed.stream()
                .map(Signature::toString)
                .reduce((a, b) -> a + ", " + b)
                .orElse("(никакие)");
    }

    private static String firstLine(String snippet) {
        String s = snippet.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " …";
    }

    public List<Verdict> judge(List<Request> requests) {
        List<Verdict> verdicts = new ArrayList<>();
        for (Request r : requests) {
            String problem;
            try {
                problem = problem(r.cell(), declaredMethods(r.reference()));
            } catch (StackOverflowError | InternalError | RuntimeException e) {
                // The parsers recurse on nesting (JShell wraps the overflow in an InternalError):
                // a cell nested too deep to parse is refused, and the batch's other cells are
                // still judged.
                problem = UNREADABLE + " (" + e.getClass().getSimpleName() + ").";
            }
            verdicts.add(new Verdict(r.task(), problem));
        }
        return verdicts;
    }

    @Override
    public void close() {
        shell.close();
    }

    public static void main(String[] args) throws Exception {
        Gson gson = new GsonBuilder().serializeNulls().create();
        try (Reader in = new InputStreamReader(System.in, StandardCharsets.UTF_8);
                Writer out = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
                SolutionCells cells = new SolutionCells()) {
            Request[] requests = gson.fromJson(in, Request[].class);
            gson.toJson(cells.judge(List.of(requests)), out);
        }
    }
}
