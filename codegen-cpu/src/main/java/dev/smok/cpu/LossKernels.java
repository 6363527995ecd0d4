package dev.smok.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorized losses (means over all elements or rows, scalar results) and the gradient of the
 * softmax cross-entropy, plus one-hot encoding. Labels are floats holding exact class indices;
 * an invalid label is an {@link IllegalArgumentException} naming it.
 */
public final class LossKernels {
    private LossKernels() {}

    static final VectorSpecies<Float> S = VectorMath.SPECIES;
    static final int L = S.length();

    /** a[out] = mean((p - t)^2) over n elements. */
    public static void mse(float[] a, int p, int t, int out, int n) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector d = FloatVector.fromArray(S, a, p + i, m).sub(FloatVector.fromArray(S, a, t + i, m));
            acc = d.fma(d, acc);
        }
        a[out] = acc.reduceLanes(VectorOperators.ADD) / n;
    }

    /** a[out] = mean(-(t log q + (1-t) log(1-q))), q = p clamped to [1e-7, 1-1e-7]. */
    public static void bce(float[] a, int p, int t, int out, int n) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector q = FloatVector.fromArray(S, a, p + i, m).max(VectorMath.BCE_EPS).min(1f - VectorMath.BCE_EPS);
            FloatVector tv = FloatVector.fromArray(S, a, t + i, m);
            FloatVector term = tv.mul(q.lanewise(VectorOperators.LOG))
                    .add(tv.neg().add(1f).mul(q.neg().add(1f).lanewise(VectorOperators.LOG)));
            acc = acc.sub(term, m);
        }
        a[out] = acc.reduceLanes(VectorOperators.ADD) / n;
    }

    static int label(float v, int classes) {
        int l = (int) v;
        if (l != v || l < 0 || l >= classes) {
            throw new IllegalArgumentException("label " + v + " is not a class index in 0.." + (classes - 1));
        }
        return l;
    }

    /** a[out] = mean over rows of (logsumexp(x_row) - x_row[label]). */
    public static void softmaxXent(float[] a, int x, int labels, int out, int rows, int cols) {
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            int xr = x + r * cols;
            float max = Reductions.maxRow(a, xr, cols);
            FloatVector acc = FloatVector.zero(S);
            for (int i = 0; i < cols; i += L) {
                VectorMask<Float> m = S.indexInRange(i, cols);
                acc = acc.add(FloatVector.fromArray(S, a, xr + i, m).sub(max).lanewise(VectorOperators.EXP), m);
            }
            float lse = max + (float) Math.log(acc.reduceLanes(VectorOperators.ADD));
            loss += lse - a[xr + label(a[labels + r], cols)];
        }
        a[out] = (float) (loss / rows);
    }

    /** out = (softmax(x) - onehot(labels)) * g / rows, with g the scalar at a[g]. */
    public static void softmaxXentGrad(float[] a, int x, int labels, int g, int out, int rows, int cols) {
        Reductions.softmax(a, x, out, rows, cols, false);
        float s = a[g] / rows;
        for (int r = 0; r < rows; r++) {
            int orow = out + r * cols;
            a[orow + label(a[labels + r], cols)] -= 1f;
            for (int i = 0; i < cols; i += L) {
                VectorMask<Float> m = S.indexInRange(i, cols);
                FloatVector.fromArray(S, a, orow + i, m).mul(s).intoArray(a, orow + i, m);
            }
        }
    }

    /** Rows of one-hot vectors: out[r, labels[r]] = 1, all else 0. */
    public static void oneHot(float[] a, int labels, int out, int rows, int classes) {
        java.util.Arrays.fill(a, out, out + rows * classes, 0f);
        for (int r = 0; r < rows; r++) a[out + r * classes + label(a[labels + r], classes)] = 1f;
    }
}
