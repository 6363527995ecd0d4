package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
