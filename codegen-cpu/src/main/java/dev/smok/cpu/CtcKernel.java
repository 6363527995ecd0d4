package dev.smok.cpu;

import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;

import java.util.Arrays;

/**
 * ctc_loss (logits [N,T,C], labels [N,L] padded with −1) and ctc_grad (…, g): a port of the
 * interpreter's forward-backward algorithm in log space (interp/Ctc.java, Graves et al. 2006),
 * with the same conventions: class 0 is the blank, the loss is the batch mean of −log p, and a
 * sample whose labels cannot be aligned in T frames contributes zero loss and zero gradient.
 *
 * <p>The recursions run in double (they are O(N·T·L), small next to the network that produced
 * the logits, and log-space sums of many terms lose precision in float); all working arrays are
 * sized for the node at compile time and reused, so a run allocates nothing.
 */
final class CtcKernel extends OpCalls.Kernel {
    private static final int BLANK = 0;

    private final boolean grad;
    private final int logits, labels, g, out, n, t, c, maxLen;
    private final double[] y, alpha, beta, occupancy;
    private final int[] ext;

    private CtcKernel(boolean grad, int logits, int labels, int g, int out, int n, int t, int c, int maxLen) {
        this.grad = grad; this.logits = logits; this.labels = labels; this.g = g; this.out = out;
        this.n = n; this.t = t; this.c = c; this.maxLen = maxLen;
        int s = 2 * maxLen + 1;
        y = new double[t * c];
        alpha = new double[t * s];
        beta = new double[t * s];
        occupancy = new double[c];
        ext = new int[s];
    }

    static OpCalls.Kernel create(Node node, int[] in, int out) {
        Shape xs = node.in(0).shape(), ls = node.in(1).shape();
        return new CtcKernel(node.op() == Op.CTC_GRAD, in[0], in[1], in.length > 2 ? in[2] : 0, out,
                xs.dim(0), xs.dim(1), xs.dim(2), ls.dim(1));
    }

    @Override public void run(float[] a) {
        double total = 0, scale = grad ? a[g] / (double) n : 0;
        for (int b = 0; b < n; b++) {
            int len = 0;
            while (len < maxLen && a[labels + b * maxLen + len] >= 0) len++;
            ext[0] = BLANK;
            for (int i = 0; i < len; i++) {
                ext[2 * i + 1] = LossKernels.label(a[labels + b * maxLen + i], c);
                ext[2 * i + 2] = BLANK;
            }
            logSoftmax(a, logits + b * t * c);
            total += sample(a, 2 * len + 1, out + b * t * c, scale);
        }
        if (!grad) a[out] = (float) (total / n);
    }

    private void logSoftmax(float[] a, int off) {
        for (int i = 0; i < t; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) max = Math.max(max, a[off + i * c + k]);
            double sum = 0;
            for (int k = 0; k < c; k++) sum += Math.exp(a[off + i * c + k] - max);
            double lse = max + Math.log(sum);
            for (int k = 0; k < c; k++) y[i * c + k] = a[off + i * c + k] - lse;
        }
    }

    /** −log p of one sample (extended labels ext[0..s)); writes its gradient rows when this is ctc_grad. */
    private double sample(float[] a, int s, int gradOff, double scale) {
        double ninf = Double.NEGATIVE_INFINITY;
        Arrays.fill(alpha, 0, t * s, ninf);
        Arrays.fill(beta, 0, t * s, ninf);
        alpha[0] = y[ext[0]];
        if (s > 1) alpha[1] = y[ext[1]];
        for (int i = 1; i < t; i++) {
            for (int j = 0; j < s; j++) {
                double v = alpha[(i - 1) * s + j];
                if (j >= 1) v = logAdd(v, alpha[(i - 1) * s + j - 1]);
                if (j >= 2 && ext[j] != BLANK && ext[j] != ext[j - 2]) v = logAdd(v, alpha[(i - 1) * s + j - 2]);
                alpha[i * s + j] = v + y[i * c + ext[j]];
            }
        }
        beta[(t - 1) * s + s - 1] = y[(t - 1) * c + ext[s - 1]];
        if (s > 1) beta[(t - 1) * s + s - 2] = y[(t - 1) * c + ext[s - 2]];
        for (int i = t - 2; i >= 0; i--) {
            for (int j = 0; j < s; j++) {
                double v = beta[(i + 1) * s + j];
                if (j + 1 < s) v = logAdd(v, beta[(i + 1) * s + j + 1]);
                if (j + 2 < s && ext[j] != BLANK && ext[j] != ext[j + 2]) v = logAdd(v, beta[(i + 1) * s + j + 2]);
                beta[i * s + j] = v + y[i * c + ext[j]];
            }
        }
        int last = (t - 1) * s;
        double logP = s > 1 ? logAdd(alpha[last + s - 1], alpha[last + s - 2]) : alpha[last + s - 1];
        if (logP == ninf) {
            if (grad) Arrays.fill(a, gradOff, gradOff + t * c, 0f);
            return 0;
        }
        if (grad) {
            for (int i = 0; i < t; i++) {
                Arrays.fill(occupancy, ninf);
                for (int j = 0; j < s; j++) {
                    occupancy[ext[j]] = logAdd(occupancy[ext[j]], alpha[i * s + j] + beta[i * s + j] - y[i * c + ext[j]]);
                }
                for (int k = 0; k < c; k++) {
                    a[gradOff + i * c + k] = (float) (scale * (Math.exp(y[i * c + k]) - Math.exp(occupancy[k] - logP)));
                }
            }
        }
        return -logP;
    }

    private static double logAdd(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) return b;
        if (b == Double.NEGATIVE_INFINITY) return a;
        double m = Math.max(a, b);
        return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
    }

    @Override String describe() { return (grad ? "ctc_grad" : "ctc_loss") + " n=" + n + " t=" + t + " c=" + c + " labels<=" + maxLen; }
}
