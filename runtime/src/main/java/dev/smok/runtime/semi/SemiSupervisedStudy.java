package dev.smok.runtime.semi;

import dev.smok.frontend.Network;
import dev.smok.frontend.models.Autoencoders;
import dev.smok.ir.Shape;
import dev.smok.ir.Tensor;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.runtime.Model;
import dev.smok.runtime.Options;
import dev.smok.runtime.ProgressBar;
import dev.smok.runtime.Smok;
import dev.smok.runtime.Trainer;
import dev.smok.runtime.data.Dataset;
import dev.smok.runtime.data.Datasets;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The lecture's semi-supervised comparison: few labels, many unlabelled images. Every method
 * trains the same classifier (one hidden layer of 128 ReLU units, softmax; Adam, same seed and
 * number of steps) on only {@code perClass} labelled images per class, on top of a different
 * representation:
 * <ul>
 *   <li>raw pixels;</li>
 *   <li>PCA(k) fitted on the unlabelled images (components standardized);</li>
 *   <li>the code of a tied-weight autoencoder (784 → 128 sigmoid → 784) trained on all training
 *       images without labels;</li>
 *   <li>pseudo-labelling: the raw-pixel classifier labels the unlabelled images, and the ones it
 *       is at least {@code confidence} sure of join the labelled set for a second classifier.</li>
 * </ul>
 */
public final class SemiSupervisedStudy {
    /** One line of the result table. */
    public record Row(String method, int features, int labelled, double testAccuracy) {}

    private final Datasets.Split data;
    private final int perClass;
    private final long seed;
    private final String backend;
    private final PrintStream log;
    private final ProgressBar quiet = new ProgressBar(new PrintStream(OutputStream.nullOutputStream()), false);

    public SemiSupervisedStudy(Datasets.Split data, int perClass, long seed, String backend, PrintStream log) {
        this.data = data;
        this.perClass = perClass;
        this.seed = seed;
        this.backend = backend;
        this.log = log;
    }

    /** Runs every method and returns the table. */
    public List<Row> run(int pcaComponents, int autoencoderEpochs, int classifierEpochs, double confidence) {
        Dataset train = data.train(), test = data.test();
        int[] labelled = labelledIndices(train);
        List<Row> rows = new ArrayList<>();

        log.println("raw pixels ...");
        rows.add(new Row("raw pixels", train.sampleSize(), labelled.length,
                classify(select(train, labelled), test, classifierEpochs).accuracy));

        log.printf("PCA(%d) on %,d unlabelled images ...%n", pcaComponents, Math.min(train.count(), 10_000));
        int fitN = Math.min(train.count(), 10_000);
        Pca pca = Pca.fit(train.x(), fitN, train.sampleSize(), pcaComponents, 30, seed);
        Dataset pcaTrain = features("pca", pca, select(train, labelled)), pcaTest = features("pca", pca, test);
        rows.add(new Row("PCA(" + pcaComponents + ")", pcaComponents, labelled.length, classify(pcaTrain, pcaTest, classifierEpochs).accuracy));

        log.printf("tied autoencoder, %d epochs on %,d unlabelled images ...%n", autoencoderEpochs, train.count());
        Map<String, Tensor> ae = trainAutoencoder(train, autoencoderEpochs);
        Dataset codeTrain = codes(ae, select(train, labelled)), codeTest = codes(ae, test);
        rows.add(new Row("autoencoder code", Autoencoders.HIDDEN, labelled.length, classify(codeTrain, codeTest, classifierEpochs).accuracy));

        log.println("pseudo-labelling ...");
        Trained first = classify(select(train, labelled), test, classifierEpochs);
        Dataset extended = pseudoLabelled(first.model, train, labelled, confidence);
        first.model.close();
        rows.add(new Row("pseudo-labelling", train.sampleSize(), labelled.length,
                classify(extended, test, Math.max(3, classifierEpochs * labelled.length / extended.count())).accuracy));
        return rows;
    }

    private int[] labelledIndices(Dataset train) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] order = new int[train.count()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        for (int i = order.length - 1; i > 0; i--) { int j = r.nextInt(i + 1), t = order[i]; order[i] = order[j]; order[j] = t; }
        int[] taken = new int[train.classes()];
        List<Integer> out = new ArrayList<>();
        for (int i : order) {
            int c = (int) train.labels()[i];
            if (taken[c] < perClass) { taken[c]++; out.add(i); }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static Dataset select(Dataset d, int[] idx) {
        int s = d.sampleSize();
        float[] x = new float[idx.length * s], y = new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(d.x(), idx[i] * s, x, i * s, s);
            y[i] = d.labels()[idx[i]];
        }
        return new Dataset(d.name() + "/subset", d.sampleShape(), x, y, idx.length, d.classes());
    }

    private static Dataset features(String name, Pca pca, Dataset d) {
        float[] f = pca.transform(d.x(), d.count());
        double[] var = pca.variances();
        int k = pca.components();
        for (int i = 0; i < d.count(); i++) for (int c = 0; c < k; c++) f[i * k + c] /= (float) Math.sqrt(var[c]);
        return new Dataset(d.name() + "/" + name, Shape.of(k), f, d.labels(), d.count(), d.classes());
    }

    private record Trained(Model model, double accuracy) {}

    private Trained classify(Dataset train, Dataset test, int epochs) {
        Network clf = Network.sequential("classifier", train.sampleShape()).flatten().dense(128).relu().dense(10).softmax().seed(seed);
        Model m = Smok.compile(clf, new Options().batch(50).backend(backend).seed(seed).optimizer(OptimizerSpec.adam(1e-3f)));
        Trainer.fit(m, train, null, epochs, quiet);
        return new Trained(m, m.accuracy(test));
    }

    private Map<String, Tensor> trainAutoencoder(Dataset train, int epochs) {
        try (Model m = Smok.compile(Autoencoders.autoencoder().seed(seed),
                new Options().batch(100).backend(backend).seed(seed).optimizer(OptimizerSpec.adam(5e-3f)))) {
            Trainer.History h = Trainer.fit(m, train, null, epochs, new ProgressBar(log, false));
            log.printf("autoencoder reconstruction loss %.4f -> %.4f%n", h.epochs().get(0).loss(), h.last().loss());
            return m.parameters();
        }
    }

    /** The autoencoder's hidden code for every sample, computed by an encoder that shares its weights. */
    private Dataset codes(Map<String, Tensor> ae, Dataset d) {
        Network encoder = Network.sequential("encoder_only", d.sampleShape()).flatten().dense(Autoencoders.HIDDEN).name("encoder").sigmoid();
        try (Model m = Smok.compile(encoder, new Options().batch(100).backend(backend))) {
            Map<String, Tensor> p = new LinkedHashMap<>();
            p.put("encoder.weight", ae.get("encoder.weight"));
            p.put("encoder.bias", ae.get("encoder.bias"));
            m.setParameters(p);
            return new Dataset(d.name() + "/code", Shape.of(Autoencoders.HIDDEN), m.predict(d.x(), d.count()), d.labels(), d.count(), d.classes());
        }
    }

    private Dataset pseudoLabelled(Model clf, Dataset train, int[] labelled, double confidence) {
        float[] p = clf.predict(train.x(), train.count());
        boolean[] isLabelled = new boolean[train.count()];
        for (int i : labelled) isLabelled[i] = true;
        List<Integer> idx = new ArrayList<>();
        List<Float> lab = new ArrayList<>();
        int correct = 0, added = 0;
        for (int i = 0; i < train.count(); i++) {
            if (isLabelled[i]) { idx.add(i); lab.add(train.labels()[i]); continue; }
            int best = 0;
            for (int k = 1; k < 10; k++) if (p[i * 10 + k] > p[i * 10 + best]) best = k;
            if (p[i * 10 + best] >= confidence) {
                idx.add(i);
                lab.add((float) best);
                added++;
                if (best == (int) train.labels()[i]) correct++;
            }
        }
        log.printf("pseudo-labelled %,d images at confidence >= %.2f (%.1f%% of them correct)%n", added, confidence, 100.0 * correct / Math.max(1, added));
        Dataset d = select(train, idx.stream().mapToInt(Integer::intValue).toArray());
        float[] y = new float[lab.size()];
        for (int i = 0; i < y.length; i++) y[i] = lab.get(i);
        return new Dataset(d.name(), d.sampleShape(), d.x(), y, d.count(), d.classes());
    }

    /** The table as Markdown. */
    public static String markdown(List<Row> rows, String dataName, int perClass) {
        StringBuilder b = new StringBuilder("| method (" + dataName + ", " + perClass + " labels per class) | features | test accuracy |\n|---|---:|---:|\n");
        for (Row r : rows) b.append(String.format("| %s | %d | %.4f |%n", r.method(), r.features(), r.testAccuracy()));
        return b.toString();
    }
}
