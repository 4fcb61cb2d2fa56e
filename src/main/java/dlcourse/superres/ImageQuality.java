package dlcourse.superres;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * How close reconstructed images are to their originals, and how sharp they are. Images (N, C, H,
 * W) with values in [0, 1]; every figure is a mean over the N images of each image's value.
 *
 * <ul>
 *   <li>PSNR, peak signal-to-noise ratio: 10·log₁₀(1 / MSE) in dB, the paper's first measure;
 *   <li>SSIM, structural similarity (Wang, Bovik, Sheikh, Simoncelli, 2004): local means, variances
 *       and covariance under an 11×11 Gaussian window with σ = 1.5, constants C₁ = 0.01², C₂ =
 *       0.03², averaged over the positions where the window fits (as the authors' reference code
 *       does);
 *   <li>high-frequency energy: the mean square of the image's Laplacian (the 3×3 kernel 0 1 0 / 1
 *       −4 1 / 0 1 0), which blurring lowers: an image as sharp as its original has about the
 *       original's.
 * </ul>
 */
public final class ImageQuality {

    private static final double C1 = 0.01 * 0.01;
    private static final double C2 = 0.03 * 0.03;

    private ImageQuality() {}

    /** Mean PSNR in dB of images against their originals. */
    public static double psnr(NDArray images, NDArray originals) {
        NDArray mse = perImage(images.sub(originals).square());
        return mse.log10().mul(-10).mean().toType(DataType.FLOAT64, false).getDouble();
    }

    /** Mean SSIM of images against their originals, 1 for identical images. */
    public static double ssim(NDArray images, NDArray originals) {
        NDArray x = Bicubic.perChannel(images), y = Bicubic.perChannel(originals);
        NDArray w = gaussian(x, 11, 1.5);
        NDArray mx = filter(x, w), my = filter(y, w);
        NDArray vx = filter(x.square(), w).sub(mx.square());
        NDArray vy = filter(y.square(), w).sub(my.square());
        NDArray cxy = filter(x.mul(y), w).sub(mx.mul(my));
        NDArray luminance = mx.mul(my).mul(2).add(C1).div(mx.square().add(my.square()).add(C1));
        NDArray structure = cxy.mul(2).add(C2).div(vx.add(vy).add(C2));
        return perImage(luminance.mul(structure))
                .mean()
                .toType(DataType.FLOAT64, false)
                .getDouble();
    }

    /** Mean square of the Laplacian per image, averaged over images. */
    public static double highFrequencyEnergy(NDArray images) {
        NDArray x = Bicubic.perChannel(images);
        float[] k = {0, 1, 0, 1, -4, 1, 0, 1, 0};
        NDArray laplacian =
                x.getManager().create(k, new Shape(1, 1, 3, 3)).toType(x.getDataType(), false);
        return perImage(filter(x, laplacian).square())
                .mean()
                .toType(DataType.FLOAT64, false)
                .getDouble();
    }

    /** The mean over every axis but the first. */
    private static NDArray perImage(NDArray x) {
        return x.reshape(x.getShape().get(0), -1).mean(new int[] {1});
    }

    /** Correlation with a (1, 1, k, k) kernel where it fits ("valid"). */
    private static NDArray filter(NDArray x, NDArray kernel) {
        return Conv2d.conv2d(x, kernel, null).head();
    }

    /** A normalised k×k Gaussian window, in x's manager and type. */
    private static NDArray gaussian(NDArray x, int k, double sigma) {
        double[] w = new double[k * k];
        double sum = 0;
        int c = k / 2;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                w[i * k + j] =
                        Math.exp(-((i - c) * (i - c) + (j - c) * (j - c)) / (2 * sigma * sigma));
                sum += w[i * k + j];
            }
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= sum;
        }
        return x.getManager().create(w, new Shape(1, 1, k, k)).toType(x.getDataType(), false);
    }
}
