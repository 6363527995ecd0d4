/*
 * BarChart: the report's PNG — grouped bars, one group per workload, one bar per system with
 * numbers, height = speed relative to the fastest system on that workload. Plain java.awt
 * drawing into a BufferedImage, headless.
 */
package dev.smok.harness.report;

import dev.smok.harness.BenchRunner.Row;
import dev.smok.harness.Workload;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Renders a {@link BenchReport} as a PNG bar chart. */
public final class BarChart {
    private BarChart() {}

    private static final Color[] PALETTE = {
        new Color(0xD6, 0x4F, 0x1F), new Color(0x8C, 0x8C, 0x8C), new Color(0x1F, 0x77, 0xB4), new Color(0x2C, 0xA0, 0x2C),
        new Color(0x94, 0x67, 0xBD), new Color(0xE3, 0xB5, 0x0C), new Color(0x17, 0xBE, 0xCF), new Color(0x8C, 0x56, 0x4B)};

    /** Writes the chart of {@code report} to {@code file} (PNG). */
    public static void write(BenchReport report, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = render(report);
        if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
        if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer available");
    }

    /** The chart as an image. */
    public static BufferedImage render(BenchReport report) {
        List<Workload> workloads = report.workloads();
        List<String> systems = report.systemNames();
        int groupWidth = Math.max(90, systems.size() * 18 + 20);
        int left = 70, top = 60, plotH = 320, bottom = 150;
        int width = Math.max(640, left + workloads.size() * groupWidth + 30);
        int height = top + plotH + bottom;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("Smok bench '" + report.suite() + "': speed relative to the fastest system (1 = fastest)", left, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(report.date() + " — " + report.machine(), left, 43);
        // axes and grid
        g.setColor(new Color(0xDD, 0xDD, 0xDD));
        for (int i = 0; i <= 4; i++) {
            int y = top + plotH - i * plotH / 4;
            g.drawLine(left, y, width - 20, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%.2f", i / 4.0), left - 35, y + 4);
            g.setColor(new Color(0xDD, 0xDD, 0xDD));
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.2f));
        g.drawLine(left, top, left, top + plotH);
        g.drawLine(left, top + plotH, width - 20, top + plotH);
        int barW = Math.max(6, (groupWidth - 20) / Math.max(1, systems.size()));
        for (int wi = 0; wi < workloads.size(); wi++) {
            Workload w = workloads.get(wi);
            double fastest = Double.MAX_VALUE;
            for (String s : systems) {
                Row r = report.row(w, s);
                if (r != null && r.ok()) fastest = Math.min(fastest, r.summary().median());
            }
            int x0 = left + wi * groupWidth + 10;
            for (int si = 0; si < systems.size(); si++) {
                Row r = report.row(w, systems.get(si));
                int x = x0 + si * barW;
                if (r == null || !r.ok()) continue;
                double rel = fastest / r.summary().median();
                int h = (int) Math.round(rel * plotH);
                g.setColor(PALETTE[si % PALETTE.length]);
                g.fillRect(x, top + plotH - h, barW - 2, h);
            }
            g.setColor(Color.BLACK);
            drawRotated(g, w.id(), x0 + groupWidth / 2 - 10, top + plotH + 8);
        }
        // legend
        int ly = height - 22, lx = left;
        for (int si = 0; si < systems.size(); si++) {
            g.setColor(PALETTE[si % PALETTE.length]);
            g.fillRect(lx, ly - 10, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(systems.get(si), lx + 16, ly);
            lx += 24 + g.getFontMetrics().stringWidth(systems.get(si));
        }
        g.dispose();
        return img;
    }

    private static void drawRotated(Graphics2D g, String text, int x, int y) {
        var saved = g.getTransform();
        g.translate(x, y);
        g.rotate(Math.PI / 4);
        g.drawString(text, 0, 0);
        g.setTransform(saved);
    }
}
