package dlcourse.data;

import ai.djl.basicdataset.cv.classification.FashionMnist;
import ai.djl.modality.cv.transform.Resize;
import ai.djl.modality.cv.transform.ToTensor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.repository.Repository;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.SequenceSampler;
import ai.djl.translate.Pipeline;
import ai.djl.translate.TranslateException;
import dlcourse.core.CourseHome;
import dlcourse.core.Profile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fashion-MNIST (Zalando, 28×28 grey images of clothing, 10 classes) through DJL's own {@link
 * FashionMnist} class, from the local repository that {@code make setup} describes under {@code
 * data/fashion-mnist} (Debian's {@code dataset-fashion-mnist}).
 *
 * <p>Images arrive as {@code (1, H, W)} floats in [0, 1]; labels as class indices.
 *
 * <p>Each split is read once per JVM (and once more per resized side) and kept in memory as two
 * tensors; every {@code load} serves batches from them. Reading again on every call would leave a
 * new copy of the split (190 MB for the training images) in native memory each time a notebook cell
 * that loads data is re-run.
 */
public final class FashionMnistData {

    /** Class names, in label order (English, as in the dataset, and Russian). */
    public static final List<String> CLASSES =
            List.of(
                    "T-shirt/top",
                    "Trouser",
                    "Pullover",
                    "Dress",
                    "Coat",
                    "Sandal",
                    "Shirt",
                    "Sneaker",
                    "Bag",
                    "Ankle boot");

    public static final List<String> CLASSES_RU =
            List.of(
                    "футболка",
                    "брюки",
                    "свитер",
                    "платье",
                    "пальто",
                    "сандалия",
                    "рубашка",
                    "кроссовок",
                    "сумка",
                    "ботинок");

    /** Whole splits, as read: (usage, side) → (images (N, 1, side, side), labels (N)). */
    private static final Map<String, NDList> SPLITS = new ConcurrentHashMap<>();

    /**
     * Owns the held splits for the life of the JVM; created on first use (it starts the engine).
     */
    private static final class Held {
        static final NDManager MANAGER = NDManager.newBaseManager();
    }

    private FashionMnistData() {}

    /** The training split at the size of the current profile, shuffled every epoch. */
    public static RandomAccessDataset train(int batchSize) {
        return train(batchSize, 0);
    }

    /** The same, resized to {@code side}×{@code side} pixels (0 keeps 28×28). */
    public static RandomAccessDataset train(int batchSize, int side) {
        return load(Dataset.Usage.TRAIN, batchSize, trainSize(Profile.current()), side, true);
    }

    /** The test split at the size of the current profile, in order. */
    public static RandomAccessDataset test(int batchSize) {
        return test(batchSize, 0);
    }

    /** The same, resized to {@code side}×{@code side} pixels (0 keeps 28×28). */
    public static RandomAccessDataset test(int batchSize, int side) {
        return load(Dataset.Usage.TEST, batchSize, testSize(Profile.current()), side, false);
    }

    /** Training images per profile: 2 000 (smoke), 20 000 (laptop), all 60 000 (full). */
    public static int trainSize(Profile p) {
        return p.pick(2_000, 20_000, 60_000);
    }

    /** Test images per profile: 1 000 (smoke), all 10 000 otherwise. */
    public static int testSize(Profile p) {
        return p.pick(1_000, 10_000, 10_000);
    }

    /**
     * One split of Fashion-MNIST, in batches.
     *
     * @param usage TRAIN or TEST
     * @param batchSize images per batch
     * @param limit the first {@code limit} images of the split
     * @param resize side in pixels to resize to, or 0 to keep 28×28
     * @param shuffle whether to draw batches in random order
     */
    public static RandomAccessDataset load(
            Dataset.Usage usage, int batchSize, long limit, int resize, boolean shuffle) {
        NDList images = first(usage, resize, limit);
        return new ArrayDataset.Builder()
                .setData(images.get(0))
                .optLabels(images.get(1))
                .setSampling(batchSize, shuffle)
                .build();
    }

    /**
     * The first {@code limit} images of a split and their labels, {@code (n, 1, 28, 28)} in [0, 1]
     * and {@code (n)}, attached to {@code manager} (closing it does not disturb the held split).
     */
    public static NDList tensors(Dataset.Usage usage, long limit, NDManager manager) {
        NDList out = first(usage, 0, limit);
        out.attach(manager);
        return out;
    }

    /**
     * The first {@code n} test images and their labels, {@code (n, 1, 28, 28)} and {@code (n)},
     * attached to {@code manager}: examples to look at.
     */
    public static NDList examples(NDManager manager, int n) {
        return tensors(Dataset.Usage.TEST, n, manager);
    }

    /** Views (no copy) of the first {@code limit} images of the held split and of their labels. */
    private static NDList first(Dataset.Usage usage, int side, long limit) {
        NDList split = split(usage, side);
        NDIndex first = new NDIndex(":{}", Math.min(limit, split.head().getShape().get(0)));
        return new NDList(split.get(0).get(first), split.get(1).get(first));
    }

    /** The whole split, read through DJL's {@link FashionMnist} on first use and kept. */
    private static NDList split(Dataset.Usage usage, int side) {
        return SPLITS.computeIfAbsent(
                usage + "/" + side,
                key -> {
                    Pipeline pipeline = new Pipeline();
                    if (side > 0) {
                        pipeline.add(new Resize(side, side));
                    }
                    pipeline.add(new ToTensor()); // (28, 28, 1) 0…255 → (1, 28, 28) 0…1
                    try (NDManager reading = NDManager.newBaseManager()) {
                        FashionMnist dataset =
                                FashionMnist.builder()
                                        .optManager(reading)
                                        .optRepository(repository())
                                        .optUsage(usage)
                                        .optPipeline(pipeline)
                                        .setSampling(1, false)
                                        .build();
                        dataset.prepare();
                        // one batch of the whole split: DJL serves an ArrayDataset by bulk indexing
                        // and applies
                        // the pipeline to the batch at once
                        var sampler =
                                new BatchSampler(
                                        new SequenceSampler(),
                                        Math.toIntExact(dataset.size()),
                                        false);
                        try (Batch all = dataset.getData(reading, sampler).iterator().next()) {
                            NDList split =
                                    new NDList(
                                            all.getData().head(),
                                            all.getLabels().head().toType(DataType.FLOAT32, false));
                            split.attach(Held.MANAGER);
                            return split;
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(
                                "Не удалось прочитать Fashion-MNIST из "
                                        + root()
                                        + ": "
                                        + e.getMessage()
                                        + ". Пересоздайте данные: make setup",
                                e);
                    } catch (TranslateException e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    /** Russian class names of a vector of labels, for captions. */
    public static List<String> namesOf(NDArray labels) {
        List<String> names = new ArrayList<>();
        for (float label : labels.toType(DataType.FLOAT32, false).toFloatArray()) {
            names.add(CLASSES_RU.get((int) label));
        }
        return names;
    }

    /**
     * The local DJL repository with Fashion-MNIST, or an error that says how to make it. Its {@code
     * metadata.json} (written by {@code tools/prepare_data.sh}) names the gzipped files by absolute
     * URIs: DJL's first {@code prepare()} copies them into its cache and every read comes from
     * there — the one path that behaves the same with an empty and with a warm cache (the script
     * says why relative URIs do not).
     */
    public static Repository repository() {
        Path root = root();
        Path metadata = root.resolve("dataset/cv/ai/djl/basicdataset/fashmnist/metadata.json");
        if (!Files.isRegularFile(metadata)) {
            throw new IllegalStateException(
                    "Fashion-MNIST не найден: нет "
                            + metadata
                            + ".\n"
                            + "Подготовьте данные командой `make setup` (установит Debian-пакет"
                            + " dataset-fashion-mnist и разложит его в data/fashion-mnist) или"
                            + " только данные: `bash tools/prepare_data.sh`.");
        }
        return Repository.newInstance("fashion-mnist", root);
    }

    private static Path root() {
        return CourseHome.path("fashion-mnist");
    }

    /**
     * Fills DJL's caches — the PyTorch engine's native library and both splits — so that later runs
     * only read them: the grader does this before it starts kernels whose caches are read-only.
     */
    public static void main(String[] args) {
        for (Dataset.Usage usage : new Dataset.Usage[] {Dataset.Usage.TRAIN, Dataset.Usage.TEST}) {
            first(usage, 0, 1);
        }
        System.out.println(
                "DJL caches ready: " + ai.djl.engine.Engine.getInstance().getEngineName());
    }
}
