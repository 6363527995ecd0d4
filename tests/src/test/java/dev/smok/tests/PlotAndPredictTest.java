package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.frontend.models.Perceptrons;
import dev.smok.runtime.Model;
import dev.smok.runtime.Options;
import dev.smok.runtime.Smok;
import dev.smok.runtime.Trainer;
import dev.smok.runtime.data.Dataset;
import dev.smok.runtime.data.Datasets;
import dev.smok.runtime.data.Images;
import dev.smok.runtime.io.Checkpoints;
import dev.smok.runtime.plot.BarChart;
import dev.smok.runtime.plot.Charts;
import dev.smok.runtime.plot.TrainingPlot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

/** Charts as PNG files, and the CLI round trip train --save --plot, eval --weights, predict on PNG and IDX files. */
class PlotAndPredictTest {
    static int count(BufferedImage img, Color c) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xffffff) == (c.getRGB() & 0xffffff)) n++;
        return n;
    }

    static BufferedImage readPng(Path file) throws Exception {
        byte[] b = Files.readAllBytes(file);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, java.util.Arrays.copyOf(b, 8), "PNG signature");
        BufferedImage img = ImageIO.read(file.toFile());
        assertTrue(img != null, "ImageIO cannot decode " + file);
        return img;
    }

    static Trainer.History history(double... testAcc) {
        List<Trainer.EpochStats> e = new java.util.ArrayList<>();
        for (int i = 0; i < testAcc.length; i++) e.add(new Trainer.EpochStats(i + 1, 1.0 / (i + 1), 0.5 + 0.1 * i, testAcc[i], 1, 100));
        return new Trainer.History(e, 10);
    }

    @Test void trainingPlotHasBothCurves(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plots/train.png");
        TrainingPlot.save("tiny", history(0.6, 0.7, 0.75), file);
        BufferedImage img = readPng(file);
        assertEquals(2 * TrainingPlot.PANEL_WIDTH, img.getWidth());
        assertTrue(count(img, Charts.BLUE) > 100, "train (blue) pixels: " + count(img, Charts.BLUE));
        assertTrue(count(img, Charts.ORANGE) > 100, "test (orange) pixels: " + count(img, Charts.ORANGE));

        TrainingPlot.save("tiny", history(Double.NaN, Double.NaN), file); // no test numbers: no test curve
        img = readPng(file);
        assertTrue(count(img, Charts.BLUE) > 100);
        assertEquals(0, count(img, Charts.ORANGE));
    }

    @Test void barChartDrawsEverySeries(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bars.png");
        new BarChart("throughput", "model", "images/s", List.of("mlp", "lenet5")).series("smok", 4000, 900).series("other", 3000, 1200)
                .savePng(file, 600, 400);
        BufferedImage img = readPng(file);
        assertTrue(count(img, Charts.BLUE) > 500 && count(img, Charts.ORANGE) > 500);
    }

    @Test void trainSaveEvalAndPredictAgree(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("logistic.safetensors"), plot = dir.resolve("logistic.png");
        DataAndCliTest.Run r = DataAndCliTest.cli("train", "logistic", "--backend", "interpreter", "--epochs", "2", "--limit", "2000",
                "--save", ckpt.toString(), "--plot", plot.toString());
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("test accuracy (0\\.\\d{4})").matcher(r.out());
        assertTrue(m.find(), r.out());
        String trained = m.group(1);
        BufferedImage img = readPng(plot);
        assertTrue(count(img, Charts.BLUE) > 100 && count(img, Charts.ORANGE) > 100);

        r = DataAndCliTest.cli("eval", "logistic", "--weights", ckpt.toString(), "--backend", "interpreter");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("test accuracy " + trained + " on 2,000 images"), r.out());

        // resuming from the checkpoint continues training (the optimizer state is restored)
        r = DataAndCliTest.cli("train", "logistic", "--backend", "interpreter", "--epochs", "1", "--limit", "2000", "--weights", ckpt.toString());
        assertEquals(0, r.code(), r.err());

        // predict on the first test images written as PNG files equals the model on the IDX data
        Dataset test = Datasets.load("mnist-sample").test();
        Path[] pngs = new Path[3];
        for (int i = 0; i < 3; i++) Images.writeGray(test.x(), i * 784, 28, 28, pngs[i] = dir.resolve("digit" + i + ".png"));
        float[] expected;
        try (Model model = Smok.compile(Perceptrons.logistic(), new Options().batch(3).backend("interpreter"))) {
            Checkpoints.load(model, ckpt);
            expected = model.predict(test.x(), 3);
        }
        r = DataAndCliTest.cli("predict", "logistic", "--weights", ckpt.toString(), "--backend", "interpreter", "--top", "2",
                pngs[0].toString(), pngs[1].toString(), pngs[2].toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        for (int i = 0; i < 3; i++) {
            int best = 0, second = -1;
            for (int k = 1; k < 10; k++) if (expected[i * 10 + k] > expected[i * 10 + best]) best = k;
            for (int k = 0; k < 10; k++) if (k != best && (second < 0 || expected[i * 10 + k] > expected[i * 10 + second])) second = k;
            assertEquals(String.format(Locale.ROOT, "%s:  %d (%.3f)  %d (%.3f)", pngs[i], best, expected[i * 10 + best], second, expected[i * 10 + second]),
                    lines.get(i));
        }
    }

    @Test void predictOnIdxPrintsAccuracy(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("w.safetensors");
        Dataset test = Datasets.load("mnist-sample").test().head(300);
        double acc;
        try (Model model = Smok.compile(Perceptrons.logistic(), new Options().batch(50).backend("interpreter"))) {
            Trainer.fit(model, Datasets.load("mnist-sample").train().head(1000), null, 1, new dev.smok.runtime.ProgressBar(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), false));
            Checkpoints.save(model, ckpt);
            acc = model.accuracy(test);
        }
        Path images = dir.resolve("images-idx3-ubyte"), labels = dir.resolve("labels-idx1-ubyte");
        byte[] x = new byte[16 + 300 * 784], y = new byte[8 + 300];
        java.nio.ByteBuffer.wrap(x).putInt(0x00000803).putInt(300).putInt(28).putInt(28);
        java.nio.ByteBuffer.wrap(y).putInt(0x00000801).putInt(300);
        for (int i = 0; i < 300 * 784; i++) x[16 + i] = (byte) Math.round(test.x()[i] * 255);
        for (int i = 0; i < 300; i++) y[8 + i] = (byte) test.labels()[i];
        Files.write(images, x);
        Files.write(labels, y);
        DataAndCliTest.Run r = DataAndCliTest.cli("predict", "logistic", "--weights", ckpt.toString(), "--backend", "interpreter",
                images.toString(), "--labels", labels.toString(), "--show", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("... 298 more"), r.out());
        assertTrue(r.out().contains(String.format(Locale.ROOT, "accuracy %.4f (%d of 300)", acc, Math.round(acc * 300))), r.out());
    }
}
