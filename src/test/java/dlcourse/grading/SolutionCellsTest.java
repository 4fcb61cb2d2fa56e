package dlcourse.grading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The solution-cell rule on the shapes of cell that students write and on the ones that cheat (the
 * attacks of docs/grading.md): only the task's methods pass, everything else is named in the
 * answer.
 */
class SolutionCellsTest {

    private static final SolutionCells CELLS = new SolutionCells();

    private static final String REFERENCE =
            """
            /** Шаг LSTM. */
            NDList lstmStep(NDArray x, NDArray h, NDArray c) {
                // BEGIN SOLUTION
                return new NDList(x, h);
                // END SOLUTION
            }

            long denseParameters(int in, int out) {
                return (long) in * out + out;
            }
            """;

    private static final Set<SolutionCells.Signature> ALLOWED = CELLS.declaredMethods(REFERENCE);

    @AfterAll
    static void close() {
        CELLS.close();
    }

    private static String problem(String cell) {
        return CELLS.problem(cell, ALLOWED);
    }

    @Test
    void theReferenceDeclaresItsMethodsWithTheirParameterTypes() {
        assertEquals(
                Set.of(
                        new SolutionCells.Signature("lstmStep", "NDArray,NDArray,NDArray"),
                        new SolutionCells.Signature("denseParameters", "int,int")),
                ALLOWED);
    }

    @Test
    void aCellWithTheTasksMethodsPassesWhateverTheirBodies() {
        assertNull(problem(REFERENCE));
        assertNull(
                problem(
                        """
                        // мой вариант: только один из методов, с лямбдой внутри
                        NDList lstmStep(NDArray x, NDArray h, NDArray c) {
                            java.util.function.Function<NDArray, NDArray> twice = a -> a.mul(2);
                            String s = "Class.forName и setAccessible в строке не в счёт"; // и в комментарии: getClass().getMethod
                            return new NDList(twice.apply(x), h);
                        }
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
                    a variable named like the checks class | var Checks = new Object() { void ok(String s) {} };                  | объявлена переменная
                    a class                                | class Checks { static void ok(String s) {} }                          | объявлен тип
                    a top-level statement                  | System.out.println(1);                                                 | код вне метода
                    an initializer block                   | { System.out.println(1); }                                             | код вне метода
                    an import                              | import java.util.*;                                                    | импорт
                    a redefined helper                     | NDArray forward(Block b, NDArray x, boolean t) { return x; }           | задача просит только
                    a changed signature                    | NDList lstmStep(NDArray x, NDArray h) { return null; }                 | задача просит только
                    a line magic                           | %load /work/source.ipynb                                               | Магические команды
                    a magic after =                        | long denseParameters(int in, int out) { Object o =%jars /x; return 0; } | Магические команды
                    reflection                             | long denseParameters(int in, int out) { return getClass().getDeclaredFields().length; } | getDeclaredFields
                    a Unicode-escaped name                 | long denseParameters(int in, int out) { try { Class.\\u0066orName("X"); } catch (Exception e) {} return 0; } | forName
                    a method reference                     | long denseParameters(int in, int out) { java.util.function.Function<String, ?> f = System::getProperty; f = System::setProperty; return 0; } | setProperty
                    the kernel's JShell                    | long denseParameters(int in, int out) { jdk.jshell.JShell s = null; return 0; } | jdk
                    the kernel, statically imported         | long denseParameters(int in, int out) { kernel().getJShell(); return 0; } | kernel()
                    the kernel's eval                      | long denseParameters(int in, int out) { eval("var Checks = 1;"); return 0; } | eval()
                    a process                              | long denseParameters(int in, int out) { new ProcessBuilder("sh").start(); return 0; } | ProcessBuilder
                    """)
    void everythingElseIsRefusedWithAReason(String attack, String cell, String reason) {
        String problem = problem(cell);
        assertNotNull(problem, attack);
        assertTrue(problem.contains(reason), attack + ": " + problem);
    }

    @Test
    void namesOfTheKernelsFunctionsAreFineAsVariables() {
        assertNull(
                problem(
                        "long denseParameters(int in, int out) { int kernel = 3, eval = 1; return"
                                + " kernel * eval; }"));
    }

    @Test
    void aMethodDeclaredTwiceOrTogetherWithAStatementIsRefused() {
        String twice =
                "long denseParameters(int in, int out) { return 0; }\n"
                        + "long denseParameters(int in, int out) { return 1; }";
        assertTrue(problem(twice).contains("дважды"), problem(twice));
        String withStatement =
                "long denseParameters(int in, int out) { return 0; }\nSystem.exit(0);";
        assertNotNull(problem(withStatement));
    }

    @Test
    void aSyntaxErrorIsReportedWithItsLine() {
        String p = problem("long denseParameters(int in, int out) {\n    return in * out + out\n}");
        assertTrue(p.startsWith("ошибка компиляции: ';' expected (строка 2"), p);
    }

    @Test
    void theReferenceMayOnlyDeclareMethods() {
        assertThrows(IllegalArgumentException.class, () -> CELLS.declaredMethods("int x = 3;"));
    }

    @Test
    void theCommandLineAnswersEachRequest() {
        List<SolutionCells.Verdict> verdicts =
                CELLS.judge(
                        List.of(
                                new SolutionCells.Request("a", REFERENCE, REFERENCE),
                                new SolutionCells.Request("b", REFERENCE, "int x = 1;")));
        assertNull(verdicts.get(0).problem());
        assertEquals("b", verdicts.get(1).task());
        assertNotNull(verdicts.get(1).problem());
    }

    @Test
    void aCellTooDeepToParseIsRefusedAndTheOthersAreStillJudged() {
        String deep =
                "long denseParameters(int in, int out) {\n    return "
                        + "(".repeat(50_000)
                        + "1"
                        + ")".repeat(50_000)
                        + ";\n}";
        List<SolutionCells.Verdict> verdicts =
                CELLS.judge(
                        List.of(
                                new SolutionCells.Request("deep", REFERENCE, deep),
                                new SolutionCells.Request("next", REFERENCE, REFERENCE)));
        assertTrue(
                verdicts.get(0).problem().startsWith(SolutionCells.UNREADABLE),
                verdicts.get(0).problem());
        assertNull(verdicts.get(1).problem());
    }
}
