package dlcourse.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every loop makes its optimizer through {@link FitOptimizer}, whose close frees the state DJL
 * would leak. Each loop's own test asserts that no handle is left open after it (TrainingTest,
 * AdversarialTrainingTest, MonotoneFlowTest, ChecksTest); this one asserts that no loop goes round
 * the handle, and that the handle frees and counts.
 */
class FitOptimizerTest {

    /** A DJL optimizer or a trainer's configuration made without the handle. */
    private static final Pattern DIRECT =
            Pattern.compile(
                    "Optimizer\\.(adam|sgd|adagrad|adadelta|rmsprop|nag)\\(\\)"
                            + "|new DefaultTrainingConfig\\(");

    @Test
    void noLoopMakesAnOptimizerOutsideTheHandle() throws IOException {
        List<String> found;
        try (Stream<Path> files =
                Stream.of(Path.of("src/main/java"), Path.of("src/bench/java"))
                        .flatMap(FitOptimizerTest::javaFiles)) {
            found =
                    files.filter(p -> !p.endsWith("FitOptimizer.java"))
                            .filter(p -> DIRECT.matcher(read(p)).find())
                            .map(Path::toString)
                            .toList();
        }
        assertTrue(found.isEmpty(), "optimizers made outside FitOptimizer: " + found);
    }

    @Test
    void closingCountsOnceAndStartsTheOptimizerAfresh() {
        int before = FitOptimizer.open();
        FitOptimizer adam = FitOptimizer.adam(1e-3f);
        assertEquals(before + 1, FitOptimizer.open());
        adam.close();
        adam.close();
        assertEquals(before, FitOptimizer.open(), "close is idempotent");
        assertEquals(0, FitOptimizer.release(adam.optimizer()), "nothing left to free");
    }

    private static Stream<Path> javaFiles(Path root) {
        try {
            return Files.walk(root).filter(p -> p.toString().endsWith(".java")).toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
