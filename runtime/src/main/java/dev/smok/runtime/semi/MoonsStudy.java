package dev.smok.runtime.semi;

import dev.smok.frontend.Network;
import dev.smok.ir.Shape;
import dev.smok.ir.Tensor;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.runtime.Model;
import dev.smok.runtime.Options;
import dev.smok.runtime.ProgressBar;
import dev.smok.runtime.Smok;
import dev.smok.runtime.Trainer;
import dev.smok.runtime.data.Dataset;
import dev.smok.runtime.plot.Charts;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/**
 * The lecture's linear-versus-nonlinear point on two interleaving half circles ("moons"): a
 * one-dimensional code from PCA (a projection onto a line) mixes the classes, while the code
 * of a nonlinear autoencoder (2 → 32 → 32 → 1 → 32 → 32 → 2, tanh) has to give the two arcs
 * disjoint code intervals to reconstruct them, so one threshold separates the classes. Neither
 * method sees a label; separability is measured afterwards as the best single-threshold
 * accuracy on the code. The scatter plot puts the PCA code on x and the autoencoder code on y.
 */
public final class MoonsStudy {
    /** Best single-threshold accuracy of each code. */
    public record Result(double pcaAccuracy, double autoencoderAccuracy, double reconstructionLoss) {}

    private MoonsStudy() {}

    /** Two moons of {@code perClass} points each, Gaussian noise {@code noise}; labels 0 and 1. */
    public static Dataset moons(int perClass, double noise, long seed) {
        Random r = new Random(seed);
        float[] x = new float[4 * perClass], y = new float[2 * perClass];
        for (int i = 0; i < 2 * perClass; i++) {
            double t = Math.PI * r.nextDouble();
            boolean second = i % 2 == 1;
            double px = second ? 1 - Math.cos(t) : Math.cos(t), py = second ? 0.5 - Math.sin(t) : Math.sin(t);
            x[2 * i] = (float) (px + noise * r.nextGaussian());
            x[2 * i + 1] = (float) (py + noise * r.nextGaussian());
            y[i] = second ? 1 : 0;
        }
        return new Dataset("moons", Shape.of(2), x, y, 2 * perClass, 2);
    }

    static Network autoencoder(boolean encoderOnly) {
        Network n = Network.sequential(encoderOnly ? "moons_encoder" : "moons_autoencoder", 2)
                .dense(32).name("enc1").tanh().dense(32).name("enc2").tanh().dense(1).name("code");
        if (encoderOnly) return n;
        return n.dense(32).name("dec1").tanh().dense(32).name("dec2").tanh().dense(2).name("out")
                .loss(dev.smok.frontend.Loss.RECONSTRUCTION);
    }

    public static Result run(Dataset d, int epochs, long seed, String backend, Path plot) {
        Pca pca = Pca.fit(d.x(), d.count(), 2, 1, 50, seed);
        float[] pcaCode = pca.transform(d.x(), d.count());
        float[] aeCode;
        double loss;
        ProgressBar quiet = new ProgressBar(new PrintStream(OutputStream.nullOutputStream()), false);
        try (Model ae = Smok.compile(autoencoder(false).seed(seed), new Options().batch(100).backend(backend).seed(seed).optimizer(OptimizerSpec.adam(5e-3f)))) {
            loss = Trainer.fit(ae, d, null, epochs, quiet).last().loss();
            Map<String, Tensor> p = ae.parameters();
            try (Model enc = Smok.compile(autoencoder(true), new Options().batch(100).backend(backend))) {
                enc.setParameters(p);
                aeCode = enc.predict(d.x(), d.count());
            }
        }
        if (plot != null) scatter(d, pcaCode, aeCode, plot);
        return new Result(thresholdAccuracy(pcaCode, d.labels()), thresholdAccuracy(aeCode, d.labels()), loss);
    }

    /** The best accuracy of "class = (code > t)" or its opposite over all thresholds t. */
    static double thresholdAccuracy(float[] code, float[] labels) {
        Integer[] order = new Integer[code.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Float.compare(code[a], code[b]));
        int ones = 0;
        for (float l : labels) if (l == 1) ones++;
        int onesBelow = 0, best = Math.max(ones, labels.length - ones);
        for (int k = 0; k < order.length; k++) {
            if (labels[order[k]] == 1) onesBelow++;
            int zerosBelow = k + 1 - onesBelow;
            int correct = zerosBelow + (ones - onesBelow); // below: class 0, above: class 1
            best = Math.max(best, Math.max(correct, labels.length - correct));
        }
        return (double) best / labels.length;
    }

    private static void scatter(Dataset d, float[] pcaCode, float[] aeCode, Path file) {
        Charts.headless();
        XYChart chart = new XYChartBuilder().width(700).height(500).title("Two moons: 1-D codes without labels")
                .xAxisTitle("PCA code (linear)").yAxisTitle("autoencoder code (nonlinear)").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(4);
        for (int c = 0; c < 2; c++) {
            int n = 0;
            for (float l : d.labels()) if (l == c) n++;
            double[] xs = new double[n], ys = new double[n];
            for (int i = 0, k = 0; i < d.count(); i++) {
                if (d.labels()[i] == c) { xs[k] = pcaCode[i]; ys[k++] = aeCode[i]; }
            }
            chart.addSeries("moon " + c, xs, ys).setMarkerColor(Charts.color(c));
        }
        Charts.writePng(BitmapEncoder.getBufferedImage(chart), file);
    }
}
