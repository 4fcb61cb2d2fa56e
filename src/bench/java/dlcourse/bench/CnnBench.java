package dlcourse.bench;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.loss.Loss;
import dlcourse.cnn.AuxiliaryLoss;
import dlcourse.cnn.GoogLeNet;
import dlcourse.cnn.ResNet;
import dlcourse.cnn.Vgg;
import dlcourse.core.Devices;
import dlcourse.core.Profile;
import dlcourse.core.Seeds;
import dlcourse.data.FashionMnistData;
import dlcourse.train.Training;
import java.util.Locale;

/**
 * Fashion-MNIST test accuracy of the course-sized VGG-11, GoogLeNet and ResNet-18 (docs/cnn.md).
 *
 * <pre>
 * DL_PROFILE=full mvn -q -B test-compile exec:java -Dexec.mainClass=dlcourse.bench.CnnBench \
 *     -Dexec.args="vgg googlenet resnet18" -Dcnn.epochs=3 -Dcnn.train=60000
 * </pre>
 *
 * Epochs and training-set size default to the profile (Training's epochs; FashionMnistData's
 * sizes); {@code -Dcnn.epochs.googlenet=1} overrides the epochs of one model.
 */
public final class CnnBench {

    private CnnBench() {}

    public static void main(String[] args) {
        Profile p = Profile.current();
        int epochs = Integer.getInteger("cnn.epochs", p.pick(1, 5, 20));
        int trainSize = Integer.getInteger("cnn.train", FashionMnistData.trainSize(p));
        String[] models = args.length > 0 ? args : new String[] {"vgg", "googlenet", "resnet18"};
        System.out.println(p.banner());
        System.out.println(Devices.hardware());
        System.out.printf(
                Locale.ROOT,
                "epochs %d, training images %d, test images %d%n",
                epochs,
                trainSize,
                FashionMnistData.testSize(p));
        for (String name : models) {
            int modelEpochs = Integer.getInteger("cnn.epochs." + name, epochs);
            Seeds.fix(42);
            int side = name.equals("vgg") ? 32 : 28;
            Block net =
                    switch (name) {
                        case "vgg" -> Vgg.courseSized().build();
                        case "googlenet" -> GoogLeNet.courseSized().build();
                        case "resnet18" -> ResNet.courseSized(18).build();
                        default ->
                                throw new IllegalArgumentException(
                                        "vgg | googlenet | resnet18, not " + name);
                    };
            Loss loss =
                    name.equals("googlenet")
                            ? AuxiliaryLoss.paper()
                            : Loss.softmaxCrossEntropyLoss();
            RandomAccessDataset train =
                    FashionMnistData.load(
                            Dataset.Usage.TRAIN, 128, trainSize, side == 28 ? 0 : side, true);
            RandomAccessDataset test =
                    FashionMnistData.load(
                            Dataset.Usage.TEST,
                            256,
                            FashionMnistData.testSize(p),
                            side == 28 ? 0 : side,
                            false);
            long start = System.nanoTime();
            try (var r =
                    Training.of(net, new Shape(1, side, side))
                            .optName(name)
                            .optEpochs(modelEpochs)
                            .optLearningRate(1e-3f)
                            .optLoss(loss)
                            .optQuiet()
                            .fit(train, test)) {
                double minutes = (System.nanoTime() - start) / 60e9;
                System.out.printf(
                        Locale.ROOT,
                        "RESULT %-10s test accuracy %.4f, train accuracy %.4f, %d epochs, "
                                + "%.1f min, %.0f img/s%n",
                        name,
                        r.testAccuracy(),
                        r.trainAccuracy(),
                        modelEpochs,
                        minutes,
                        r.history().doubleColumn("images_per_s").mean());
            }
        }
    }
}
