package dev.smok.runtime.plot;

import dev.smok.runtime.io.CheckpointWriter;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * What every Smok chart shares: the series colours (the first four of matplotlib's "tab10",
 * so plots look familiar next to Python ones), and writing one or more rendered charts side by
 * side as one PNG. Rendering uses XChart on a {@link BufferedImage} and needs no display; run
 * with {@code -Djava.awt.headless=true} (the {@code ./smok} launcher and the tests do, and
 * {@link #headless()} sets it when nothing else has touched AWT yet).
 */
public final class Charts {
    private Charts() {}

    /** Colour of the first series (blue, #1f77b4): "train" in training plots. */
    public static final Color BLUE = new Color(0x1f, 0x77, 0xb4);
    /** Colour of the second series (orange, #ff7f0e): "test" in training plots. */
    public static final Color ORANGE = new Color(0xff, 0x7f, 0x0e);
    /** Colour of the third series (green, #2ca02c). */
    public static final Color GREEN = new Color(0x2c, 0xa0, 0x2c);
    /** Colour of the fourth series (red, #d62728). */
    public static final Color RED = new Color(0xd6, 0x27, 0x28);

    /** The series colours in order; series past the fourth repeat them. */
    public static final List<Color> SERIES_COLORS = List.of(BLUE, ORANGE, GREEN, RED);

    /** Colour of series {@code i}. */
    public static Color color(int i) { return SERIES_COLORS.get(i % SERIES_COLORS.size()); }

    /** Asks AWT for headless mode unless the property was set explicitly. */
    public static void headless() {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** Places {@code images} left to right on a white background. */
    public static BufferedImage sideBySide(List<BufferedImage> images) {
        int w = 0, h = 0;
        for (BufferedImage i : images) { w += i.getWidth(); h = Math.max(h, i.getHeight()); }
        BufferedImage out = new BufferedImage(Math.max(w, 1), Math.max(h, 1), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        int x = 0;
        for (BufferedImage i : images) { g.drawImage(i, x, 0, null); x += i.getWidth(); }
        g.dispose();
        return out;
    }

    /** Writes {@code image} as a PNG file, atomically (a reader never sees half a file). */
    public static void writePng(BufferedImage image, Path file) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", bytes)) throw new IOException("no PNG writer in this JDK");
            CheckpointWriter.writeAtomically(file, bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plot " + file + ": " + e.getMessage(), e);
        }
    }
}
