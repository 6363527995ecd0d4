package dev.smok.tests;

import dev.smok.optimizer.GradCheck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.frontend.NetworkException;
import dev.smok.frontend.RecurrentCell;
import dev.smok.ir.Graph;
import dev.smok.ir.interp.Interpreter;

import org.junit.jupiter.api.Test;

import java.util.Map;

/**
 * Recurrent layers: the interpreter's results equal the plain-Java reference of the lecture's
 * equations, and backpropagation through time equals finite differences, for T = 1, 2, 17 and
 * for a bidirectional stack.
 */
class RecurrentLayerTest {
    static final int N = 2, F = 3, H = 4;

    static Network single(RecurrentCell cell, int steps, boolean sequences, boolean bidirectional) {
        Network net = Network.sequential("seq", steps, F);
        switch (cell) {
            case RNN -> net.rnn(H);
            case LSTM -> net.lstm(H);
            case GRU -> net.gru(H);
        }
        return net.name("rec").returnSequences(sequences).bidirectional(bidirectional);
    }

    static RecurrentReference.Weights weights(Map<String, double[]> in, String prefix) {
        return new RecurrentReference.Weights(in.get(prefix + ".w_in"), in.get(prefix + ".w_rec"), in.get(prefix + ".bias"));
    }

    @Test void layersMatchTheLectureEquations() {
        for (RecurrentCell cell : RecurrentCell.values()) {
            for (int steps : new int[] {1, 2, 17}) {
                for (boolean seq : new boolean[] {false, true}) {
                    for (boolean bi : new boolean[] {false, true}) {
                        Network net = single(cell, steps, seq, bi);
                        Graph g = net.inference(N);
                        Map<String, double[]> in = GradCheck.scaledNormalInputs(g, steps * 7L + cell.ordinal(), 0.6);
                        double[] y = Interpreter.run(g, in).outputs().get("y");
                        double[] expect = expected(cell, steps, seq, bi, in);
                        assertArrayEquals(expect, y, 1e-12, cell + " T=" + steps + " sequences=" + seq + " bidirectional=" + bi);
                    }
                }
            }
        }
    }

    /** y of the reference: per sample the last state (or all states), directions concatenated. */
    static double[] expected(RecurrentCell cell, int steps, boolean seq, boolean bi, Map<String, double[]> in) {
        int dirs = bi ? 2 : 1, width = H * dirs;
        double[] x = in.get("x");
        double[] y = new double[N * (seq ? steps : 1) * width];
        for (int n = 0; n < N; n++) {
            double[][] xs = new double[steps][F];
            for (int t = 0; t < steps; t++) System.arraycopy(x, (n * steps + t) * F, xs[t], 0, F);
            for (int d = 0; d < dirs; d++) {
                double[][] hs = RecurrentReference.run(cell, H, weights(in, d == 0 ? "rec" : "rec.reverse"), xs, d == 1);
                if (seq) {
                    for (int t = 0; t < steps; t++) System.arraycopy(hs[t], 0, y, (n * steps + t) * width + d * H, H);
                } else {
                    double[] last = d == 0 ? hs[steps - 1] : hs[0];
                    System.arraycopy(last, 0, y, n * width + d * H, H);
                }
            }
        }
        return y;
    }

    @Test void backpropagationThroughTimeMatchesFiniteDifferences() {
        for (RecurrentCell cell : RecurrentCell.values()) {
            for (int steps : new int[] {1, 2, 17}) {
                Network net = single(cell, steps, steps == 2, false); // T = 2 also checks returned sequences
                if (steps == 2) net.flatten();
                Graph g = net.dense(2).training(N, Loss.MSE);
                GradCheck.check(g, GradCheck.scaledNormalInputs(g, 11L * steps + cell.ordinal(), 0.7), 12);
            }
        }
    }

    @Test void bidirectionalStackGradients() {
        for (int steps : new int[] {1, 2, 17}) {
            Network net = Network.sequential("stack", steps, F)
                    .lstm(3).returnSequences(true).bidirectional(true)
                    .gru(3).bidirectional(true)
                    .dense(2);
            Graph g = net.training(N, Loss.MSE);
            GradCheck.check(g, GradCheck.scaledNormalInputs(g, 5L + steps, 0.7), 8);
        }
    }

    /** A bidirectional LSTM returning sequences under a bidirectional GRU, against the reference composed by hand. */
    @Test void bidirectionalStackMatchesTheReference() {
        for (int steps : new int[] {1, 2, 17}) {
            Network net = Network.sequential("stack", steps, F)
                    .lstm(H).name("l1").returnSequences(true).bidirectional(true)
                    .gru(H).name("l2").bidirectional(true);
            Graph g = net.inference(N);
            Map<String, double[]> in = GradCheck.scaledNormalInputs(g, 40L + steps, 0.6);
            double[] y = Interpreter.run(g, in).outputs().get("y");
            double[] x = in.get("x");
            for (int n = 0; n < N; n++) {
                double[][] xs = new double[steps][F];
                for (int t = 0; t < steps; t++) System.arraycopy(x, (n * steps + t) * F, xs[t], 0, F);
                double[][] fw = RecurrentReference.run(RecurrentCell.LSTM, H, weights(in, "l1"), xs, false);
                double[][] bw = RecurrentReference.run(RecurrentCell.LSTM, H, weights(in, "l1.reverse"), xs, true);
                double[][] mid = new double[steps][2 * H];
                for (int t = 0; t < steps; t++) {
                    System.arraycopy(fw[t], 0, mid[t], 0, H);
                    System.arraycopy(bw[t], 0, mid[t], H, H);
                }
                double[] top = RecurrentReference.run(RecurrentCell.GRU, H, weights(in, "l2"), mid, false)[steps - 1];
                double[] topReverse = RecurrentReference.run(RecurrentCell.GRU, H, weights(in, "l2.reverse"), mid, true)[0];
                for (int i = 0; i < H; i++) {
                    assertEquals(top[i], y[n * 2 * H + i], 1e-12, "T=" + steps);
                    assertEquals(topReverse[i], y[n * 2 * H + H + i], 1e-12, "T=" + steps);
                }
            }
        }
    }

    @Test void sequenceReadsImageRows() {
        Network net = Network.sequential("rows", 1, 28, 28).sequence().lstm(8);
        assertEquals("[8]", net.outputShape().toString());
        assertEquals(28 * 4 * 8 * (28 + 8), net.macs());
        NetworkException e = assertThrows(NetworkException.class, () -> Network.sequential("bad", 1, 28, 28).lstm(8));
        assertTrue(e.getMessage().contains("needs a sequence [steps, features] per sample but 'input' gives 1x28x28; add sequence() before it"),
                e.getMessage());
        assertThrows(NetworkException.class, () -> Network.sequential("bad", 4).dense(3).returnSequences(true));
    }
}
