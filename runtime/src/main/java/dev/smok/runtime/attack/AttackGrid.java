package dev.smok.runtime.attack;

import dev.smok.runtime.plot.Charts;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * The lecture's slide as a PNG: for each attacked image, the original and the attacked version
 * side by side, enlarged, the changed pixel circled, each captioned with the model's label.
 */
public final class AttackGrid {
    private AttackGrid() {}

    /** One attacked image: pixels (height·width, 0..1) and what the model said. */
    public record Item(float[] original, int trueLabel, float[] attacked, int attackedLabel, int x, int y) {}

    public static void write(Path file, List<Item> items, int height, int width, String[] classNames) {
        Charts.headless();
        int scale = 4, cell = Math.max(height, width) * scale, caption = 16, perRow = 4;
        int rows = (items.size() + perRow - 1) / perRow;
        BufferedImage img = new BufferedImage(perRow * (2 * cell + 12), Math.max(1, rows) * (cell + caption + 8), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            int ox = (i % perRow) * (2 * cell + 12), oy = (i / perRow) * (cell + caption + 8);
            draw(g, it.original(), height, width, scale, ox, oy);
            draw(g, it.attacked(), height, width, scale, ox + cell + 4, oy);
            g.setColor(Color.RED);
            g.drawOval(ox + cell + 4 + it.x() * scale - 3, oy + it.y() * scale - 3, scale + 6, scale + 6);
            g.setColor(Color.BLACK);
            g.drawString(classNames[it.trueLabel()], ox + 2, oy + cell + 12);
            g.setColor(new Color(0xd6, 0x27, 0x28));
            g.drawString(classNames[it.attackedLabel()], ox + cell + 6, oy + cell + 12);
        }
        g.dispose();
        Charts.writePng(img, file);
    }

    private static void draw(Graphics2D g, float[] px, int h, int w, int scale, int ox, int oy) {
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                int v = Math.round(255 * Math.max(0, Math.min(1, px[r * w + c])));
                g.setColor(new Color(v, v, v));
                g.fillRect(ox + c * scale, oy + r * scale, scale, scale);
            }
        }
    }
}
