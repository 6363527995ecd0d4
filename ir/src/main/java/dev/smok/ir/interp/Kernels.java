package dev.smok.ir.interp;

import dev.smok.ir.Attrs;
import dev.smok.ir.Node;
import dev.smok.ir.Shape;

import java.util.function.DoubleBinaryOperator;

/** The interpreter's non-trivial kernels, written for clarity: index arithmetic, float64. */
final class Kernels {
    private Kernels() {}

    /** Probabilities are clamped away from 0 and 1 before logs in the BCE loss and its gradient. */
    static final double BCE_EPS = 1e-7;

    static double clampProbability(double p) { return Math.min(Math.max(p, BCE_EPS), 1 - BCE_EPS); }

    /** Flat index into a (right-aligned, possibly broadcast) input for output coordinate {@code i}. */
    private static int sourceIndex(int i, int[] outDims, Shape in) {
        int r = outDims.length, off = r - in.rank(), idx = 0, stride = 1;
        for (int d = r - 1; d >= 0; d--) {
            int coord = i % outDims[d];
            i /= outDims[d];
            if (d >= off) {
                int n = in.dim(d - off);
                if (n != 1) idx += coord * stride;
                stride *= n;
            }
        }
        return idx;
    }

    static double[] broadcast(Node n, double[] x, double[] y, DoubleBinaryOperator f) {
        Shape os = n.out().shape();
        int[] od = os.dims();
        Shape xs = n.in(0).shape();
        Shape ys = n.inputs().size() > 1 ? n.in(1).shape() : Shape.scalar();
        double[] r = new double[os.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = f.applyAsDouble(x[sourceIndex(i, od, xs)], y[sourceIndex(i, od, ys)]);
        }
        return r;
    }

    static double[] biasAdd(Shape s, double[] x, double[] b) {
        int c = s.dim(1), inner = s.size(2, s.rank());
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = x[i] + b[(i / inner) % c];
        return r;
    }

    static double[] matmul(Node n, double[] a, double[] b) {
        Attrs at = n.attrs();
        boolean ta = at.b("trans_a", false), tb = at.b("trans_b", false);
        Shape as = n.in(0).shape(), bs = n.in(1).shape();
        int m = n.out().shape().dim(0), nn = n.out().shape().dim(1);
        int k = ta ? as.dim(0) : as.dim(1);
        int lda = as.dim(1), ldb = bs.dim(1);
        double[] c = new double[m * nn];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < nn; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[p * lda + i] : a[i * lda + p];
                    double bv = tb ? b[j * ldb + p] : b[p * ldb + j];
                    acc += av * bv;
                }
                c[i * nn + j] = acc;
            }
        }
        return c;
    }

    /** Softmax (or log-softmax) over the last axis. */
    static double[] softmax(Shape s, double[] x, boolean log) {
        int c = s.dim(-1), rows = x.length / c;
        double[] r = new double[x.length];
        for (int row = 0; row < rows; row++) {
            int o = row * c;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) max = Math.max(max, x[o + j]);
            double sum = 0;
            for (int j = 0; j < c; j++) sum += Math.exp(x[o + j] - max);
            double lse = max + Math.log(sum);
            for (int j = 0; j < c; j++) r[o + j] = log ? x[o + j] - lse : Math.exp(x[o + j] - lse);
        }
        return r;
    }

    static double[] softmaxGrad(Shape s, double[] y, double[] g, boolean log) {
        int c = s.dim(-1), rows = y.length / c;
        double[] r = new double[y.length];
        for (int row = 0; row < rows; row++) {
            int o = row * c;
            double dot = 0;
            for (int j = 0; j < c; j++) dot += log ? g[o + j] : g[o + j] * y[o + j];
            for (int j = 0; j < c; j++) {
                r[o + j] = log ? g[o + j] - Math.exp(y[o + j]) * dot : y[o + j] * (g[o + j] - dot);
            }
        }
        return r;
    }

    /** Output flat index of input element {@code i} for a reduction over {@code axes}. */
    private static int reducedIndex(int i, int[] dims, boolean[] reduced) {
        int idx = 0, stride = 1;
        for (int d = dims.length - 1; d >= 0; d--) {
            int coord = i % dims[d];
            i /= dims[d];
            if (!reduced[d]) { idx += coord * stride; stride *= dims[d]; }
        }
        return idx;
    }

    private static boolean[] reducedAxes(Node n) {
        Shape xs = n.in(0).shape();
        boolean[] red = new boolean[xs.rank()];
        for (int ax : xs.normalizeAxes(n.attrs().ints("axes"))) red[ax] = true;
        return red;
    }

    /** mode 0: sum, 1: mean, 2: max. */
    static double[] reduce(Node n, double[] x, int mode) {
        int[] dims = n.in(0).shape().dims();
        boolean[] red = reducedAxes(n);
        double[] r = new double[n.out().shape().size()];
        if (mode == 2) java.util.Arrays.fill(r, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < x.length; i++) {
            int o = reducedIndex(i, dims, red);
            r[o] = mode == 2 ? Math.max(r[o], x[i]) : r[o] + x[i];
        }
        if (mode == 1) {
            double count = (double) x.length / r.length;
            for (int i = 0; i < r.length; i++) r[i] /= count;
        }
        return r;
    }

    static double[] reduceMaxGrad(Node n, double[] x, double[] y, double[] g) {
        int[] dims = n.in(0).shape().dims();
        boolean[] red = reducedAxes(n);
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int o = reducedIndex(i, dims, red);
            if (x[i] == y[o]) r[i] = g[o];
        }
        return r;
    }

    static double[] transpose(Node n, double[] x) {
        int[] perm = n.attrs().ints("perm");
        Shape in = n.in(0).shape();
        int[] inStrides = in.strides();
        int[] od = n.out().shape().dims();
        double[] r = new double[x.length];
        for (int i = 0; i < r.length; i++) {
            int rem = i, src = 0;
            for (int d = od.length - 1; d >= 0; d--) {
                src += (rem % od[d]) * inStrides[perm[d]];
                rem /= od[d];
            }
            r[i] = x[src];
        }
        return r;
    }

    static double[] oneHot(Shape s, double[] labels) {
        int c = s.dim(1);
        double[] r = new double[s.size()];
        for (int i = 0; i < labels.length; i++) r[i * c + label(labels[i], c)] = 1;
        return r;
    }

    static int label(double v, int classes) {
        int l = (int) v;
        if (l != v || l < 0 || l >= classes) {
            throw new IllegalArgumentException("label " + v + " is not a class index in 0.." + (classes - 1));
        }
        return l;
    }

    static double mse(double[] p, double[] t) {
        double s = 0;
        for (int i = 0; i < p.length; i++) s += (p[i] - t[i]) * (p[i] - t[i]);
        return s / p.length;
    }

    static double bce(double[] p, double[] t) {
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            double q = clampProbability(p[i]);
            s -= t[i] * Math.log(q) + (1 - t[i]) * Math.log(1 - q);
        }
        return s / p.length;
    }

    static double softmaxXent(Shape s, double[] x, double[] labels) {
        double[] ls = softmax(s, x, true);
        int c = s.dim(1), rows = s.dim(0);
        double loss = 0;
        for (int i = 0; i < rows; i++) loss -= ls[i * c + label(labels[i], c)];
        return loss / rows;
    }

    static double[] softmaxXentGrad(Shape s, double[] x, double[] labels, double g) {
        double[] p = softmax(s, x, false);
        int c = s.dim(1), rows = s.dim(0);
        for (int i = 0; i < rows; i++) p[i * c + label(labels[i], c)] -= 1;
        for (int i = 0; i < p.length; i++) p[i] *= g / rows;
        return p;
    }

    static double[] adam(Attrs a, double[] p, double[] m, double[] v, double step) {
        double lr = a.f("lr"), b1 = a.f("beta1"), b2 = a.f("beta2"), eps = a.f("eps");
        double c1 = 1 - Math.pow(b1, step), c2 = 1 - Math.pow(b2, step);
        double[] r = new double[p.length];
        for (int i = 0; i < p.length; i++) r[i] = p[i] - lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps);
        return r;
    }
}
