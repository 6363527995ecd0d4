package dev.smok.runtime.cli;

import dev.smok.frontend.Network;
import dev.smok.runtime.Model;
import dev.smok.runtime.ModelZoo;
import dev.smok.runtime.Options;
import dev.smok.runtime.Smok;
import dev.smok.runtime.attack.AttackGrid;
import dev.smok.runtime.attack.OnePixelAttack;
import dev.smok.runtime.data.Dataset;
import dev.smok.runtime.data.Datasets;
import dev.smok.runtime.io.Checkpoints;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code smok attack onepixel}: the one-pixel attack on correctly classified test images. */
@Command(name = "attack", mixinStandardHelpOptions = true,
        description = "Adversarial attacks on a trained classifier. Only 'onepixel' (Su, Vargas & Sakurai) for now.")
final class AttackCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KIND", description = "onepixel")
    String kind;

    @Option(names = "--model", required = true, description = "A built-in model name or a .jsh script.")
    String model;

    @Option(names = "--weights", required = true, description = "A safetensors checkpoint of the trained model.")
    Path weights;

    @Option(names = "--data", defaultValue = "mnist-sample", description = "Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--images", defaultValue = "100", description = "Correctly classified test images to attack. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--targeted", description = "Aim for the class (label + 1) mod 10 instead of any wrong class.")
    boolean targeted;

    @Option(names = "--population", defaultValue = "400", description = "Default: ${DEFAULT-VALUE} (the paper's).")
    int population;

    @Option(names = "--generations", defaultValue = "100", description = "Default: ${DEFAULT-VALUE} (the paper's).")
    int generations;

    @Option(names = "--grid", defaultValue = "reports/onepixel.png", description = "PNG of originals and attacked images. Default: ${DEFAULT-VALUE}.")
    Path grid;

    @Option(names = "--backend", defaultValue = "cpu", description = "Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--seed", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override public Integer call() {
        if (!kind.equals("onepixel")) throw new IllegalArgumentException("unknown attack '" + kind + "' (available: onepixel)");
        Network net = ModelZoo.load(model);
        Dataset test = Datasets.load(data).test();
        int h = test.sampleShape().dim(1), w = test.sampleShape().dim(2), classes = net.outputShape().size();
        try (Model m = Smok.compile(net, new Options().batch(population).backend(backend))) {
            Checkpoints.load(m, weights);
            OnePixelAttack attack = new OnePixelAttack((x, n) -> probabilities(m.predict(x, n), n, classes), h, w, classes, population, generations);
            float[] clean = probabilities(m.predict(test.x(), test.count()), test.count(), classes);
            String[] names = classNames(classes);
            List<AttackGrid.Item> shown = new ArrayList<>();
            int tried = 0, fooled = 0;
            double confidence = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < test.count() && tried < images; i++) {
                int label = (int) test.labels()[i];
                if (Model.argmax(clean, i * classes, classes) != label) continue;
                tried++;
                float[] img = java.util.Arrays.copyOfRange(test.x(), i * h * w, (i + 1) * h * w);
                OnePixelAttack.Result r = attack.attack(img, label, targeted ? (label + 1) % classes : -1, seed + i);
                if (r.success()) {
                    fooled++;
                    confidence += r.confidence();
                    if (shown.size() < 16) {
                        float[] adv = img.clone();
                        adv[r.y() * w + r.x()] = r.value();
                        shown.add(new AttackGrid.Item(img, label, adv, r.predicted(), r.x(), r.y()));
                        AttackGrid.write(grid, shown, h, w, names); // as it grows, so a long run stopped early leaves one
                    }
                }
                // one line per image: a long run (the paper's budget) shows its partial result as it goes
                System.out.printf("image %d/%d (test #%d, %s): %s, %,d evaluations; so far %d fooled, %,.0f evaluations/s%n", tried, images, i,
                        names[label], r.success() ? String.format("fooled into %s (p %.3f) by (%d, %d) = %.2f", names[r.predicted()], r.confidence(), r.x(), r.y(), r.value())
                                : String.format("held (p %.3f)", r.confidence()), r.evaluations(), fooled, attack.evaluations() / ((System.nanoTime() - t0) / 1e9));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            AttackGrid.write(grid, shown, h, w, names);
            System.out.printf("one-pixel %s attack on %s (%s): success %d/%d = %.1f%%, mean confidence of the wrong class %.3f, "
                            + "%,.0f candidate evaluations/s; grid written to %s%n",
                    targeted ? "targeted" : "untargeted", net.name(), data, fooled, tried, 100.0 * fooled / Math.max(1, tried),
                    fooled == 0 ? 0 : confidence / fooled, attack.evaluations() / seconds, grid);
        }
        return 0;
    }

    private static final String[] FASHION_MNIST = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

    /** Names for the grid's captions: Fashion-MNIST's articles, else the class numbers. */
    private String[] classNames(int classes) {
        if (data.equals("fashion-mnist") && classes == FASHION_MNIST.length) return FASHION_MNIST;
        String[] names = new String[classes];
        for (int k = 0; k < classes; k++) names[k] = Integer.toString(k);
        return names;
    }

    /** Softmax of each row unless the rows already are probabilities (the model ends in softmax). */
    static float[] probabilities(float[] y, int n, int classes) {
        float[] p = y.clone();
        for (int i = 0; i < n; i++) {
            double sum = 0;
            boolean probs = true;
            for (int k = 0; k < classes; k++) { sum += y[i * classes + k]; probs &= y[i * classes + k] >= 0; }
            if (probs && Math.abs(sum - 1) < 1e-3) continue;
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int k = 0; k < classes; k++) max = Math.max(max, y[i * classes + k]);
            for (int k = 0; k < classes; k++) z += Math.exp(y[i * classes + k] - max);
            for (int k = 0; k < classes; k++) p[i * classes + k] = (float) (Math.exp(y[i * classes + k] - max) / z);
        }
        return p;
    }
}
