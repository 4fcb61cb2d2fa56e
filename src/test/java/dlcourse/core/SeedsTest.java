package dlcourse.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** A seed study's replicate r moves every seed a notebook fixes by 1000·r, and nothing else. */
class SeedsTest {

    @Test
    void aReplicateMovesTheSeedAndAPlainRunDoesNot() {
        float[] plain = draw(() -> Seeds.fix(5));
        assertArrayEquals(plain, draw(() -> Seeds.fixExactly(5)), "replicate 0 is the plain run");
        System.setProperty("dl.seed.replicate", "2");
        try {
            assertEquals(2, Seeds.replicate());
            float[] second = draw(() -> Seeds.fix(5));
            assertArrayEquals(draw(() -> Seeds.fixExactly(2005)), second, "seed + 1000·r");
            assertFalse(
                    java.util.Arrays.equals(plain, second), "the replicate draws other numbers");
            assertArrayEquals(plain, draw(() -> Seeds.fixExactly(5)), "an instrument's seed stays");
            assertTrue(Profile.LAPTOP.banner().startsWith("Повтор 2"), "the notebook says so");
        } finally {
            System.clearProperty("dl.seed.replicate");
        }
    }

    @Test
    void aReplicateThatIsNotANumberIsAnError() {
        System.setProperty("dl.seed.replicate", "two");
        try {
            assertThrows(IllegalArgumentException.class, Seeds::replicate);
        } finally {
            System.clearProperty("dl.seed.replicate");
        }
    }

    private static float[] draw(Runnable seeding) {
        seeding.run();
        try (NDManager m = NDManager.newBaseManager()) {
            float[] engine = m.randomNormal(new Shape(3)).toFloatArray();
            return new float[] {
                engine[0], engine[1], engine[2], ai.djl.util.RandomUtils.RANDOM.nextFloat()
            };
        }
    }
}
