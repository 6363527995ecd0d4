package dev.smok.tests;

import dev.smok.frontend.RecurrentCell;

/**
 * Plain-Java, one-sample-at-a-time reference of the lecture's cell equations, written
 * independently of the IR: the LSTM multiplies each gate matrix W_g = [W_g^h | W_g^x] with the
 * concatenation [h_{t-1}, x_t] exactly as the lecture writes it (the layer's w_rec and w_in hold
 * the two column blocks; gate rows f, i, C̃, o). Used as the oracle for the layers' lowering.
 */
final class RecurrentReference {
    private RecurrentReference() {}

    /** One direction's weights: w_in [G·H, F], w_rec [G·H, H], bias [G·H], row-major. */
    record Weights(double[] wIn, double[] wRec, double[] bias) {}

    static double sigmoid(double v) { return 1 / (1 + Math.exp(-v)); }

    /**
     * Runs {@code cell} over the steps of {@code xs} ([T][F]) from zero state, in reverse when
     * asked; returns h after each step, indexed by the step t it read ([T][H]).
     */
    static double[][] run(RecurrentCell cell, int units, Weights w, double[][] xs, boolean reverse) {
        int steps = xs.length, f = xs[0].length, hN = units;
        double[] h = new double[hN], c = new double[hN];
        double[][] out = new double[steps][];
        for (int k = 0; k < steps; k++) {
            int t = reverse ? steps - 1 - k : k;
            double[] x = xs[t];
            double[] next = new double[hN];
            switch (cell) {
                case RNN -> {
                    for (int i = 0; i < hN; i++) {
                        double a = w.bias[i];
                        for (int j = 0; j < f; j++) a += w.wIn[i * f + j] * x[j];
                        for (int j = 0; j < hN; j++) a += w.wRec[i * hN + j] * h[j];
                        next[i] = Math.tanh(a);
                    }
                }
                case LSTM -> {
                    double[] hx = new double[hN + f]; // [h_{t-1}, x_t]
                    System.arraycopy(h, 0, hx, 0, hN);
                    System.arraycopy(x, 0, hx, hN, f);
                    double[] cNext = new double[hN];
                    for (int i = 0; i < hN; i++) {
                        double ft = sigmoid(gate(w, 0, i, hx, hN, f));
                        double it = sigmoid(gate(w, 1, i, hx, hN, f));
                        double cTilde = Math.tanh(gate(w, 2, i, hx, hN, f));
                        double ot = sigmoid(gate(w, 3, i, hx, hN, f));
                        cNext[i] = ft * c[i] + it * cTilde;
                        next[i] = ot * Math.tanh(cNext[i]);
                    }
                    c = cNext;
                }
                case GRU -> {
                    double[] z = new double[hN], r = new double[hN];
                    for (int i = 0; i < hN; i++) {
                        z[i] = sigmoid(affine(w, 0, i, x, h, hN, f));
                        r[i] = sigmoid(affine(w, 1, i, x, h, hN, f));
                    }
                    double[] rh = new double[hN];
                    for (int j = 0; j < hN; j++) rh[j] = r[j] * h[j];
                    for (int i = 0; i < hN; i++) {
                        double candidate = Math.tanh(affine(w, 2, i, x, rh, hN, f));
                        next[i] = (1 - z[i]) * h[i] + z[i] * candidate;
                    }
                }
            }
            h = next;
            out[t] = next;
        }
        return out;
    }

    /** (W_g·[h, x] + b_g)_i with W_g = [W_g^h | W_g^x] assembled from the layer's blocks. */
    private static double gate(Weights w, int g, int i, double[] hx, int hN, int f) {
        int row = g * hN + i;
        double a = w.bias[row];
        for (int j = 0; j < hN + f; j++) {
            double wij = j < hN ? w.wRec[row * hN + j] : w.wIn[row * f + (j - hN)];
            a += wij * hx[j];
        }
        return a;
    }

    /** W_g·x + U_g·h + b_g for gate block g. */
    private static double affine(Weights w, int g, int i, double[] x, double[] h, int hN, int f) {
        int row = g * hN + i;
        double a = w.bias[row];
        for (int j = 0; j < f; j++) a += w.wIn[row * f + j] * x[j];
        for (int j = 0; j < hN; j++) a += w.wRec[row * hN + j] * h[j];
        return a;
    }
}
