package dlcourse.grading;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.loss.Loss;
import dlcourse.core.Seeds;
import dlcourse.train.FitOptimizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/**
 * Each check passes on a right answer and fails, with a message naming both values, on a wrong one.
 */
class ChecksTest {

    private static Block mlp(int hidden) {
        return new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(hidden).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(3).build());
    }

    @Test
    void shapeNamesExpectedAndFound() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(2, 3));
            assertDoesNotThrow(() -> Checks.shape(x, new Shape(2, 3), "x"));
            CheckFailure e =
                    assertThrows(
                            CheckFailure.class, () -> Checks.shape(x, new Shape(3, 2), "выход"));
            assertEquals("Форма «выход»: ожидалась (3, 2), получена (2, 3).", e.getMessage());
            assertThrows(CheckFailure.class, () -> Checks.shape((NDArray) null, new Shape(1), "x"));
        }
    }

    @Test
    void countNamesTheTrueValueAsExpected() {
        assertDoesNotThrow(() -> Checks.count(62_378_344, 62_378_344, "AlexNet"));
        CheckFailure e =
                assertThrows(
                        CheckFailure.class, () -> Checks.count(62_378_345, 62_378_344, "AlexNet"));
        assertEquals(
                "«AlexNet»: ожидалось 62\u2009378\u2009344, получено 62\u2009378\u2009345 (разница"
                        + " +1).",
                e.getMessage());
    }

    @Test
    void accuracyJudgesTheModelNotItsReport() {
        try (NDManager manager = NDManager.newBaseManager();
                ai.djl.Model model = ai.djl.Model.newInstance("judged")) {
            // A linear "classifier" that copies its 3 inputs to 3 logits: it predicts the argmax of
            // each row.
            Block identity =
                    new SequentialBlock().add(Linear.builder().setUnits(3).optBias(false).build());
            identity.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 3));
            identity.getParameters().valueAt(0).getArray().set(manager.eye(3).toFloatArray());
            model.setBlock(identity);
            NDArray x = manager.create(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}});
            NDArray y = manager.create(new float[] {0, 1, 2, 2}); // the last one is wrong: 3 of 4
            assertEquals(0.75, Checks.accuracy(model, x, y, 0.75, "copy"), 1e-9);
            CheckFailure e =
                    assertThrows(
                            CheckFailure.class, () -> Checks.accuracy(model, x, y, 0.8, "copy"));
            assertEquals(
                    "Точность «copy» на отложенных данных (4 изображений) 75.0 %, а нужно не ниже"
                            + " 80 %.",
                    e.getMessage());
            try (ai.djl.Model empty = ai.djl.Model.newInstance("forged")) {
                empty.setBlock(new SequentialBlock().add(Linear.builder().setUnits(3).build()));
                e =
                        assertThrows(
                                CheckFailure.class,
                                () -> Checks.accuracy(empty, x, y, 0.1, "forged"));
                assertTrue(e.getMessage().contains("нет обученной сети"), e.getMessage());
            }
        }
    }

    @Test
    void parameterCountAndBudget() {
        // 4·8+8 + 8·3+3 = 67 weights for a 4-feature input
        assertEquals(67, Checks.parameterCount(mlp(8), new Shape(4), 67, "mlp"));
        CheckFailure e =
                assertThrows(
                        CheckFailure.class,
                        () -> Checks.parameterCount(mlp(8), new Shape(4), 60, "mlp"));
        assertEquals(
                "Число параметров «mlp»: ожидалось 60, получено 67 (разница +7).", e.getMessage());
        assertEquals(67, Checks.parameterBudget(mlp(8), new Shape(4), 67, "mlp"));
        e =
                assertThrows(
                        CheckFailure.class,
                        () -> Checks.parameterBudget(mlp(1000), new Shape(4), 1000, "mlp"));
        assertTrue(e.getMessage().contains("бюджет 1000, получено 8003"), e.getMessage());
    }

    @Test
    void closeNamesTheWorstElement() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray e = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            assertDoesNotThrow(() -> Checks.close(e.add(1e-6f), e, 1e-5, "a"));
            CheckFailure f =
                    assertThrows(
                            CheckFailure.class,
                            () ->
                                    Checks.close(
                                            m.create(new float[] {1, 2, 3, 4.5f}, new Shape(2, 2)),
                                            e,
                                            1e-3,
                                            "a"));
            assertTrue(
                    f.getMessage().contains("[1, 1]") && f.getMessage().contains("4.50000"),
                    f.getMessage());
            assertThrows(CheckFailure.class, () -> Checks.close(e.div(0), e, 1e-3, "nan"));
            assertThrows(CheckFailure.class, () -> Checks.close(e.reshape(4), e, 1e-3, "shape"));
            assertThrows(
                    CheckFailure.class,
                    () -> Checks.finite(m.create(new float[] {1, Float.NaN}), "nan"));
            assertThrows(CheckFailure.class, () -> Checks.close(1.0, 1.1, 0.01, "x"));
        }
    }

    @Test
    void trainableSeparatesALearnerFromADeadNetwork() {
        Seeds.fix(3);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(32, 4));
            NDArray y = x.get(":, 0").gt(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            Loss loss = Loss.softmaxCrossEntropyLoss();
            assertTrue(Checks.trainable(mlp(16), x, y, loss, 40, 0.01f, 0.6, "mlp") > 0);
            // A zero learning rate cannot lower the loss: the check must fail.
            CheckFailure f =
                    assertThrows(
                            CheckFailure.class,
                            () -> Checks.trainable(mlp(16), x, y, loss, 10, 0f, 0.9, "mlp"));
            assertTrue(f.getMessage().contains("не обучается"), f.getMessage());
        }
        assertEquals(0, FitOptimizer.open(), "a check, passed or failed, left its optimizer open");
    }

    @Test
    void passingChecksWriteNothingToStderr() {
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf));
        try (NDManager m = NDManager.newBaseManager()) {
            Checks.parameterCount(mlp(8), new Shape(4), 67, "mlp");
            Checks.close(m.ones(new Shape(2)), m.ones(new Shape(2)), 0, "x");
            Checks.ok("готово");
        } finally {
            System.setErr(err);
        }
        assertEquals("", buf.toString());
    }

    /** An NDArray of a solution's own making: the shapes {@code shape} gives, and no numbers. */
    private static NDArray noNumbers(java.util.function.Supplier<Shape> shape) {
        return (NDArray)
                java.lang.reflect.Proxy.newProxyInstance(
                        NDArray.class.getClassLoader(),
                        new Class<?>[] {NDArray.class},
                        (self, method, args) ->
                                switch (method.getName()) {
                                    case "getShape" -> shape.get();
                                    case "toType" -> self;
                                    case "toFloatArray" -> new float[0];
                                    case "toString" -> "no numbers";
                                    default ->
                                            throw new UnsupportedOperationException(
                                                    method.getName());
                                });
    }

    @Test
    void anArrayThatYieldsFewerNumbersThanItsShapeSaysFails() {
        try (NDManager m = NDManager.newBaseManager()) {
            // what a solution can return: an NDArray of its own whose shape is right and whose
            // data is empty, so that an element-by-element comparison finds nothing to differ
            NDArray empty = noNumbers(() -> new Shape(2, 2));
            NDArray expected = m.ones(new Shape(2, 2));
            CheckFailure close =
                    assertThrows(
                            CheckFailure.class, () -> Checks.close(empty, expected, 1e-6, "y"));
            assertTrue(close.getMessage().contains("отдал 0 чисел вместо 4"), close.getMessage());
            assertThrows(CheckFailure.class, () -> Checks.finite(empty, "y"));
            // one that tells the right shape when compared and none when its numbers are counted
            int[] asked = {0};
            NDArray shifty = noNumbers(() -> asked[0]++ == 0 ? new Shape(2, 2) : new Shape(0));
            assertThrows(CheckFailure.class, () -> Checks.close(shifty, expected, 1e-6, "y"));
        }
    }
}
