package dlcourse.bench;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import dlcourse.cnn.AlexNet;
import dlcourse.core.Seeds;
import dlcourse.data.FashionMnistData;
import dlcourse.train.Training;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Training speed of AlexNet on Fashion-MNIST in the settings notebook 01 uses: the course-sized
 * network at 28×28 (smoke and laptop profiles) and the lecture-scale network at 224×224 (full
 * profile). Reports images/s and the time one epoch of 60 000 images takes, and writes the table to
 * docs/benchmarks.md with the machine it ran on.
 *
 * <pre>make bench</pre>
 */
public final class AlexNetBenchmark {

    private record Setting(String name, Block net, int side, int batch, int images) {}

    private AlexNetBenchmark() {}

    public static void main(String[] args) throws IOException {
        List<Setting> settings =
                List.of(
                        new Setting(
                                "course-sized, 28×28 (smoke/laptop)",
                                AlexNet.courseSized().build(),
                                28,
                                128,
                                6_000),
                        new Setting(
                                "lecture-scale, 224×224 (full)",
                                AlexNet.builder().optClasses(10).optGroups(1).build(),
                                224,
                                64,
                                args.length > 0 ? Integer.parseInt(args[0]) : 640));
        List<String> rows = new ArrayList<>();
        for (Setting s : settings) {
            Seeds.fix(0);
            RandomAccessDataset train =
                    FashionMnistData.load(
                            Dataset.Usage.TRAIN,
                            s.batch(),
                            s.images(),
                            s.side() == 28 ? 0 : s.side(),
                            true);
            long start = System.nanoTime();
            try (Training.Result r =
                    Training.of(s.net(), new Shape(1, s.side(), s.side()))
                            .optName("bench")
                            .optEpochs(1)
                            .fit(train, null)) {
                double wall = (System.nanoTime() - start) / 1e9;
                double rate = r.last("images_per_s");
                rows.add(
                        String.format(
                                Locale.ROOT,
                                "| %s | %d | %d | %.0f | %.1f s | %s |",
                                s.name(),
                                s.batch(),
                                s.images(),
                                rate,
                                wall,
                                minutes(60_000 / rate)));
            }
        }
        String table =
                "| setting | batch | images timed | images/s | wall time | one epoch of 60 000 |\n"
                        + "|---|---|---|---|---|---|\n"
                        + String.join("\n", rows)
                        + "\n";
        System.out.println(table);
        Path out = Path.of(System.getProperty("dlcourse.home", ".")).resolve("docs/benchmarks.md");
        Files.createDirectories(out.getParent());
        Files.writeString(
                out,
                "# AlexNet training speed (`make bench`)\n\n"
                        + "Measured by `dlcourse.bench.AlexNetBenchmark` (training steps on real"
                        + " Fashion-MNIST through the course's training loop, Adam, data loading"
                        + " included).\n\n"
                        + "Machine:\n\n"
                        + "```\n"
                        + Machine.describe()
                        + "\n```\n\n"
                        + table);
        System.out.println("written to " + out);
    }

    private static String minutes(double seconds) {
        return seconds < 120
                ? String.format(Locale.ROOT, "%.0f s", seconds)
                : String.format(Locale.ROOT, "%.1f min", seconds / 60);
    }
}
