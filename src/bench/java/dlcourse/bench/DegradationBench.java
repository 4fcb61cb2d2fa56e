package dlcourse.bench;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import dlcourse.cnn.ResNet;
import dlcourse.core.Devices;
import dlcourse.core.Seeds;
import dlcourse.data.FashionMnistData;
import dlcourse.train.Training;
import java.util.Arrays;
import java.util.Locale;

/**
 * The degradation experiment of notebook 04 at a larger budget (docs/cnn.md): plain and residual
 * CIFAR-style networks (6n+2 layers, widths 16/32/64) on the same Fashion-MNIST images, training
 * error per epoch.
 *
 * <pre>
 * mvn -q -B test-compile exec:java -Dexec.mainClass=dlcourse.bench.DegradationBench \
 *     -Dexec.args="8 32" -Ddeg.epochs=4 -Ddeg.train=10000
 * </pre>
 */
public final class DegradationBench {

    private DegradationBench() {}

    public static void main(String[] args) {
        int[] depths =
                args.length > 0
                        ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
                        : new int[] {8, 32};
        int epochs = Integer.getInteger("deg.epochs", 4);
        int trainSize = Integer.getInteger("deg.train", 10_000);
        System.out.println(Devices.hardware());
        System.out.printf(
                Locale.ROOT,
                "depths %s, epochs %d, training images %d, Adam 1e-3, batch 64, seed 42%n",
                Arrays.toString(depths),
                epochs,
                trainSize);
        RandomAccessDataset train =
                FashionMnistData.load(Dataset.Usage.TRAIN, 64, trainSize, 0, true);
        for (ResNet.Variant variant :
                new ResNet.Variant[] {ResNet.Variant.PLAIN, ResNet.Variant.ORIGINAL}) {
            for (int depth : depths) {
                Seeds.fix(42);
                String name = (variant == ResNet.Variant.PLAIN ? "plain-" : "resnet-") + depth;
                long start = System.nanoTime();
                try (var r =
                        Training.of(
                                        ResNet.cifarStyle(depth).optVariant(variant).build(),
                                        new Shape(1, 28, 28))
                                .optName(name)
                                .optEpochs(epochs)
                                .optLearningRate(1e-3f)
                                .optQuiet()
                                .fit(train, null)) {
                    double[] error =
                            r.history().doubleColumn("train_acc").map(a -> 1 - a).asDoubleArray();
                    StringBuilder sb = new StringBuilder();
                    for (double e : error) {
                        sb.append(String.format(Locale.ROOT, " %.4f", e));
                    }
                    System.out.printf(
                            Locale.ROOT,
                            "RESULT %-10s training error per epoch:%s | %.1f min%n",
                            name,
                            sb,
                            (System.nanoTime() - start) / 60e9);
                }
            }
        }
    }
}
