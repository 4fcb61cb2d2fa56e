package dlcourse.superres;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import dlcourse.core.Profile;
import dlcourse.data.FashionMnistData;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fashion-MNIST as a super-resolution task: each example is an image shrunk by bicubic
 * down-sampling (the input) and the image itself (the target), both scaled to [−1, 1] as the
 * generator's tanh output is. ×2 turns 28×28 into 14×14. Train on the training split, measure on
 * the test split, at the current profile's sizes.
 */
public final class SuperResolutionData {

    private static final NDManager HELD = NDManager.newBaseManager();

    /** (low-res, original) by split, size and scale: made once, shared by every data set. */
    private static final Map<String, NDList> PAIRS = new ConcurrentHashMap<>();

    private SuperResolutionData() {}

    /** Training pairs (low-res, original), shuffled every epoch. */
    public static RandomAccessDataset train(int batchSize, int scale) {
        return pairs(
                Dataset.Usage.TRAIN,
                FashionMnistData.trainSize(Profile.current()),
                batchSize,
                scale,
                true);
    }

    /** Test pairs, in order. */
    public static RandomAccessDataset test(int batchSize, int scale) {
        return pairs(
                Dataset.Usage.TEST,
                FashionMnistData.testSize(Profile.current()),
                batchSize,
                scale,
                false);
    }

    /** Images in [0, 1] → their bicubic reduction by {@code scale}, to look at: in [0, 1]. */
    public static NDArray lowResolution(NDArray images, int scale) {
        return Bicubic.downsample(images, scale).clip(0, 1);
    }

    /** Images in [0, 1] → what a generator is given for them: the reduction, in [−1, 1]. */
    public static NDArray generatorInput(NDArray images, int scale) {
        return Bicubic.downsample(images.mul(2).sub(1), scale);
    }

    private static RandomAccessDataset pairs(
            Dataset.Usage usage, long limit, int batchSize, int scale, boolean shuffle) {
        NDList pair =
                PAIRS.computeIfAbsent(
                        usage + "/" + limit + "/" + scale,
                        key -> {
                            NDArray images = FashionMnistData.tensors(usage, limit, HELD).head();
                            return new NDList(generatorInput(images, scale), images.mul(2).sub(1));
                        });
        return new ArrayDataset.Builder()
                .setData(pair.get(0))
                .optLabels(pair.get(1))
                .setSampling(batchSize, shuffle)
                .build();
    }
}
