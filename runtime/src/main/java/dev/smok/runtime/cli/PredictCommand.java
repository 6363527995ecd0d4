package dev.smok.runtime.cli;

import dev.smok.frontend.Network;
import dev.smok.runtime.Model;
import dev.smok.runtime.ModelZoo;
import dev.smok.runtime.Options;
import dev.smok.runtime.Smok;
import dev.smok.runtime.data.DataException;
import dev.smok.runtime.data.Idx;
import dev.smok.runtime.data.Images;
import dev.smok.runtime.io.Checkpoints;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code smok predict MODEL --weights FILE INPUT...}: classifies images. An image file (PNG, JPEG,
 * GIF, BMP) is one sample, read as in {@link Images} (grayscale, white digit on black, 0..1,
 * resized to the input); an IDX file (MNIST format, {@code .gz} or plain) holds many, and with
 * {@code --labels} the accuracy is printed as well.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Classify images with trained weights: image files (white digit on black, see --invert)",
                "or an IDX images file (with --labels, the accuracy too)."})
final class PredictCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A built-in model name or a .jsh script.")
    String model;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "INPUT", description = "Image files or one IDX images file.")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--weights", required = true, paramLabel = "FILE", description = "A safetensors checkpoint (from train --save, or PyTorch).")
    Path weights;

    @Option(names = "--top", defaultValue = "3", description = "Show the K most likely classes. Default: ${DEFAULT-VALUE}.")
    int top;

    @Option(names = "--labels", paramLabel = "IDX", description = "Labels for an IDX images file: print the accuracy.")
    Path labels;

    @Option(names = "--show", defaultValue = "10", description = "Lines to print for an IDX file. Default: ${DEFAULT-VALUE}.")
    int show;

    @Option(names = "--invert", description = "The images are dark on light (ink on paper): invert them.")
    boolean invert;

    @Option(names = "--backend", defaultValue = "cpu", description = "cpu, interpreter, opencl or cuda. Default: ${DEFAULT-VALUE}.")
    String backend;

    @Override public Integer call() {
        if (top < 1) throw new IllegalArgumentException("--top must be at least 1, got " + top);
        Network net = ModelZoo.load(model);
        int in = net.inputShape().size(), classes = net.outputShape().size();
        List<String> names = new ArrayList<>();
        float[] x;
        float[] truth = null;
        boolean idx = inputs.size() == 1 && !isImageName(inputs.get(0));
        if (idx) {
            Idx.Array images = Idx.read(inputs.get(0));
            int n = images.shape().dim(0);
            if (images.shape().rank() != 3 || images.shape().size(1, 3) != in) {
                throw new DataException(inputs.get(0) + " holds " + images.shape().pretty() + " images but network '" + net.name()
                        + "' takes " + net.inputShape().pretty());
            }
            x = new float[images.data().length];
            for (int i = 0; i < x.length; i++) x[i] = (images.data()[i] & 0xff) / 255f;
            if (invert) for (int i = 0; i < x.length; i++) x[i] = 1 - x[i];
            for (int i = 0; i < n; i++) names.add(inputs.get(0).getFileName() + "[" + i + "]");
            if (labels != null) {
                Idx.Array l = Idx.read(labels);
                if (l.shape().rank() != 1 || l.shape().dim(0) != n) {
                    throw new DataException("labels do not match images: " + labels + " holds " + l.shape().pretty() + " values but "
                            + inputs.get(0) + " has " + n + " images");
                }
                truth = new float[n];
                for (int i = 0; i < n; i++) truth[i] = l.data()[i] & 0xff;
            }
        } else {
            if (labels != null) throw new IllegalArgumentException("--labels goes with an IDX images file, not with image files");
            x = new float[inputs.size() * in];
            for (int i = 0; i < inputs.size(); i++) {
                System.arraycopy(Images.read(inputs.get(i), net.inputShape(), invert), 0, x, i * in, in);
                names.add(inputs.get(i).toString());
            }
        }
        int n = names.size();
        try (Model m = Smok.compile(net, new Options().batch(Math.min(n, 64)).backend(backend))) {
            Checkpoints.load(m, weights);
            float[] y = m.predict(x, n);
            int correct = 0;
            for (int i = 0; i < n; i++) {
                int[] best = topK(y, i * classes, classes, Math.min(top, classes));
                if (truth != null && best[0] == (int) truth[i]) correct++;
                if (idx && i >= show) continue;
                StringBuilder line = new StringBuilder(names.get(i)).append(':');
                for (int b : best) line.append(String.format(Locale.ROOT, "  %d (%.3f)", b, y[i * classes + b]));
                if (truth != null) line.append("  label ").append((int) truth[i]);
                System.out.println(line);
            }
            if (idx && n > show) System.out.printf("... %,d more%n", n - show);
            if (truth != null) System.out.printf(Locale.ROOT, "accuracy %.4f (%d of %d)%n", (double) correct / n, correct, n);
        }
        return 0;
    }

    static boolean isImageName(Path p) {
        String s = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return s.endsWith(".png") || s.endsWith(".jpg") || s.endsWith(".jpeg") || s.endsWith(".gif") || s.endsWith(".bmp");
    }

    /** Indices of the {@code k} largest of {@code v[off .. off+n)}, largest first. */
    static int[] topK(float[] v, int off, int n, int k) {
        Integer[] idx = new Integer[n];
        for (int j = 0; j < n; j++) idx[j] = j;
        java.util.Arrays.sort(idx, (a, b) -> Float.compare(v[off + b], v[off + a]));
        int[] out = new int[k];
        for (int j = 0; j < k; j++) out[j] = idx[j];
        return out;
    }
}
