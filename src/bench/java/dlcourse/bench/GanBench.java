package dlcourse.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import dlcourse.core.Devices;
import dlcourse.core.Profile;
import dlcourse.core.Seeds;
import dlcourse.data.FashionMnistData;
import dlcourse.gan.AdversarialTraining;
import dlcourse.gan.ConditionalGan;
import dlcourse.gan.Dcgan;
import dlcourse.gan.FashionClassifier;
import dlcourse.gan.GanMetrics;
import dlcourse.gan.GanModel;
import dlcourse.gan.InfoGan;
import dlcourse.plot.Images;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The numbers in docs/gan.md: DCGAN, conditional GAN and InfoGAN on Fashion-MNIST, judged by the
 * independent classifier. Sizes follow DL_PROFILE; {@code GAN_STEPS} overrides the generator steps.
 * Sample grids go to build/gan/*.png.
 *
 * <pre>
 * DL_PROFILE=laptop mvn -q -B test-compile exec:java -Dexec.mainClass=dlcourse.bench.GanBench
 * </pre>
 */
public final class GanBench {

    private GanBench() {}

    public static void main(String[] args) throws Exception {
        Profile p = Profile.current();
        int steps =
                Integer.parseInt(
                        System.getenv()
                                .getOrDefault(
                                        "GAN_STEPS", String.valueOf(p.pick(100, 1500, 6000))));
        int width = p.pick(16, 32, 64);
        String which = args.length > 0 ? args[0] : "all";
        int n = p.pick(500, 2000, 5000);
        Path out = Path.of("build/gan");
        Files.createDirectories(out);
        System.out.printf(
                Locale.ROOT,
                "profile %s, %s, %d generator steps, width %d, batch 64%n",
                p,
                Devices.hardware(),
                steps,
                width);
        long t0 = System.nanoTime();
        FashionClassifier judge = FashionClassifier.shared();
        System.out.printf(
                Locale.ROOT,
                "classifier: test accuracy %.4f (%.0f s)%n",
                judge.testAccuracy(),
                (System.nanoTime() - t0) / 1e9);
        try (NDManager m = NDManager.newBaseManager()) {
            RandomAccessDataset train = FashionMnistData.train(64);
            NDArray real = FashionMnistData.tensors(Dataset.Usage.TEST, n, m).head();
            NDArray real2 = FashionMnistData.tensors(Dataset.Usage.TRAIN, n, m).head();
            System.out.printf(
                    Locale.ROOT,
                    "Fréchet distance real test vs real train (baseline): %.2f%n",
                    judge.frechet(real, real2));
            if (which.equals("all") || which.equals("dcgan")) {
                dcgan(
                        Dcgan.builder().optWidth(width).optLatentDim(64).build(),
                        train,
                        steps,
                        judge,
                        real,
                        m,
                        out);
            }
            if (which.equals("all") || which.equals("cgan")) {
                cgan(ConditionalGan.dcgan(10, width, 64), train, steps, judge, m, out);
            }
            if (which.equals("all") || which.equals("infogan")) {
                infogan(InfoGan.dcgan(width, 62), train, steps, judge, m, out);
            }
        }
        System.out.printf(Locale.ROOT, "total wall time %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** A training run that prints its state every 250 generator steps. */
    static AdversarialTraining startLogged(GanModel gan) {
        AdversarialTraining t = AdversarialTraining.of(gan).optLogEvery(50).start();
        t.every(
                250,
                (step, tr) -> {
                    if (step > 0) {
                        System.out.println("  " + tr.lastLine());
                    }
                });
        return t;
    }

    /** Trains for {@code steps} generator steps; returns the wall time in seconds. */
    static double timedFit(AdversarialTraining t, RandomAccessDataset train, int steps)
            throws Exception {
        long t0 = System.nanoTime();
        t.fit(train, steps);
        return (System.nanoTime() - t0) / 1e9;
    }

    static void dcgan(
            GanModel gan,
            RandomAccessDataset train,
            int steps,
            FashionClassifier judge,
            NDArray real,
            NDManager m,
            Path out)
            throws Exception {
        Seeds.fix(1);
        int n = (int) real.getShape().get(0);
        try (AdversarialTraining t = startLogged(gan)) {
            double fdInit = judge.frechet(real, t.sample(m, n));
            double sec = timedFit(t, train, steps);
            NDArray samples = t.sample(m, n);
            double fd = judge.frechet(real, samples);
            int[] pred = judge.predict(samples);
            System.out.printf(
                    Locale.ROOT,
                    "DCGAN: %d steps in %.0f s; Fréchet distance untrained %.2f -> trained %.2f;"
                            + " class-coverage entropy %.3f bits (max %.3f)%n",
                    steps,
                    sec,
                    fdInit,
                    fd,
                    GanMetrics.classCoverageEntropy(pred, 10),
                    Math.log(10) / Math.log(2));
            System.out.println("  " + t.lastLine());
            Files.write(
                    out.resolve("dcgan.png"), Images.png(Images.grid(samples.get(":64"), 8, 2)));
        }
    }

    static void cgan(
            GanModel gan,
            RandomAccessDataset train,
            int steps,
            FashionClassifier judge,
            NDManager m,
            Path out)
            throws Exception {
        Seeds.fix(2);
        try (AdversarialTraining t = startLogged(gan)) {
            double sec = timedFit(t, train, steps);
            int per = 100;
            NDArray classes = m.arange(0, 10, 1, DataType.INT32).repeat(per);
            NDArray x =
                    t.generate(
                            m.randomNormal(new Shape(10L * per, gan.latentDim())),
                            new NDList(ConditionalGan.oneHot(classes, 10)));
            int[][] conf = GanMetrics.confusion(classes.toIntArray(), judge.predict(x), 10, 10);
            double[] acc = GanMetrics.perClassAccuracy(conf);
            NDList test =
                    FashionMnistData.tensors(
                            Dataset.Usage.TEST, FashionMnistData.testSize(Profile.current()), m);
            double[] real =
                    GanMetrics.perClassAccuracy(
                            GanMetrics.confusion(
                                    test.get(1).toType(DataType.INT32, false).toIntArray(),
                                    judge.predict(test.get(0)),
                                    10,
                                    10));
            System.out.printf(
                    Locale.ROOT,
                    "cGAN: %d steps in %.0f s; requested-class accuracy mean %.3f%n",
                    steps,
                    sec,
                    Arrays.stream(acc).average().orElse(0));
            System.out.println("  class        cGAN samples  real test images (same classifier)");
            for (int c = 0; c < 10; c++) {
                System.out.printf(
                        Locale.ROOT,
                        "  %-12s %.2f          %.2f%n",
                        FashionMnistData.CLASSES.get(c),
                        acc[c],
                        real[c]);
            }
            System.out.println("  " + t.lastLine());
            NDArray grid =
                    t.generate(
                            m.randomNormal(new Shape(80, gan.latentDim())),
                            new NDList(
                                    ConditionalGan.oneHot(
                                            m.arange(0, 10, 1, DataType.INT32).tile(8), 10)));
            Files.write(out.resolve("cgan.png"), Images.png(Images.grid(grid, 10, 2)));
        }
    }

    static void infogan(
            GanModel gan,
            RandomAccessDataset train,
            int steps,
            FashionClassifier judge,
            NDManager m,
            Path out)
            throws Exception {
        Seeds.fix(3);
        try (AdversarialTraining t = startLogged(gan)) {
            double sec = timedFit(t, train, steps);
            int per = 100;
            NDArray codes = m.arange(0, 10, 1, DataType.INT32).repeat(per);
            NDArray x =
                    t.generate(
                            m.randomNormal(new Shape(10L * per, gan.latentDim())),
                            new NDList(
                                    codes.oneHot(10),
                                    m.randomUniform(-1f, 1f, new Shape(10L * per, 2))));
            int[][] conf = GanMetrics.confusion(codes.toIntArray(), judge.predict(x), 10, 10);
            double[] match = GanMetrics.bestMatching(conf);
            System.out.printf(
                    Locale.ROOT,
                    "InfoGAN: %d steps in %.0f s; categorical code purity %.3f, best one-to-one"
                        + " matching accuracy %.3f (chance 0.10); mutual-information term %.3f%n",
                    steps,
                    sec,
                    GanMetrics.purity(conf),
                    match[0],
                    t.history().doubleColumn("extra").get(t.history().rowCount() - 1));
            System.out.println(
                    "  code -> class: " + Arrays.toString(Arrays.copyOfRange(match, 1, 11)));
            System.out.println("  " + t.lastLine());
            NDArray z = m.randomNormal(new Shape(1, gan.latentDim())).repeat(0, 80);
            NDArray cat = m.arange(0, 10, 1, DataType.INT32).repeat(8).oneHot(10);
            NDArray c1 = m.linspace(-1f, 1f, 8).tile(10).reshape(80, 1);
            NDArray grid =
                    t.generate(
                            z,
                            new NDList(
                                    cat,
                                    ai.djl.ndarray.NDArrays.concat(
                                            new NDList(c1, c1.zerosLike()), 1)));
            Files.write(out.resolve("infogan.png"), Images.png(Images.grid(grid, 8, 2)));
        }
    }
}
