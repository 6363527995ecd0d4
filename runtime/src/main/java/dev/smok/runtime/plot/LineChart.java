package dev.smok.runtime.plot;

import java.awt.BasicStroke;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A line chart of named series (x, y pairs), drawn with XChart: lines with round markers, the
 * legend inside the plot, optional logarithmic y axis (for gradient norms spanning decades).
 * Series take colours from {@link Charts#SERIES_COLORS} in the order they are added unless one
 * is given. Points whose y is NaN or infinite (or not positive on a log axis) are left out.
 *
 * <pre>{@code
 * new LineChart("loss", "epoch", "loss").series("train", epochs, losses).savePng(Path.of("loss.png"), 640, 480);
 * }</pre>
 */
public final class LineChart {
    private record Series(String name, double[] x, double[] y, java.awt.Color color) {}

    private final String title, xLabel, yLabel;
    private final List<Series> series = new ArrayList<>();
    private boolean logY;

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Uses a base-10 logarithmic y axis. */
    public LineChart logY(boolean on) { logY = on; return this; }

    /** Adds a series in the next palette colour; {@code x} and {@code y} must have equal lengths. */
    public LineChart series(String name, double[] x, double[] y) { return series(name, x, y, Charts.color(series.size())); }

    /** Adds a series in {@code color}. */
    public LineChart series(String name, double[] x, double[] y, java.awt.Color color) {
        if (x.length != y.length) throw new IllegalArgumentException("series '" + name + "' has " + x.length + " x values but " + y.length + " y values");
        series.add(new Series(name, x.clone(), y.clone(), color));
        return this;
    }

    /** Draws the chart at {@code width} × {@code height} pixels. */
    public BufferedImage render(int width, int height) {
        Charts.headless();
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setYAxisDecimalPattern(logY ? "0.#E0" : "#,##0.####");
        chart.getStyler().setXAxisDecimalPattern("#,##0.##");
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        boolean any = false;
        for (Series s : series) {
            List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
            for (int i = 0; i < s.x().length; i++) {
                double y = s.y()[i];
                if (Double.isFinite(y) && Double.isFinite(s.x()[i]) && (!logY || y > 0)) { xs.add(s.x()[i]); ys.add(y); }
            }
            if (xs.isEmpty()) continue;
            XYSeries xy = chart.addSeries(s.name(), xs, ys);
            xy.setLineColor(s.color());
            xy.setMarkerColor(s.color());
            xy.setMarker(SeriesMarkers.CIRCLE);
            xy.setLineStyle(new BasicStroke(2.5f));
            any = true;
        }
        if (!any) chart.addSeries("(no data)", new double[] {0}, new double[] {logY ? 1 : 0});
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** Renders and writes a PNG file atomically. */
    public void savePng(Path file, int width, int height) { Charts.writePng(render(width, height), file); }
}
