package dlcourse.rnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import dlcourse.data.CharText;
import java.util.Random;

/**
 * A character-level language model: one-hot characters → recurrent layer → a linear layer giving
 * the next character's scores at every step, {@code (B, T) -> (B, T, V)}. Trained with softmax
 * cross-entropy on the next character; judged by perplexity exp(mean cross-entropy) (V for a
 * uniform guess, 1 for a perfect one); used by sampling one character at a time.
 */
public final class CharLanguageModel {

    private CharLanguageModel() {}

    /** Character indices (B, T) → one-hot vectors (B, T, V). */
    private static NDArray oneHot(NDArray indices, int vocabSize) {
        return indices.toType(DataType.INT64, false)
                .oneHot(vocabSize)
                .toType(DataType.FLOAT32, false);
    }

    public static SequentialBlock of(Block recurrent, int vocabSize) {
        return new SequentialBlock()
                .add(new LambdaBlock(x -> new NDList(oneHot(x.head(), vocabSize)), "oneHot"))
                .add(recurrent) // -> (B, T, H)
                .add(Linear.builder().setUnits(vocabSize).build()); // -> (B, T, V)
    }

    /**
     * Softmax cross-entropy over every position: scores {@code (B, T, V)}, targets {@code (B, T)}.
     */
    public static Loss loss() {
        Loss ce = Loss.softmaxCrossEntropyLoss();
        return new Loss("charCrossEntropy") {
            @Override
            public NDArray evaluate(NDList labels, NDList predictions) {
                NDArray scores = predictions.head();
                long v = scores.getShape().get(scores.getShape().dimension() - 1);
                return ce.evaluate(
                        new NDList(labels.head().reshape(-1)), new NDList(scores.reshape(-1, v)));
            }
        };
    }

    /** exp(mean next-character cross-entropy) over a dataset of (input, target) sequences. */
    public static double perplexity(Block net, ArrayDataset data, NDManager manager) {
        Loss ce = loss();
        double sum = 0;
        int batches = 0;
        try {
            for (Batch b : data.getData(manager)) {
                try (b) {
                    NDArray logits =
                            net.forward(new ParameterStore(manager, false), b.getData(), false)
                                    .head();
                    sum += ce.evaluate(b.getLabels(), new NDList(logits)).getFloat();
                    batches++;
                }
            }
        } catch (java.io.IOException | ai.djl.translate.TranslateException e) {
            throw new IllegalStateException(e);
        }
        return Math.exp(sum / batches);
    }

    /**
     * Generates {@code length} characters after {@code prefix}: each next character is drawn from
     * softmax(scores / temperature) given the last {@code context} characters. Low temperature →
     * the likeliest characters, repetitive; high → more varied and more mistakes.
     */
    public static String sample(
            Block net,
            CharText text,
            String prefix,
            int length,
            double temperature,
            int context,
            Random random,
            NDManager manager) {
        StringBuilder out = new StringBuilder(prefix);
        try (NDManager m = manager.newSubManager()) {
            for (int n = 0; n < length; n++) {
                String tail = out.substring(Math.max(0, out.length() - context));
                int[] ids = text.encode(tail);
                float[] f = new float[ids.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = ids[i];
                }
                NDArray x = m.create(f, new Shape(1, f.length));
                NDArray scores =
                        net.forward(new ParameterStore(m, false), new NDList(x), false)
                                .head()
                                .get(new NDIndex("0, -1, :")); // (V)
                float[] p = scores.div(temperature).softmax(0).toFloatArray();
                out.append(text.vocab()[draw(p, random)]);
            }
        }
        return out.toString();
    }

    private static int draw(float[] p, Random random) {
        double u = random.nextDouble();
        double acc = 0;
        for (int i = 0; i < p.length; i++) {
            acc += p[i];
            if (u < acc) {
                return i;
            }
        }
        return p.length - 1;
    }
}
