package dev.smok.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorized reductions over a tensor viewed as [outer, mid, inner] with the middle axes reduced
 * (any set of contiguous axes), called from generated code with constant offsets and extents.
 * When inner is 1 each output is a horizontal reduction of a contiguous row (16 lanes at a time,
 * masked tail, then one cross-lane reduction); otherwise the reduction runs down columns, 16
 * outputs per vector. Non-contiguous axis sets use {@link IndexedReduce}.
 */
public final class Reductions {
    private Reductions() {}

    static final VectorSpecies<Float> S = VectorMath.SPECIES;
    static final int L = S.length();
    /** Reduction modes. */
    public static final int SUM = 0, MEAN = 1, MAX = 2;

    /** out[o, i] = reduce over m of a[in + (o*mid + m)*inner + i]. */
    public static void reduce(float[] a, int in, int out, int outer, int mid, int inner, int mode) {
        float scale = mode == MEAN ? 1f / mid : 1f;
        if (inner == 1) {
            for (int o = 0; o < outer; o++) {
                int base = in + o * mid;
                float r = mode == MAX ? maxRow(a, base, mid) : sumRow(a, base, mid) * scale;
                a[out + o] = r;
            }
            return;
        }
        for (int o = 0; o < outer; o++) {
            int src = in + o * mid * inner, dst = out + o * inner;
            for (int i = 0; i < inner; i += L) {
                VectorMask<Float> m = S.indexInRange(i, inner);
                FloatVector acc = FloatVector.fromArray(S, a, src + i, m);
                for (int k = 1; k < mid; k++) {
                    FloatVector x = FloatVector.fromArray(S, a, src + k * inner + i, m);
                    acc = mode == MAX ? acc.max(x) : acc.add(x);
                }
                if (mode == MEAN) acc = acc.mul(scale);
                acc.intoArray(a, dst + i, m);
            }
        }
    }

    static float sumRow(float[] a, int base, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) acc = acc.add(FloatVector.fromArray(S, a, base + i));
        if (i < n) acc = acc.add(FloatVector.fromArray(S, a, base + i, S.indexInRange(i, n)));
        return acc.reduceLanes(VectorOperators.ADD);
    }

    static float maxRow(float[] a, int base, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i <= n - L; i += L) acc = acc.max(FloatVector.fromArray(S, a, base + i));
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, a, base + i, m), m);
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    /** out[o,m,i] = x[o,m,i] == y[o,i] ? g[o,i] : 0: the gradient of reduce_max, routed to every maximum. */
    public static void reduceMaxGrad(float[] a, int x, int y, int g, int out, int outer, int mid, int inner) {
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < mid; k++) {
                int xi = x + (o * mid + k) * inner, oi = out + (o * mid + k) * inner, yi = y + o * inner, gi = g + o * inner;
                for (int i = 0; i < inner; i += L) {
                    VectorMask<Float> m = S.indexInRange(i, inner);
                    FloatVector xv = FloatVector.fromArray(S, a, xi + i, m);
                    FloatVector yv = FloatVector.fromArray(S, a, yi + i, m);
                    FloatVector gv = FloatVector.fromArray(S, a, gi + i, m);
                    gv.blend(0f, xv.compare(VectorOperators.NE, yv)).intoArray(a, oi + i, m);
                }
            }
        }
    }

    /** Softmax (or log-softmax) of each row of a [rows, cols] matrix. */
    public static void softmax(float[] a, int in, int out, int rows, int cols, boolean log) {
        for (int r = 0; r < rows; r++) {
            int x = in + r * cols, y = out + r * cols;
            float max = maxRow(a, x, cols);
            FloatVector acc = FloatVector.zero(S);
            int i = 0;
            for (; i <= cols - L; i += L) {
                FloatVector e = FloatVector.fromArray(S, a, x + i).sub(max).lanewise(VectorOperators.EXP);
                if (!log) e.intoArray(a, y + i);
                acc = acc.add(e);
            }
            if (i < cols) {
                VectorMask<Float> m = S.indexInRange(i, cols);
                FloatVector e = FloatVector.fromArray(S, a, x + i, m).sub(max).lanewise(VectorOperators.EXP);
                if (!log) e.intoArray(a, y + i, m);
                acc = acc.add(e, m);
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            if (log) {
                float lse = max + (float) Math.log(sum);
                for (i = 0; i < cols; i += L) {
                    VectorMask<Float> m = S.indexInRange(i, cols);
                    FloatVector.fromArray(S, a, x + i, m).sub(lse).intoArray(a, y + i, m);
                }
            } else {
                float inv = 1f / sum;
                for (i = 0; i < cols; i += L) {
                    VectorMask<Float> m = S.indexInRange(i, cols);
                    FloatVector.fromArray(S, a, y + i, m).mul(inv).intoArray(a, y + i, m);
                }
            }
        }
    }

    /**
     * Gradient of softmax (y = softmax(x): y * (g - sum(g*y))) or of log-softmax
     * (y = log_softmax(x): g - exp(y) * sum(g)), row by row.
     */
    public static void softmaxGrad(float[] a, int y, int g, int out, int rows, int cols, boolean log) {
        for (int r = 0; r < rows; r++) {
            int yr = y + r * cols, gr = g + r * cols, or = out + r * cols;
            FloatVector acc = FloatVector.zero(S);
            for (int i = 0; i < cols; i += L) {
                VectorMask<Float> m = S.indexInRange(i, cols);
                FloatVector gv = FloatVector.fromArray(S, a, gr + i, m);
                acc = acc.add(log ? gv : gv.mul(FloatVector.fromArray(S, a, yr + i, m)));
            }
            float dot = acc.reduceLanes(VectorOperators.ADD);
            for (int i = 0; i < cols; i += L) {
                VectorMask<Float> m = S.indexInRange(i, cols);
                FloatVector gv = FloatVector.fromArray(S, a, gr + i, m);
                FloatVector yv = FloatVector.fromArray(S, a, yr + i, m);
                FloatVector res = log ? gv.sub(yv.lanewise(VectorOperators.EXP).mul(dot)) : yv.mul(gv.sub(dot));
                res.intoArray(a, or + i, m);
            }
        }
    }
}
