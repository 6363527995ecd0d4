/*
 * References: the harness's own double-precision answers, against which every system is
 * checked: sampled entries of a matrix product and of a convolution, and a plain forward pass
 * over a NetSpec. Written for obviousness, not speed. Zoo networks, which have no NetSpec, are
 * checked against GraphReference's forward pass over their inference graph.
 */
package dev.smok.harness;

import java.util.Map;
import java.util.SplittableRandom;

/** Reference outputs computed in double precision. */
public final class References {
    private References() {}

    /** Positions of C = A·B sampled for the sgemm agreement check. */
    public static final int SGEMM_SAMPLES = 256;

    /** {@code "c"} of A[m,k]·B[k,n] at {@link #SGEMM_SAMPLES} seeded positions (always including both corners). */
    public static Outputs sgemm(WorkloadData d) {
        Workload w = d.workload;
        int samples = Math.min(SGEMM_SAMPLES, w.m() * w.n());
        SplittableRandom r = new SplittableRandom(7);
        int[] idx = new int[samples];
        float[] v = new float[samples];
        for (int s = 0; s < samples; s++) {
            int flat = s == 0 ? 0 : s == 1 ? w.m() * w.n() - 1 : r.nextInt(w.m() * w.n());
            int i = flat / w.n(), j = flat % w.n();
            double acc = 0;
            for (int p = 0; p < w.k(); p++) acc += (double) d.a[i * w.k() + p] * d.b[p * w.n() + j];
            idx[s] = flat;
            v[s] = (float) acc;
        }
        return new Outputs().sampled("c", idx, v);
    }

    /**
     * {@code "y"} [batch, filters, size, size] of the 3×3 convolution (stride 1, padding 1) at
     * {@link #SGEMM_SAMPLES} seeded positions (always including both corners).
     */
    public static Outputs conv(WorkloadData d) {
        Workload w = d.workload;
        int c = w.channels(), s = w.size(), f = w.filters();
        int total = w.batch() * f * s * s;
        SplittableRandom r = new SplittableRandom(7);
        int[] idx = new int[SGEMM_SAMPLES];
        float[] v = new float[SGEMM_SAMPLES];
        for (int i = 0; i < SGEMM_SAMPLES; i++) {
            int flat = i == 0 ? 0 : i == 1 ? total - 1 : r.nextInt(total);
            int n = flat / (f * s * s), o = flat / (s * s) % f, y = flat / s % s, x = flat % s;
            double acc = 0;
            for (int ch = 0; ch < c; ch++) {
                for (int u = 0; u < 3; u++) {
                    for (int t = 0; t < 3; t++) {
                        int iy = y + u - 1, ix = x + t - 1;
                        if (iy < 0 || iy >= s || ix < 0 || ix >= s) continue;
                        acc += (double) d.a[((n * c + ch) * s + iy) * s + ix] * d.b[((o * c + ch) * 3 + u) * 3 + t];
                    }
                }
            }
            idx[i] = flat;
            v[i] = (float) acc;
        }
        return new Outputs().sampled("y", idx, v);
    }

    /** {@code "y"} of a network that only Smok describes (the zoo): {@link GraphReference} on its inference graph. */
    public static Outputs graph(WorkloadData d) {
        return new Outputs().put("y", d.graphReference() != null ? d.graphReference() : GraphReference.run(d.graph(), d.x, d.weights));
    }

    /** {@code "y"}: the softmax outputs of {@code spec} with {@code weights} for {@code batch} samples of {@code x}. */
    public static Outputs forward(NetSpec spec, Map<String, float[]> weights, float[] x, int batch) {
        int in = spec.inputSize();
        float[] y = new float[batch * spec.classes()];
        for (int s = 0; s < batch; s++) {
            double[] v = new double[in];
            for (int i = 0; i < in; i++) v[i] = x[s * in + i];
            int c = spec.inputShape()[0], h = spec.inputShape()[1], wd = spec.inputShape()[2];
            for (NetSpec.Layer l : spec.layers()) {
                switch (l) {
                    case NetSpec.Dense dl -> v = dense(v, weights.get(dl.name() + ".weight"), weights.get(dl.name() + ".bias"), dl.in(), dl.out());
                    case NetSpec.Conv cv -> {
                        int oh = h + 2 * cv.pad() - cv.kernel() + 1, ow = wd + 2 * cv.pad() - cv.kernel() + 1;
                        v = conv(v, weights.get(cv.name() + ".weight"), weights.get(cv.name() + ".bias"), cv, h, wd, oh, ow);
                        c = cv.out(); h = oh; wd = ow;
                    }
                    case NetSpec.MaxPool p -> { v = maxPool(v, c, h, wd, p.size()); h /= p.size(); wd /= p.size(); }
                    case NetSpec.Relu ignored -> { for (int i = 0; i < v.length; i++) v[i] = Math.max(0, v[i]); }
                    case NetSpec.Flatten ignored -> { }
                    case NetSpec.Softmax ignored -> softmax(v);
                }
            }
            for (int j = 0; j < v.length; j++) y[s * v.length + j] = (float) v[j];
        }
        return new Outputs().put("y", y);
    }

    private static double[] dense(double[] x, float[] w, float[] b, int in, int out) {
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double acc = b[o];
            for (int i = 0; i < in; i++) acc += x[i] * w[o * in + i];
            y[o] = acc;
        }
        return y;
    }

    private static double[] conv(double[] x, float[] w, float[] b, NetSpec.Conv cv, int h, int wd, int oh, int ow) {
        int k = cv.kernel();
        double[] y = new double[cv.out() * oh * ow];
        for (int o = 0; o < cv.out(); o++) {
            for (int r = 0; r < oh; r++) {
                for (int q = 0; q < ow; q++) {
                    double acc = b[o];
                    for (int c = 0; c < cv.in(); c++) {
                        for (int u = 0; u < k; u++) {
                            int ir = r + u - cv.pad();
                            if (ir < 0 || ir >= h) continue;
                            for (int t = 0; t < k; t++) {
                                int iq = q + t - cv.pad();
                                if (iq < 0 || iq >= wd) continue;
                                acc += x[(c * h + ir) * wd + iq] * w[((o * cv.in() + c) * k + u) * k + t];
                            }
                        }
                    }
                    y[(o * oh + r) * ow + q] = acc;
                }
            }
        }
        return y;
    }

    private static double[] maxPool(double[] x, int c, int h, int w, int s) {
        int oh = h / s, ow = w / s;
        double[] y = new double[c * oh * ow];
        for (int ch = 0; ch < c; ch++) {
            for (int r = 0; r < oh; r++) {
                for (int q = 0; q < ow; q++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u < s; u++) for (int t = 0; t < s; t++) m = Math.max(m, x[(ch * h + r * s + u) * w + q * s + t]);
                    y[(ch * oh + r) * ow + q] = m;
                }
            }
        }
        return y;
    }

    private static void softmax(double[] v) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double d : v) max = Math.max(max, d);
        for (int i = 0; i < v.length; i++) { v[i] = Math.exp(v[i] - max); sum += v[i]; }
        for (int i = 0; i < v.length; i++) v[i] /= sum;
    }
}
