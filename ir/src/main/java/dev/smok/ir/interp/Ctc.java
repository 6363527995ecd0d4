package dev.smok.ir.interp;

import dev.smok.ir.Shape;

/**
 * CTC loss and gradient by the forward-backward algorithm in log space (Graves et al. 2006,
 * section 4.1). For a label sequence l of length L the extended sequence l' inserts blanks
 * (class 0) around every label: length S = 2L + 1. α(t,s) is the log-probability of all path
 * prefixes ending in l'[s] at frame t; β(t,s) that of all suffixes starting there (both include
 * frame t's own probability). Then p(l|x) = exp(α(T-1,S-1)) + exp(α(T-1,S-2)) and
 * ∂(-log p)/∂z(t,k) = softmax(z)(t,k) − Σ_{s: l'[s]=k} exp(α(t,s) + β(t,s) − y(t,k) − log p),
 * with y the log-softmax. A sample whose labels cannot be aligned in T frames contributes zero
 * loss and zero gradient (PyTorch's zero_infinity=True).
 */
public final class Ctc {
    private Ctc() {}

    static final int BLANK = 0;

    /**
     * Mean loss over the batch. When {@code grad} is non-null it receives the gradient with
     * respect to the logits, scaled by {@code g} (the incoming gradient of the mean loss).
     */
    public static double loss(Shape xs, double[] logits, Shape ls, double[] labels, double[] grad, double g) {
        int n = xs.dim(0), t = xs.dim(1), c = xs.dim(2), maxLen = ls.dim(1);
        double total = 0;
        for (int b = 0; b < n; b++) {
            int len = 0;
            while (len < maxLen && labels[b * maxLen + len] >= 0) len++;
            int[] ext = new int[2 * len + 1];
            for (int i = 0; i < len; i++) ext[2 * i + 1] = Kernels.label(labels[b * maxLen + i], c);
            double[] y = logSoftmax(logits, b * t * c, t, c);
            double lossB = sample(y, t, c, ext, grad, b * t * c, g / n);
            total += lossB;
        }
        return total / n;
    }

    private static double[] logSoftmax(double[] z, int off, int t, int c) {
        double[] y = new double[t * c];
        for (int i = 0; i < t; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) max = Math.max(max, z[off + i * c + k]);
            double sum = 0;
            for (int k = 0; k < c; k++) sum += Math.exp(z[off + i * c + k] - max);
            double lse = max + Math.log(sum);
            for (int k = 0; k < c; k++) y[i * c + k] = z[off + i * c + k] - lse;
        }
        return y;
    }

    private static double sample(double[] y, int t, int c, int[] ext, double[] grad, int off, double scale) {
        int s = ext.length;
        double ninf = Double.NEGATIVE_INFINITY;
        double[][] alpha = new double[t][s], beta = new double[t][s];
        for (double[] row : alpha) java.util.Arrays.fill(row, ninf);
        for (double[] row : beta) java.util.Arrays.fill(row, ninf);
        alpha[0][0] = y[ext[0]];
        if (s > 1) alpha[0][1] = y[ext[1]];
        for (int i = 1; i < t; i++) {
            for (int j = 0; j < s; j++) {
                double a = alpha[i - 1][j];
                if (j >= 1) a = logAdd(a, alpha[i - 1][j - 1]);
                if (j >= 2 && ext[j] != BLANK && ext[j] != ext[j - 2]) a = logAdd(a, alpha[i - 1][j - 2]);
                alpha[i][j] = a + y[i * c + ext[j]];
            }
        }
        beta[t - 1][s - 1] = y[(t - 1) * c + ext[s - 1]];
        if (s > 1) beta[t - 1][s - 2] = y[(t - 1) * c + ext[s - 2]];
        for (int i = t - 2; i >= 0; i--) {
            for (int j = 0; j < s; j++) {
                double v = beta[i + 1][j];
                if (j + 1 < s) v = logAdd(v, beta[i + 1][j + 1]);
                if (j + 2 < s && ext[j] != BLANK && ext[j] != ext[j + 2]) v = logAdd(v, beta[i + 1][j + 2]);
                beta[i][j] = v + y[i * c + ext[j]];
            }
        }
        double logP = s > 1 ? logAdd(alpha[t - 1][s - 1], alpha[t - 1][s - 2]) : alpha[t - 1][s - 1];
        if (logP == ninf) return 0; // no alignment fits in t frames
        if (grad != null) {
            for (int i = 0; i < t; i++) {
                double[] occupancy = new double[c];
                java.util.Arrays.fill(occupancy, ninf);
                for (int j = 0; j < s; j++) {
                    occupancy[ext[j]] = logAdd(occupancy[ext[j]], alpha[i][j] + beta[i][j] - y[i * c + ext[j]]);
                }
                for (int k = 0; k < c; k++) {
                    grad[off + i * c + k] = scale * (Math.exp(y[i * c + k]) - Math.exp(occupancy[k] - logP));
                }
            }
        }
        return -logP;
    }

    static double logAdd(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) return b;
        if (b == Double.NEGATIVE_INFINITY) return a;
        double m = Math.max(a, b);
        return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
    }
}
