package dev.smok.ir.interp;

import dev.smok.ir.DropoutMask;
import dev.smok.ir.Node;
import dev.smok.ir.Shape;

/**
 * Reference kernels of dropout, batch normalization and local response normalization, float64.
 * Batch norm works on any [N,C,...] tensor: statistics per channel (axis 1) over all other axes,
 * with the biased variance (divide by the count), as PyTorch normalizes in training.
 * LRN follows PyTorch: b_c = a_c · (k + α/n · Σ_{c'} a_{c'}²)^−β over channels
 * c' ∈ [c − ⌊n/2⌋, c + ⌊(n−1)/2⌋] (zero outside the tensor).
 */
final class NormKernels {
    private NormKernels() {}

    static double[] dropout(Node n, double[] x, double step) {
        float p = n.attrs().f("p");
        int seed = n.attrs().i("seed");
        double scale = 1 / (1 - (double) p);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = DropoutMask.keep(seed, (long) step, i, p) ? x[i] * scale : 0;
        return y;
    }

    /** Per-channel layout of x [N,C,...]: n·c planes of {@code inner} values. */
    private record Layout(int n, int c, int inner) {
        static Layout of(Shape s) { return new Layout(s.dim(0), s.dim(1), s.size(2, s.rank())); }
        int count() { return n * inner; }
        int at(int b, int ch, int i) { return (b * c + ch) * inner + i; }
    }

    private static double[] mean(Layout l, double[] x) {
        double[] m = new double[l.c];
        for (int b = 0; b < l.n; b++) for (int ch = 0; ch < l.c; ch++) for (int i = 0; i < l.inner; i++) m[ch] += x[l.at(b, ch, i)];
        for (int ch = 0; ch < l.c; ch++) m[ch] /= l.count();
        return m;
    }

    /** 1/√(var+ε) per channel with the biased batch variance. */
    private static double[] invStd(Layout l, double[] x, double[] mean, double eps) {
        double[] v = new double[l.c];
        for (int b = 0; b < l.n; b++)
            for (int ch = 0; ch < l.c; ch++)
                for (int i = 0; i < l.inner; i++) { double d = x[l.at(b, ch, i)] - mean[ch]; v[ch] += d * d; }
        for (int ch = 0; ch < l.c; ch++) v[ch] = 1 / Math.sqrt(v[ch] / l.count() + eps);
        return v;
    }

    private static double[] affine(Layout l, double[] x, double[] mean, double[] invStd, double[] gamma, double[] beta) {
        double[] y = new double[x.length];
        for (int b = 0; b < l.n; b++)
            for (int ch = 0; ch < l.c; ch++)
                for (int i = 0; i < l.inner; i++) {
                    int k = l.at(b, ch, i);
                    y[k] = gamma[ch] * (x[k] - mean[ch]) * invStd[ch] + beta[ch];
                }
        return y;
    }

    static double[] batchNormTrain(Node n, double[] x, double[] gamma, double[] beta) {
        Layout l = Layout.of(n.in(0).shape());
        double[] mean = mean(l, x);
        return affine(l, x, mean, invStd(l, x, mean, n.attrs().f("eps")), gamma, beta);
    }

    static double[] batchNorm(Node n, double[] x, double[] gamma, double[] beta, double[] mean, double[] var) {
        Layout l = Layout.of(n.in(0).shape());
        double eps = n.attrs().f("eps");
        double[] invStd = new double[l.c];
        for (int ch = 0; ch < l.c; ch++) invStd[ch] = 1 / Math.sqrt(var[ch] + eps);
        return affine(l, x, mean, invStd, gamma, beta);
    }

    /** Σ g and Σ g·x̂ per channel. */
    private static double[][] gradientSums(Layout l, double[] x, double[] g, double[] mean, double[] invStd) {
        double[] sg = new double[l.c], sgx = new double[l.c];
        for (int b = 0; b < l.n; b++)
            for (int ch = 0; ch < l.c; ch++)
                for (int i = 0; i < l.inner; i++) {
                    int k = l.at(b, ch, i);
                    sg[ch] += g[k];
                    sgx[ch] += g[k] * (x[k] - mean[ch]) * invStd[ch];
                }
        return new double[][] {sg, sgx};
    }

    /** dx = γ/σ · (g − mean(g) − x̂ · mean(g·x̂)). */
    static double[] batchNormInputGrad(Node n, double[] x, double[] gamma, double[] g) {
        Layout l = Layout.of(n.in(0).shape());
        double[] mean = mean(l, x), invStd = invStd(l, x, mean, n.attrs().f("eps"));
        double[][] s = gradientSums(l, x, g, mean, invStd);
        double[] dx = new double[x.length];
        for (int b = 0; b < l.n; b++)
            for (int ch = 0; ch < l.c; ch++)
                for (int i = 0; i < l.inner; i++) {
                    int k = l.at(b, ch, i);
                    double xhat = (x[k] - mean[ch]) * invStd[ch];
                    dx[k] = gamma[ch] * invStd[ch] * (g[k] - s[0][ch] / l.count() - xhat * s[1][ch] / l.count());
                }
        return dx;
    }

    static double[] batchNormGammaGrad(Node n, double[] x, double[] g) {
        Layout l = Layout.of(n.in(0).shape());
        double[] mean = mean(l, x);
        return gradientSums(l, x, g, mean, invStd(l, x, mean, n.attrs().f("eps")))[1];
    }

    /** The LRN denominator base s = k + α/n · Σ window a² for every element. */
    private static double[] lrnScale(Node n, double[] x) {
        Layout l = Layout.of(n.in(0).shape());
        int size = n.attrs().i("size");
        double alpha = n.attrs().f("alpha", 1e-4f), k = n.attrs().f("k", 1f);
        double[] s = new double[x.length];
        for (int b = 0; b < l.n; b++)
            for (int ch = 0; ch < l.c; ch++)
                for (int i = 0; i < l.inner; i++) {
                    double sum = 0;
                    for (int c2 = Math.max(0, ch - size / 2); c2 <= Math.min(l.c - 1, ch + (size - 1) / 2); c2++) {
                        double v = x[l.at(b, c2, i)];
                        sum += v * v;
                    }
                    s[l.at(b, ch, i)] = k + alpha / size * sum;
                }
        return s;
    }

    static double[] lrn(Node n, double[] x) {
        double beta = n.attrs().f("beta", 0.75f);
        double[] s = lrnScale(n, x);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] * Math.pow(s[i], -beta);
        return y;
    }

    /**
     * dx_j = g_j·s_j^−β − 2αβ/n · x_j · Σ_{c : j ∈ window(c)} g_c·x_c·s_c^(−β−1); channel j lies in
     * the window of c exactly when c ∈ [j − ⌊(n−1)/2⌋, j + ⌊n/2⌋].
     */
    static double[] lrnGrad(Node n, double[] x, double[] g) {
        Layout l = Layout.of(n.in(0).shape());
        int size = n.attrs().i("size");
        double alpha = n.attrs().f("alpha", 1e-4f), beta = n.attrs().f("beta", 0.75f);
        double[] s = lrnScale(n, x);
        double[] dx = new double[x.length];
        for (int b = 0; b < l.n; b++)
            for (int j = 0; j < l.c; j++)
                for (int i = 0; i < l.inner; i++) {
                    int kj = l.at(b, j, i);
                    double sum = 0;
                    for (int c = Math.max(0, j - (size - 1) / 2); c <= Math.min(l.c - 1, j + size / 2); c++) {
                        int kc = l.at(b, c, i);
                        sum += g[kc] * x[kc] * Math.pow(s[kc], -beta - 1);
                    }
                    dx[kj] = g[kj] * Math.pow(s[kj], -beta) - 2 * alpha * beta / size * x[kj] * sum;
                }
        return dx;
    }
}
