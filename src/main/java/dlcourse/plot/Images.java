package dlcourse.plot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dlcourse.core.Notebook;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Pictures of tensors: filters, feature maps and samples as a grid of grey tiles, shown inline as
 * PNG. Each tile is scaled to its own min..max, so both weights and pixels are visible.
 */
public final class Images {

    private static final int GAP = 2;
    private static final int CAPTION = 14;

    private Images() {}

    /**
     * A grid of images from a tensor {@code (N, H, W)}, {@code (N, 1, H, W)} or {@code (N, 3, H,
     * W)} (three channels are drawn in colour).
     *
     * @param images the tiles
     * @param columns tiles per row
     * @param scale pixels per tensor element (nearest-neighbour, so filters stay crisp)
     * @param captions one caption per tile, or null
     */
    public static BufferedImage grid(
            NDArray images, int columns, int scale, List<String> captions) {
        NDArray x = images.getShape().dimension() == 3 ? images.expandDims(1) : images;
        if (x.getShape().dimension() != 4
                || (x.getShape().get(1) != 1 && x.getShape().get(1) != 3)) {
            throw new IllegalArgumentException(
                    "ожидался тензор (N, H, W), (N, 1, H, W) или (N, 3, H, W), получен "
                            + images.getShape());
        }
        int n = (int) x.getShape().get(0);
        int channels = (int) x.getShape().get(1);
        int h = (int) x.getShape().get(2);
        int w = (int) x.getShape().get(3);
        float[] v = x.toType(DataType.FLOAT32, false).toFloatArray();
        int rows = (n + columns - 1) / columns;
        int caption = captions == null ? 0 : CAPTION;
        int tileW = w * scale;
        int tileH = h * scale + caption;
        BufferedImage img =
                new BufferedImage(
                        columns * (tileW + GAP) + GAP,
                        rows * (tileH + GAP) + GAP,
                        BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int size = channels * h * w;
        for (int k = 0; k < n; k++) {
            int offset = k * size;
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < size; i++) {
                lo = Math.min(lo, v[offset + i]);
                hi = Math.max(hi, v[offset + i]);
            }
            float range = hi > lo ? hi - lo : 1f;
            int x0 = GAP + (k % columns) * (tileW + GAP);
            int y0 = GAP + (k / columns) * (tileH + GAP);
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    int[] rgb = new int[3];
                    for (int ch = 0; ch < 3; ch++) {
                        int src = channels == 1 ? 0 : ch;
                        float val = (v[offset + src * h * w + r * w + c] - lo) / range;
                        rgb[ch] = Math.round(255 * val);
                    }
                    g.setColor(new Color(rgb[0], rgb[1], rgb[2]));
                    g.fillRect(x0 + c * scale, y0 + r * scale, scale, scale);
                }
            }
            if (captions != null && k < captions.size()) {
                g.setColor(Color.DARK_GRAY);
                g.drawString(captions.get(k), x0, y0 + h * scale + caption - 3);
            }
        }
        g.dispose();
        return img;
    }

    public static BufferedImage grid(NDArray images, int columns, int scale) {
        return grid(images, columns, scale, null);
    }

    /** PNG bytes of an image. */
    public static byte[] png(BufferedImage image) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Shows an image inline as PNG, under an optional title. */
    public static void show(BufferedImage image, String title) {
        String b64 = Base64.getEncoder().encodeToString(png(image));
        String text =
                "[изображение "
                        + image.getWidth()
                        + "×"
                        + image.getHeight()
                        + "] "
                        + (title == null ? "" : title);
        if (title != null) {
            Notebook.show(title, Map.of("text/markdown", "**" + title + "**"));
        }
        Notebook.show(text, Map.of("image/png", b64));
    }
}
