package dlcourse.data;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import dlcourse.core.CourseHome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;

/**
 * A text for character-level language models: its vocabulary (the distinct characters), encoding to
 * indices and back, and minibatches of (input, next-character target) sequences.
 *
 * <p>The course's text is the Book of Genesis in the King James Version (1611, public domain),
 * {@code data/genesis-kjv.txt}, made from Debian's {@code bible-kjv-text} by {@code
 * tools/extract_genesis.sh}: 196 818 characters, 60 distinct.
 */
public final class CharText {

    private static final NDManager DATA = NDManager.newBaseManager();

    private final String text;
    private final char[] vocab;
    private final int[] index = new int[Character.MAX_VALUE + 1];

    public CharText(String text) {
        this(text, distinct(text));
    }

    private CharText(String text, TreeSet<Character> set) {
        this.text = text;
        vocab = new char[set.size()];
        Arrays.fill(index, -1);
        int i = 0;
        for (char ch : set) {
            vocab[i] = ch;
            index[ch] = i++;
        }
    }

    private static TreeSet<Character> distinct(String text) {
        TreeSet<Character> set = new TreeSet<>();
        for (char ch : text.toCharArray()) {
            set.add(ch);
        }
        return set;
    }

    /** Genesis, King James Version (public domain). */
    public static CharText genesis() {
        try {
            return new CharText(Files.readString(CourseHome.path("genesis-kjv.txt")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String text() {
        return text;
    }

    public int vocabSize() {
        return vocab.length;
    }

    public char[] vocab() {
        return vocab.clone();
    }

    /** Character indices; characters outside the vocabulary are an error. */
    public int[] encode(String s) {
        int[] out = new int[s.length()];
        for (int i = 0; i < out.length; i++) {
            int k = index[s.charAt(i)];
            if (k < 0) {
                throw new IllegalArgumentException(
                        "символа '" + s.charAt(i) + "' нет в словаре текста");
            }
            out[i] = k;
        }
        return out;
    }

    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            sb.append(vocab[id]);
        }
        return sb.toString();
    }

    /**
     * The part between fractions {@code from} and {@code to} of the text, with this text's
     * vocabulary (for train/validation splits).
     */
    public CharText slice(double from, double to) {
        TreeSet<Character> set = new TreeSet<>();
        for (char ch : vocab) {
            set.add(ch);
        }
        return new CharText(
                text.substring((int) (text.length() * from), (int) (text.length() * to)), set);
    }

    /**
     * Random minibatches: the text cut into non-overlapping sequences of {@code steps} characters
     * from a random offset, served in random order. Inputs {@code (B, steps)}, targets the same
     * sequences shifted by one character.
     */
    public ArrayDataset randomBatches(int steps, int batch, long seed) {
        int offset = new Random(seed).nextInt(steps);
        int n = (text.length() - 1 - offset) / steps;
        int[] starts = new int[n];
        for (int k = 0; k < n; k++) {
            starts[k] = offset + k * steps;
        }
        return dataset(starts, steps, batch, true);
    }

    /**
     * Sequential minibatches: row b of batch k+1 continues row b of batch k in the text, so a model
     * may carry its state from one batch to the next. Served in order.
     */
    public ArrayDataset sequentialBatches(int steps, int batch) {
        int streamLength = (text.length() - 1) / batch; // each row reads its own contiguous stream
        int perStream = streamLength / steps;
        int[] starts = new int[perStream * batch];
        for (int k = 0; k < perStream; k++) {
            for (int b = 0; b < batch; b++) {
                starts[k * batch + b] = b * streamLength + k * steps;
            }
        }
        return dataset(starts, steps, batch, false);
    }

    private ArrayDataset dataset(int[] starts, int steps, int batch, boolean shuffle) {
        int[] ids = encode(text);
        float[] x = new float[starts.length * steps];
        float[] y = new float[starts.length * steps];
        for (int k = 0; k < starts.length; k++) {
            for (int j = 0; j < steps; j++) {
                x[k * steps + j] = ids[starts[k] + j];
                y[k * steps + j] = ids[starts[k] + j + 1];
            }
        }
        Shape s = new Shape(starts.length, steps);
        return new ArrayDataset.Builder()
                .setData(DATA.create(x, s))
                .optLabels(DATA.create(y, s))
                .setSampling(batch, shuffle)
                .build();
    }
}
