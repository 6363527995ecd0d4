package dev.smok.cpu;

import dev.smok.ir.DropoutMask;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Per-channel kernels over [N,C,...] tensors (channel = axis 1, {@code inner} values per plane):
 * dropout, batch norm (inference, training, input and gamma gradients), LRN and its gradient, and
 * the channel sum that is a convolution's bias gradient (reduce_sum over every axis but 1).
 *
 * <p>Semantics are the interpreter's (NormKernels): batch statistics use the biased variance;
 * LRN is PyTorch's; dropout draws {@link DropoutMask} bit-exactly (same seed, step and flat
 * index), so the CPU mask equals the interpreter's. Statistics are summed per plane in float
 * vectors and across planes in double. Affine passes fold γ, β, mean and 1/σ into one scale and
 * shift per channel, so the element loop is one fused multiply-add.
 */
final class NormCalls {
    private NormCalls() {}

    static final VectorSpecies<Float> S = VectorMath.SPECIES;

    static OpCalls.Kernel create(Node n, int[] in, int out, OpCalls.Context ctx) {
        Shape xs = n.in(0).shape();
        OpCalls.Context split = xs.size() >= PoolKernels.PARALLEL_ELEMENTS ? ctx : null; // channels over the workers
        if (n.op() == Op.DROPOUT) {
            return new Dropout(in[0], in[1], out, xs.size(), n.attrs().f("p"), n.attrs().i("seed"));
        }
        if (n.op() == Op.REDUCE_SUM) {
            int[] nci = OpCalls.channelSumShape(n);
            return new PerChannel(n.op(), in, out, nci[0], nci[1], nci[2], 0, split);
        }
        int inner = xs.size(2, xs.rank());
        if (n.op() == Op.LRN || n.op() == Op.LRN_GRAD) {
            return new Lrn(n.op() == Op.LRN_GRAD, in[0], in.length > 1 ? in[1] : 0, out, xs.dim(0), xs.dim(1), inner,
                    n.attrs().i("size"), n.attrs().f("alpha", 1e-4f), n.attrs().f("beta", 0.75f), n.attrs().f("k", 1f));
        }
        return new PerChannel(n.op(), in, out, xs.dim(0), xs.dim(1), inner, n.attrs().f("eps", 1e-5f), split);
    }

    /** Σ a[off .. off+n). */
    static float sum(float[] a, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0, L = S.length();
        for (; i <= n - L; i += L) acc = acc.add(FloatVector.fromArray(S, a, off + i));
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[off + i];
        return s;
    }

    /** Σ (a[i] − m)·b[i] over n elements (b == null: Σ (a[i] − m)²). */
    static float dotCentered(float[] a, int aOff, float[] b, int bOff, int n, float m, boolean square) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0, L = S.length();
        for (; i <= n - L; i += L) {
            FloatVector d = FloatVector.fromArray(S, a, aOff + i).sub(m);
            acc = d.fma(square ? d : FloatVector.fromArray(S, b, bOff + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) { float d = a[aOff + i] - m; s += d * (square ? d : b[bOff + i]); }
        return s;
    }

    /** y[i] = x[i]·scale + shift over n elements. */
    static void affine(float[] a, int x, int y, int n, float scale, float shift) {
        int i = 0, L = S.length();
        for (; i <= n - L; i += L) FloatVector.fromArray(S, a, x + i).fma(scale, shift).intoArray(a, y + i);
        for (; i < n; i++) a[y + i] = a[x + i] * scale + shift;
    }

    /** x·mask/(1−p) with the mask of {@link DropoutMask} at the step held in a[step]. */
    static final class Dropout extends OpCalls.Kernel {
        private final int x, step, out, size, seed;
        private final float p, scale;

        Dropout(int x, int step, int out, int size, float p, int seed) {
            this.x = x; this.step = step; this.out = out; this.size = size; this.p = p; this.seed = seed;
            this.scale = (float) (1 / (1 - (double) p));
        }

        @Override public void run(float[] a) {
            long t = (long) a[step];
            for (int i = 0; i < size; i++) a[out + i] = DropoutMask.keep(seed, t, i, p) ? a[x + i] * scale : 0f;
        }

        @Override String describe() { return "dropout p=" + p + " seed=" + seed + " over " + size; }
    }

    /**
     * Batch norm family and the channel sum: statistics per channel, then a per-channel pass.
     * Channels are independent, so a large one splits its channels over the worker pool.
     */
    static final class PerChannel extends OpCalls.SplitKernel {
        private final Op op;
        private final int[] in;
        private final int out, n, c, inner;
        private final float eps;

        PerChannel(Op op, int[] in, int out, int n, int c, int inner, float eps, OpCalls.Context ctx) {
            super(c, ctx);
            this.op = op; this.in = in.clone(); this.out = out; this.n = n; this.c = c; this.inner = inner; this.eps = eps;
        }

        private int plane(int b, int ch) { return (b * c + ch) * inner; }

        private float mean(float[] a, int x, int ch) {
            double s = 0;
            for (int b = 0; b < n; b++) s += sum(a, x + plane(b, ch), inner);
            return (float) (s / ((double) n * inner));
        }

        private float invStd(float[] a, int x, int ch, float m) {
            double v = 0;
            for (int b = 0; b < n; b++) v += dotCentered(a, x + plane(b, ch), null, 0, inner, m, true);
            return (float) (1 / Math.sqrt(v / ((double) n * inner) + eps));
        }

        /** Channels [first, end). */
        @Override void items(float[] a, int first, int end, int part) {
            int x = in[0];
            double count = (double) n * inner;
            for (int ch = first; ch < end; ch++) {
                switch (op) {
                    case REDUCE_SUM -> {
                        double s = 0;
                        for (int b = 0; b < n; b++) s += sum(a, x + plane(b, ch), inner);
                        a[out + ch] = (float) s;
                    }
                    case BATCH_NORM -> { // (x, gamma, beta, mean, var)
                        float is = (float) (1 / Math.sqrt(a[in[4] + ch] + (double) eps));
                        float scale = a[in[1] + ch] * is, shift = a[in[2] + ch] - a[in[3] + ch] * scale;
                        for (int b = 0; b < n; b++) affine(a, x + plane(b, ch), out + plane(b, ch), inner, scale, shift);
                    }
                    case BATCH_NORM_TRAIN -> { // (x, gamma, beta)
                        float m = mean(a, x, ch), is = invStd(a, x, ch, m);
                        float scale = a[in[1] + ch] * is, shift = a[in[2] + ch] - m * scale;
                        for (int b = 0; b < n; b++) affine(a, x + plane(b, ch), out + plane(b, ch), inner, scale, shift);
                    }
                    case BATCH_NORM_GAMMA_GRAD -> { // (x, g)
                        float m = mean(a, x, ch), is = invStd(a, x, ch, m);
                        double sgx = 0;
                        for (int b = 0; b < n; b++) sgx += dotCentered(a, x + plane(b, ch), a, in[1] + plane(b, ch), inner, m, false);
                        a[out + ch] = (float) (sgx * is);
                    }
                    case BATCH_NORM_INPUT_GRAD -> { // (x, gamma, g): dx = γ/σ·(g − Σg/cnt − x̂·Σg·x̂/cnt)
                        int g = in[2];
                        float m = mean(a, x, ch), is = invStd(a, x, ch, m);
                        double sg = 0, sgx = 0;
                        for (int b = 0; b < n; b++) {
                            sg += sum(a, g + plane(b, ch), inner);
                            sgx += dotCentered(a, x + plane(b, ch), a, g + plane(b, ch), inner, m, false);
                        }
                        float k = a[in[1] + ch] * is;
                        float meanG = (float) (sg / count), meanGx = (float) (sgx * is / count);
                        // dx = k·g − k·meanG − k·meanGx·is·(x − m)
                        float cx = -k * meanGx * is, c0 = -k * meanG - cx * m;
                        for (int b = 0; b < n; b++) {
                            int xp = x + plane(b, ch), gp = g + plane(b, ch), op2 = out + plane(b, ch);
                            int i = 0, L = S.length();
                            for (; i <= inner - L; i += L) {
                                FloatVector gv = FloatVector.fromArray(S, a, gp + i), xv = FloatVector.fromArray(S, a, xp + i);
                                gv.mul(k).add(xv.fma(cx, c0)).intoArray(a, op2 + i);
                            }
                            for (; i < inner; i++) a[op2 + i] = a[gp + i] * k + (a[xp + i] * cx + c0);
                        }
                    }
                    default -> throw new IllegalStateException(op.text());
                }
            }
        }

        @Override String describe() {
            return op.text() + " n=" + n + " c=" + c + " inner=" + inner + (ctx == null ? "" : " (channels split over the workers)");
        }
    }

    /** LRN across channels and its gradient, one image at a time with per-image scratch planes. */
    static final class Lrn extends OpCalls.Kernel {
        private final boolean grad;
        private final int x, g, out, n, c, inner, size;
        private final float alpha, beta, k;
        private final float[] s, t; // per image: the denominators base s, and g·x·s^(−β−1)

        Lrn(boolean grad, int x, int g, int out, int n, int c, int inner, int size, float alpha, float beta, float k) {
            this.grad = grad; this.x = x; this.g = g; this.out = out; this.n = n; this.c = c; this.inner = inner;
            this.size = size; this.alpha = alpha; this.beta = beta; this.k = k;
            this.s = new float[c * inner];
            this.t = grad ? new float[c * inner] : null;
        }

        @Override public void run(float[] a) {
            int img = c * inner;
            float coef = alpha / size;
            for (int b = 0; b < n; b++) {
                int xb = x + b * img;
                for (int ch = 0; ch < c; ch++) {
                    int lo = Math.max(0, ch - size / 2), hi = Math.min(c - 1, ch + (size - 1) / 2);
                    for (int i = 0; i < inner; i++) {
                        float sum = 0;
                        for (int c2 = lo; c2 <= hi; c2++) { float v = a[xb + c2 * inner + i]; sum += v * v; }
                        s[ch * inner + i] = k + coef * sum;
                    }
                }
                if (!grad) {
                    for (int i = 0; i < img; i++) a[out + b * img + i] = a[xb + i] * (float) Math.pow(s[i], -beta);
                    continue;
                }
                int gb = g + b * img;
                for (int i = 0; i < img; i++) t[i] = a[gb + i] * a[xb + i] * (float) Math.pow(s[i], -beta - 1);
                float f = 2 * alpha * beta / size;
                for (int j = 0; j < c; j++) {
                    int lo = Math.max(0, j - (size - 1) / 2), hi = Math.min(c - 1, j + size / 2);
                    for (int i = 0; i < inner; i++) {
                        float sum = 0;
                        for (int c2 = lo; c2 <= hi; c2++) sum += t[c2 * inner + i];
                        int kj = j * inner + i;
                        a[out + b * img + kj] = a[gb + kj] * (float) Math.pow(s[kj], -beta) - f * a[xb + kj] * sum;
                    }
                }
            }
        }

        @Override String describe() { return (grad ? "lrn_grad" : "lrn") + " n=" + n + " c=" + c + " inner=" + inner + " size=" + size; }
    }
}
