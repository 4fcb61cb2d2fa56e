package dlcourse.data;

import ai.djl.basicdataset.cv.classification.FashionMnist;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.dataset.Batch;
import ai.djl.modality.cv.transform.Resize;
import ai.djl.modality.cv.transform.ToTensor;
import ai.djl.repository.Repository;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.translate.Pipeline;
import ai.djl.translate.TranslateException;
import dlcourse.core.Profile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fashion-MNIST (Zalando, 28×28 grey images of clothing, 10 classes) through DJL's own
 * {@link FashionMnist} class, read from the local repository that {@code make setup} builds
 * under {@code data/fashion-mnist} from Debian's {@code dataset-fashion-mnist}.
 *
 * <p>Images arrive as {@code (1, H, W)} floats in [0, 1]; labels as class indices.
 */
public final class FashionMnistData {

    /** Class names, in label order (English, as in the dataset, and Russian). */
    public static final List<String> CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final List<String> CLASSES_RU = List.of(
            "футболка", "брюки", "свитер", "платье", "пальто",
            "сандалия", "рубашка", "кроссовок", "сумка", "ботинок");

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
     * One split of Fashion-MNIST.
     *
     * @param usage TRAIN or TEST
     * @param batchSize images per batch
     * @param limit the first {@code limit} images of the split
     * @param resize side in pixels to resize to, or 0 to keep 28×28
     * @param shuffle whether to draw batches in random order
     */
    public static RandomAccessDataset load(Dataset.Usage usage, int batchSize, long limit, int resize,
            boolean shuffle) {
        Pipeline pipeline = new Pipeline();
        if (resize > 0) {
            pipeline.add(new Resize(resize, resize));
        }
        pipeline.add(new ToTensor());
        FashionMnist dataset = FashionMnist.builder()
                .optRepository(repository())
                .optUsage(usage)
                .optLimit(limit)
                .setSampling(batchSize, shuffle)
                .optPipeline(pipeline)
                .build();
        try {
            dataset.prepare();
        } catch (IOException e) {
            throw new UncheckedIOException("Не удалось прочитать Fashion-MNIST из " + root() + ": " + e.getMessage()
                    + ". Пересоздайте данные: make setup", e);
        } catch (TranslateException e) {
            throw new IllegalStateException(e);
        }
        return dataset;
    }

    /**
     * The first {@code n} test images and their labels, {@code (n, 1, 28, 28)} and {@code (n)},
     * attached to {@code manager}: examples to look at.
     */
    public static NDList examples(NDManager manager, int n) {
        RandomAccessDataset test = load(Dataset.Usage.TEST, n, n, 0, false);
        try (Batch batch = test.getData(manager).iterator().next()) {
            NDArray images = batch.getData().head();
            NDArray labels = batch.getLabels().head();
            images.attach(manager);
            labels.attach(manager);
            return new NDList(images, labels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TranslateException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Russian class names of a vector of labels, for captions. */
    public static List<String> namesOf(NDArray labels) {
        List<String> names = new ArrayList<>();
        for (float label : labels.toType(DataType.FLOAT32, false).toFloatArray()) {
            names.add(CLASSES_RU.get((int) label));
        }
        return names;
    }

    /** The local DJL repository with Fashion-MNIST, or an error that says how to make it. */
    public static Repository repository() {
        Path root = root();
        Path metadata = root.resolve("dataset/cv/ai/djl/basicdataset/fashmnist/metadata.json");
        if (!Files.isRegularFile(metadata)) {
            throw new IllegalStateException("Fashion-MNIST не найден: нет " + metadata + ".\n"
                    + "Подготовьте данные командой `make setup` (установит Debian-пакет dataset-fashion-mnist"
                    + " и разложит его в data/fashion-mnist) или только данные: `bash tools/prepare_data.sh`.");
        }
        return Repository.newInstance("fashion-mnist", root);
    }

    private static Path root() {
        return CourseData.path("fashion-mnist");
    }
}
