package dev.smok.runtime.speech;

import dev.smok.frontend.Network;
import dev.smok.frontend.models.Speech;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.runtime.Model;
import dev.smok.runtime.Options;
import dev.smok.runtime.Smok;

import java.io.PrintStream;
import java.util.SplittableRandom;

/**
 * Trains the DeepSpeech-style digit transcriber with the CTC loss and measures the digit error
 * rate (edit distance over reference digits) of greedy decoding on held-out voices.
 */
public final class SpeechTrainer {
    private SpeechTrainer() {}

    /** Frames per utterance (20 ms each: 3.84 s) and longest digit sequence. */
    public static final int FRAMES = 192, MAX_DIGITS = 5;

    public static Network network() { return Speech.digits(FRAMES, 40, MAX_DIGITS); }

    /** Digit error rate of greedy decoding over a data set. */
    public static double digitErrorRate(Model m, SpokenDigits d, PrintStream examples, int show) {
        float[] scores = m.predict(d.features(), d.count());
        int steps = m.network().outputShape().dim(0), classes = m.network().outputShape().dim(1);
        long errors = 0, digits = 0;
        for (int i = 0; i < d.count(); i++) {
            int[] decoded = CtcDecoder.greedy(java.util.Arrays.copyOfRange(scores, i * steps * classes, (i + 1) * steps * classes), steps, classes);
            String ref = reference(d, i), hyp = SpokenDigits.digits(decoded);
            errors += SpokenDigits.editDistance(ref, hyp);
            digits += ref.length();
            if (i < show && examples != null) examples.printf("  %-12s said %-6s heard %s%n", d.voices()[i], ref, hyp);
        }
        return (double) errors / digits;
    }

    static String reference(SpokenDigits d, int i) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < d.maxDigits(); k++) {
            float c = d.labels()[i * d.maxDigits() + k];
            if (c < 0) break;
            b.append((char) ('0' + (int) c - 1));
        }
        return b.toString();
    }

    /** Trains for {@code epochs} over shuffled batches, printing loss and held-out digit error rate per epoch. */
    public static Model train(SpokenDigits train, SpokenDigits test, int epochs, int batch, float lr, long seed, String backend, PrintStream out) {
        Model m = Smok.compile(network().seed(seed), new Options().batch(batch).backend(backend).seed(seed).optimizer(OptimizerSpec.adam(lr)));
        int in = train.frames() * train.mels(), steps = train.count() / batch;
        float[] x = new float[batch * in], y = new float[batch * train.maxDigits()];
        int[] order = new int[train.count()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        SplittableRandom r = new SplittableRandom(seed);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            for (int i = order.length - 1; i > 0; i--) { int j = r.nextInt(i + 1), t = order[i]; order[i] = order[j]; order[j] = t; }
            double loss = 0;
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                for (int b = 0; b < batch; b++) {
                    int k = order[s * batch + b];
                    System.arraycopy(train.features(), k * in, x, b * in, in);
                    System.arraycopy(train.labels(), k * train.maxDigits(), y, b * train.maxDigits(), train.maxDigits());
                }
                loss += m.trainStep(x, y);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            out.printf("epoch %d/%d  CTC loss %.4f  held-out digit error rate %.4f  %.1f s  %,.0f utterances/s%n", epoch, epochs,
                    loss / steps, digitErrorRate(m, test, null, 0), seconds, steps * batch / seconds);
        }
        return m;
    }
}
