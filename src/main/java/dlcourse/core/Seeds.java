package dlcourse.core;

import ai.djl.engine.Engine;
import ai.djl.util.RandomUtils;

/**
 * Fixes every random source a run uses: weight initialisation, dropout, batch order.
 *
 * <p>A notebook fixes its seeds ({@code Seeds.fix(42)}), so one run is reproducible. A seed study
 * ({@code tools/seed_study.py}) runs the same notebook again as replicates 1, 2, …: the environment
 * variable {@code DL_SEED_REPLICATE} (or system property {@code dl.seed.replicate}) = r moves every
 * seed the notebook fixes to seed + 1000·r, and nothing else, so that a figure the notebook prints
 * can be given as a mean and spread over seeds by the code that printed it.
 */
public final class Seeds {

    /** The environment variable that selects the replicate of a seed study (default 0). */
    public static final String REPLICATE = "DL_SEED_REPLICATE";

    private Seeds() {}

    /** Fixes every random source from {@code seed} (moved by the replicate, see above). */
    public static void fix(long seed) {
        fixExactly(seed + 1000L * replicate());
    }

    /**
     * Fixes every random source from {@code seed} in every replicate: for an instrument that the
     * replicates must share (the classifier that judges generated images).
     */
    public static void fixExactly(long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        RandomUtils.RANDOM.setSeed(seed);
    }

    /** The replicate of a seed study this run is (0: a plain run). */
    public static int replicate() {
        String value = System.getProperty("dl.seed.replicate", System.getenv(REPLICATE));
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    REPLICATE + "=" + value + " не распознан: нужен номер повтора, 0, 1, 2, …", e);
        }
    }
}
