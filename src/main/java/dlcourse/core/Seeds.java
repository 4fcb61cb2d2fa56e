package dlcourse.core;

import ai.djl.engine.Engine;
import ai.djl.util.RandomUtils;

/** Fixes every random source a run uses: weight initialisation, dropout, batch order. */
public final class Seeds {

    private Seeds() {}

    public static void fix(long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        RandomUtils.RANDOM.setSeed(seed);
    }
}
