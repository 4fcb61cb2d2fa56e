package dlcourse.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.translate.TranslateException;
import dlcourse.core.Profile;
import dlcourse.data.FashionMnistData;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Fashion-MNIST held in memory as two tensors. A GAN draws thousands of small batches; reading
 * them one image at a time through the dataset pipeline costs more than the GAN step itself, so
 * the images are read once (in batches of 1000) and served from memory by an {@link ArrayDataset}.
 */
public final class TrainingImages {

    private TrainingImages() {}

    /** The training split at the profile's size (2 000 / 20 000 / 60 000), shuffled batches. */
    public static ArrayDataset fashionMnist(int batchSize, NDManager manager) {
        NDList t = tensors(Dataset.Usage.TRAIN, FashionMnistData.trainSize(Profile.current()), manager);
        return new ArrayDataset.Builder().setData(t.get(0)).optLabels(t.get(1)).setSampling(batchSize, true).build();
    }

    /** The first {@code limit} images of a split: (images (N, 1, 28, 28) in [0, 1], labels (N)). */
    public static NDList tensors(Dataset.Usage usage, int limit, NDManager manager) {
        RandomAccessDataset data = FashionMnistData.load(usage, 1000, limit, 0, false);
        NDList xs = new NDList();
        NDList ys = new NDList();
        try {
            for (Batch b : data.getData(manager)) {
                NDArray x = b.getData().head();
                NDArray y = b.getLabels().head();
                x.attach(manager); // keep them when the batch is closed
                y.attach(manager);
                xs.add(x);
                ys.add(y);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TranslateException e) {
            throw new IllegalStateException(e);
        }
        return new NDList(NDArrays.concat(xs), NDArrays.concat(ys));
    }
}
