package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.frontend.models.Speech;
import dev.smok.ir.Graph;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.runtime.Model;
import dev.smok.runtime.Options;
import dev.smok.runtime.Smok;
import dev.smok.runtime.speech.CtcDecoder;
import dev.smok.runtime.speech.Spectrogram;

import org.junit.jupiter.api.Test;

/** Spectrogram and CTC decoding on inputs whose answers are known. */
class SpeechTest {
    @Test void toneLandsInTheRightMelBand() {
        int rate = 16000;
        float[] s = new float[rate];
        for (int i = 0; i < s.length; i++) s[i] = (float) Math.sin(2 * Math.PI * 1000 * i / rate);
        Spectrogram spec = new Spectrogram(rate, 512, 160, 40, 8000);
        float[] m = spec.compute(s);
        int frames = spec.frames(s.length);
        assertEquals(1 + (rate - 512) / 160, frames);
        int frame = frames / 2, best = 0;
        for (int k = 1; k < 40; k++) if (m[frame * 40 + k] > m[frame * 40 + best]) best = k;
        // 1000 Hz is mel 1000; bands are evenly spaced up to mel(8000) = 2840, 41 steps of about 69
        assertTrue(Math.abs(best - (1000.0 / (2840.0 / 41) - 1)) <= 1.5, "peak band " + best);
    }

    static float[] logits(int[][] frames, int classes) { // one-hot-ish frames, 5 = strong
        float[] l = new float[frames.length * classes];
        for (int t = 0; t < frames.length; t++) l[t * classes + frames[t][0]] = 5;
        return l;
    }

    @Test void greedyMergesRepeatsAndDropsBlanks() {
        int[][] path = {{0}, {3}, {3}, {0}, {3}, {1}, {1}, {0}};
        assertArrayEquals(new int[] {3, 3, 1}, CtcDecoder.greedy(logits(path, 4), path.length, 4));
    }

    @Test void beamSumsPathsThatGreedyKeepsApart() {
        // Two frames, classes {blank, a}. Greedy picks blank,blank -> "" (0.6*0.6 = 0.36), but the
        // three paths that collapse to "a" (a-blank, blank-a, a-a) total 0.64.
        float pa = (float) Math.log(0.4), pb = (float) Math.log(0.6);
        float[] l = {pb, pa, pb, pa};
        assertArrayEquals(new int[] {}, CtcDecoder.greedy(l, 2, 2));
        assertArrayEquals(new int[] {1}, CtcDecoder.beam(l, 2, 2, 4));
    }

    @Test void deepSpeechModelShapesAndParameters() {
        Network net = Speech.digits(192, 40, 5);
        assertEquals("[96,11]", net.outputShape().toString());
        Graph g = net.training(2, Loss.CTC);
        assertTrue(g.toString().contains("ctc_loss"), "training graph has the CTC loss");
        assertEquals("[2,5]", g.input("labels").shape().toString());
    }

    /** A tiny transcriber learns two fixed utterances on the interpreter: the CTC loss falls and greedy decoding is right. */
    @Test void tinyTranscriberLearnsTwoUtterances() {
        Network net = Network.sequential("tiny_speech", 1, 8, 4)
                .conv2d(4, 3, dev.smok.frontend.Conv2d.with().padding(1)).relu()
                .sequence().lstm(6).returnSequences(true).bidirectional(true)
                .frameDense(3).ctc(2).seed(3);
        java.util.Random r = new java.util.Random(1);
        float[] x = new float[2 * 32];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float[] labels = {1, 2, 2, -1}; // first says "1 2", second "2"
        try (Model m = Smok.compile(net, new Options().batch(2).backend("interpreter").optimizer(OptimizerSpec.adam(0.05f)))) {
            float first = m.trainStep(x, labels), last = first;
            for (int step = 0; step < 80; step++) last = m.trainStep(x, labels);
            assertTrue(last < first / 5, "CTC loss " + first + " -> " + last);
            float[] scores = m.predict(x, 2);
            assertArrayEquals(new int[] {1, 2}, CtcDecoder.greedy(java.util.Arrays.copyOfRange(scores, 0, 24), 8, 3));
            assertArrayEquals(new int[] {2}, CtcDecoder.greedy(java.util.Arrays.copyOfRange(scores, 24, 48), 8, 3));
        }
    }
}
