package dev.smok.runtime.data;

import dev.smok.ir.Shape;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/**
 * Image files (PNG, or anything else the JDK's ImageIO reads) as network inputs, following the
 * MNIST convention: grayscale, a light (white) digit on a dark (black) background, values scaled
 * to 0..1 with 1 for white. Colour images become grayscale by luminance (0.299 R + 0.587 G +
 * 0.114 B); transparent pixels count as black; the image is resized (area average when shrinking, bilinear when growing) to the network's
 * input height × width. A dark drawing on white paper needs {@code invert}. Networks with 3
 * input channels get R, G and B planes instead of gray.
 */
public final class Images {
    private Images() {}

    /**
     * Reads {@code file} as one sample of {@code inputShape}: channels × height × width (1 or 3
     * channels), or a flat vector whose size is a square (784 = 28 × 28).
     */
    public static float[] read(Path file, Shape inputShape, boolean invert) {
        int channels, h, w;
        if (inputShape.rank() == 3) {
            channels = inputShape.dim(0);
            h = inputShape.dim(1);
            w = inputShape.dim(2);
        } else if (inputShape.rank() == 1 && isSquare(inputShape.dim(0))) {
            channels = 1;
            h = w = (int) Math.round(Math.sqrt(inputShape.dim(0)));
        } else {
            throw new IllegalArgumentException("cannot feed an image to a network whose input is " + inputShape.pretty()
                    + " (expected channels x height x width or a square number of values)");
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("cannot feed an image to a network with " + channels + " input channels (1 or 3 only)");
        }
        BufferedImage img;
        try {
            if (!Files.isRegularFile(file)) throw new DataException("no image file " + file);
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new DataException("cannot read image " + file + ": " + e.getMessage());
        }
        if (img == null) throw new DataException(file + " is not an image the JDK can read (PNG, JPEG, GIF, BMP)");
        int iw = img.getWidth(), ih = img.getHeight();
        float[][] planes = planes(img, channels);
        float[] x = new float[channels * h * w];
        for (int k = 0; k < channels; k++) {
            float[] resized = resize(planes[k], iw, ih, w, h);
            for (int i = 0; i < h * w; i++) x[k * h * w + i] = invert ? 1 - resized[i] : resized[i];
        }
        return x;
    }

    /**
     * The image as {@code channels} planes of 0..1 values, alpha applied (transparent is black).
     * Gray images are read from the raster directly: {@code getRGB} would pass them through a
     * linear-to-sRGB conversion and brighten mid-tones.
     */
    private static float[][] planes(BufferedImage img, int channels) {
        int iw = img.getWidth(), ih = img.getHeight();
        float[][] p = new float[channels][iw * ih];
        java.awt.image.Raster raster = img.getRaster();
        boolean gray = !(img.getColorModel() instanceof java.awt.image.IndexColorModel) && raster.getNumBands() <= 2;
        for (int r = 0; r < ih; r++) {
            for (int c = 0; c < iw; c++) {
                float red, green, blue;
                if (gray) {
                    int bits = img.getColorModel().getComponentSize(0);
                    float max = (1 << bits) - 1;
                    float v = raster.getSample(c, r, 0) / max;
                    if (raster.getNumBands() == 2) v *= raster.getSample(c, r, 1) / ((1 << img.getColorModel().getComponentSize(1)) - 1f);
                    red = green = blue = v;
                } else {
                    int argb = img.getRGB(c, r);
                    float a = (argb >>> 24) / 255f;
                    red = ((argb >> 16) & 0xff) / 255f * a;
                    green = ((argb >> 8) & 0xff) / 255f * a;
                    blue = (argb & 0xff) / 255f * a;
                }
                int i = r * iw + c;
                if (channels == 1) p[0][i] = 0.299f * red + 0.587f * green + 0.114f * blue;
                else { p[0][i] = red; p[1][i] = green; p[2][i] = blue; }
            }
        }
        return p;
    }

    /** Resizes a plane: unchanged when the size matches, area average when shrinking, bilinear when growing. */
    static float[] resize(float[] src, int sw, int sh, int w, int h) {
        if (sw == w && sh == h) return src.clone();
        float[] out = new float[w * h];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                if (sw >= w && sh >= h) { // average the source pixels this target pixel covers
                    double y0 = (double) r * sh / h, y1 = (double) (r + 1) * sh / h, x0 = (double) c * sw / w, x1 = (double) (c + 1) * sw / w;
                    double sum = 0, area = 0;
                    for (int yy = (int) y0; yy < Math.min(sh, Math.ceil(y1)); yy++) {
                        double fy = Math.min(y1, yy + 1) - Math.max(y0, yy);
                        for (int xx = (int) x0; xx < Math.min(sw, Math.ceil(x1)); xx++) {
                            double f = fy * (Math.min(x1, xx + 1) - Math.max(x0, xx));
                            sum += f * src[yy * sw + xx];
                            area += f;
                        }
                    }
                    out[r * w + c] = (float) (sum / area);
                } else {
                    double sy = Math.clamp((r + 0.5) * sh / h - 0.5, 0, sh - 1), sx = Math.clamp((c + 0.5) * sw / w - 0.5, 0, sw - 1);
                    int y0 = (int) sy, x0 = (int) sx, y1 = Math.min(y0 + 1, sh - 1), x1 = Math.min(x0 + 1, sw - 1);
                    double fy = sy - y0, fx = sx - x0;
                    out[r * w + c] = (float) ((1 - fy) * ((1 - fx) * src[y0 * sw + x0] + fx * src[y0 * sw + x1])
                            + fy * ((1 - fx) * src[y1 * sw + x0] + fx * src[y1 * sw + x1]));
                }
            }
        }
        return out;
    }

    /** Writes one sample (values 0..1, {@code h} × {@code w}) as an 8-bit grayscale PNG (tests, debugging). */
    public static void writeGray(float[] x, int offset, int h, int w, Path file) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                int v = Math.clamp(Math.round(x[offset + r * w + c] * 255), 0, 255);
                img.getRaster().setSample(c, r, 0, v);
            }
        }
        if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer");
    }

    private static boolean isSquare(int n) {
        int s = (int) Math.round(Math.sqrt(n));
        return s * s == n;
    }
}
