package dev.smok.runtime.plot;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/**
 * A grouped bar chart drawn with XChart: one bar per category for each series, for example
 * images per second (y) of each backend (series) on each model (categories). Series take
 * colours from {@link Charts#SERIES_COLORS} in the order they are added; the y axis may be
 * logarithmic when values span decades.
 *
 * <pre>{@code
 * new BarChart("throughput", "model", "images/s", List.of("mlp", "lenet5"))
 *     .series("smok", 41000, 9000).series("pytorch", 38000, 12000).savePng(Path.of("bench.png"), 800, 500);
 * }</pre>
 */
public final class BarChart {
    private record Series(String name, double[] values, java.awt.Color color) {}

    private final String title, xLabel, yLabel;
    private final List<String> categories;
    private final List<Series> series = new ArrayList<>();
    private boolean logY;

    public BarChart(String title, String xLabel, String yLabel, List<String> categories) {
        if (categories.isEmpty()) throw new IllegalArgumentException("a bar chart needs at least one category");
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.categories = List.copyOf(categories);
    }

    /** Uses a base-10 logarithmic y axis (values must then be positive). */
    public BarChart logY(boolean on) { logY = on; return this; }

    /** Adds a series with one value per category, in the next palette colour. */
    public BarChart series(String name, double... values) { return series(name, Charts.color(series.size()), values); }

    /** Adds a series with one value per category in {@code color}. */
    public BarChart series(String name, java.awt.Color color, double... values) {
        if (values.length != categories.size()) {
            throw new IllegalArgumentException("series '" + name + "' has " + values.length + " values for " + categories.size() + " categories");
        }
        series.add(new Series(name, values.clone(), color));
        return this;
    }

    /** Draws the chart at {@code width} × {@code height} pixels. */
    public BufferedImage render(int width, int height) {
        Charts.headless();
        CategoryChart chart = new CategoryChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        if (series.isEmpty()) throw new IllegalStateException("bar chart '" + title + "' has no series");
        for (Series s : series) {
            List<Double> ys = new ArrayList<>();
            for (double v : s.values()) ys.add(v);
            CategorySeries cs = chart.addSeries(s.name(), categories, ys);
            cs.setFillColor(s.color());
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** Renders and writes a PNG file atomically. */
    public void savePng(Path file, int width, int height) { Charts.writePng(render(width, height), file); }
}
