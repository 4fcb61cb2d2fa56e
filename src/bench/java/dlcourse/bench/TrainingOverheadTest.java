package dlcourse.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Regression guard for the course's training loop (docs/performance.md): on the course-sized
 * AlexNet, {@link dlcourse.train.Training} over real Fashion-MNIST keeps most of the speed of the
 * training step alone on a batch in memory ({@link EngineStep}). Measured 0.92 on 2 cores; the
 * bound 0.75 leaves room for a noisy machine, and a change that doubles the loop's time per batch
 * against the step (ratio ≤ 0.46), such as reading or converting images one at a time again, fails
 * it.
 */
class TrainingOverheadTest {

    @Test
    void theTrainingLoopKeepsThreeQuartersOfTheStepAlonesSpeed() {
        PerformanceBench.Case alexNet = PerformanceBench.classifiers().get(0);
        double[] best = {0, 1};
        for (int attempt = 0;
                attempt < 2 && best[0] / best[1] < 0.75;
                attempt++) { // one retry for a noisy moment
            double[] r = PerformanceBench.loopAndStep(alexNet, 6_000);
            if (r[0] / r[1] > best[0] / best[1]) {
                best = r;
            }
        }
        double ratio = best[0] / best[1];
        assertTrue(
                ratio >= 0.75,
                String.format(
                        "training loop %.0f images/s vs the step alone %.0f: ratio %.2f < 0.75",
                        best[0], best[1], ratio));
    }
}
