package dlcourse.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceDataTest {

    @Test
    void timeOrderedSplitHasNoOverlapAndNormalisesOnTrainOnly() {
        TimeSeries temps = TimeSeries.seattleTemperatures();
        assertEquals(8759, temps.length());
        TimeSeries.Split split = temps.split(0.8);
        TimeSeries.Windows train = split.trainWindows(48, 24, 1);
        TimeSeries.Windows valid = split.validWindows(48, 24, 1);
        int lastTrainIndex =
                train.targetStart()[train.size() - 1] + 23; // last target used in training
        int firstValidIndex = valid.targetStart()[0] - 48; // first input of validation
        assertTrue(lastTrainIndex < split.cut(), "training targets stay before the cut");
        assertTrue(firstValidIndex >= split.cut(), "validation inputs start at or after the cut");
        float[] v = temps.values();
        double mean = 0;
        for (int i = 0; i < split.cut(); i++) {
            mean += v[i];
        }
        assertEquals(mean / split.cut(), split.mean(), 1e-3);
        double allMean = 0;
        for (float x : v) {
            allMean += x;
        }
        assertTrue(
                Math.abs(allMean / v.length - split.mean()) > 0.1,
                "the mean must not be the whole series'");
    }

    @Test
    void windowsMatchTheSourceValues() {
        TimeSeries temps = TimeSeries.seattleTemperatures();
        assertEquals((39.4f - 32f) * 5f / 9f, temps.values()[0], 1e-5); // first CSV row, 39.4 °F
        TimeSeries.Split split = temps.split(0.8);
        TimeSeries.Windows valid = split.validWindows(48, 24, 5);
        float[] v = temps.values();
        for (int k : new int[] {0, 7, valid.size() - 1}) {
            int t = valid.targetStart()[k];
            float[] x = valid.x().get(k).toFloatArray();
            float[] y = valid.y().get(k).toFloatArray();
            for (int j = 0; j < 48; j++) {
                assertEquals(v[t - 48 + j], split.denormalise(x[j]), 1e-4);
            }
            for (int j = 0; j < 24; j++) {
                assertEquals(v[t + j], split.denormalise(y[j]), 1e-4);
            }
        }
        TimeSeries msft = TimeSeries.stock("MSFT");
        assertEquals(39.81f, msft.values()[0], 1e-6);
        assertEquals("Jan 1 2000", msft.time(0));
    }

    @Test
    void charTextEncodesAndBatchesContinue() throws Exception {
        CharText text = CharText.genesis();
        assertEquals(60, text.vocabSize());
        assertTrue(
                text.text().startsWith("In the beginning God created the heaven and the earth."));
        String s = "And God said, Let there be light";
        assertEquals(s, text.decode(text.encode(s)));
        int steps = 10;
        int batch = 4;
        try (NDManager m = NDManager.newBaseManager()) {
            ArrayDataset seq = text.sequentialBatches(steps, batch);
            List<float[]> xs = new ArrayList<>();
            List<float[]> ys = new ArrayList<>();
            for (Batch b : seq.getData(m)) {
                xs.add(b.getData().head().toFloatArray());
                ys.add(b.getLabels().head().toFloatArray());
                b.close();
                if (xs.size() == 2) {
                    break;
                }
            }
            int[] ids = text.encode(text.text());
            int stream = (text.text().length() - 1) / batch;
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < steps; j++) {
                    assertEquals(
                            ids[b * stream + j],
                            (int) xs.get(0)[b * steps + j]); // row b reads stream b
                    assertEquals(
                            ids[b * stream + j + 1],
                            (int) ys.get(0)[b * steps + j]); // target = next char
                    assertEquals(
                            ids[b * stream + steps + j],
                            (int) xs.get(1)[b * steps + j]); // next batch continues
                }
            }
            ArrayDataset random = text.randomBatches(steps, batch, 1);
            Batch first = random.getData(m).iterator().next();
            NDArray x = first.getData().head();
            NDArray y = first.getLabels().head();
            assertArrayEquals(x.get(":, 1:").toFloatArray(), y.get(":, :-1").toFloatArray());
            first.close();
        }
    }
}
