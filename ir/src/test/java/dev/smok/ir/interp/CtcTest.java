package dev.smok.ir.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smok.ir.Shape;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** CTC loss against a brute-force sum over every alignment path on tiny cases. */
class CtcTest {
    /** -log Σ over all C^T paths that collapse to {@code label} of Π softmax probabilities. */
    static double bruteForce(double[] logits, int t, int c, int[] label) {
        double[] p = new double[t * c];
        for (int i = 0; i < t; i++) {
            double sum = 0;
            for (int k = 0; k < c; k++) sum += Math.exp(logits[i * c + k]);
            for (int k = 0; k < c; k++) p[i * c + k] = Math.exp(logits[i * c + k]) / sum;
        }
        double total = 0;
        int paths = (int) Math.pow(c, t);
        for (int code = 0; code < paths; code++) {
            int[] path = new int[t];
            double prob = 1;
            for (int i = 0, rest = code; i < t; i++, rest /= c) {
                path[i] = rest % c;
                prob *= p[i * c + path[i]];
            }
            List<Integer> collapsed = new ArrayList<>();
            for (int i = 0; i < t; i++) {
                if (path[i] != 0 && (i == 0 || path[i] != path[i - 1])) collapsed.add(path[i]);
            }
            if (collapsed.equals(java.util.Arrays.stream(label).boxed().toList())) total += prob;
        }
        return -Math.log(total);
    }

    @Test void matchesBruteForce() {
        Random r = new Random(3);
        int[][] labels = {{1}, {1, 2}, {2, 2}, {1, 2, 1}, {}};
        for (int t = 1; t <= 6; t++) {
            for (int[] label : labels) {
                int c = 3;
                boolean feasible = label.length + countRepeats(label) <= t;
                double[] logits = new double[t * c];
                for (int i = 0; i < logits.length; i++) logits[i] = r.nextGaussian() * 2;
                double[] lab = new double[Math.max(1, label.length) + 1];
                java.util.Arrays.fill(lab, -1);
                for (int i = 0; i < label.length; i++) lab[i] = label[i];
                double got = Ctc.loss(Shape.of(1, t, c), logits, Shape.of(1, lab.length), lab, null, 0);
                double want = feasible ? bruteForce(logits, t, c, label) : 0;
                assertEquals(want, got, 1e-9 * Math.max(1, Math.abs(want)), "T=" + t + " label " + java.util.Arrays.toString(label));
            }
        }
    }

    static int countRepeats(int[] l) {
        int n = 0;
        for (int i = 1; i < l.length; i++) if (l[i] == l[i - 1]) n++;
        return n;
    }

    @Test void batchMeanAndGradientSumsToZeroPerFrame() {
        Random r = new Random(4);
        int n = 2, t = 5, c = 4;
        double[] logits = new double[n * t * c];
        for (int i = 0; i < logits.length; i++) logits[i] = r.nextGaussian();
        double[] labels = {1, 3, -1, 2, 2, 1};
        double a = Ctc.loss(Shape.of(1, t, c), java.util.Arrays.copyOfRange(logits, 0, t * c), Shape.of(1, 3), new double[] {1, 3, -1}, null, 0);
        double b = Ctc.loss(Shape.of(1, t, c), java.util.Arrays.copyOfRange(logits, t * c, 2 * t * c), Shape.of(1, 3), new double[] {2, 2, 1}, null, 0);
        double[] grad = new double[logits.length];
        double mean = Ctc.loss(Shape.of(n, t, c), logits, Shape.of(n, 3), labels, grad, 1);
        assertEquals((a + b) / 2, mean, 1e-12);
        for (int f = 0; f < n * t; f++) {
            double s = 0;
            for (int k = 0; k < c; k++) s += grad[f * c + k];
            assertEquals(0, s, 1e-12, "softmax gradients sum to zero over classes");
        }
    }
}
