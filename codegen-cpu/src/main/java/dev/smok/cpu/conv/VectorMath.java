package dev.smok.cpu.conv;

import static dev.smok.cpu.conv.DirectConv.L;
import static dev.smok.cpu.conv.DirectConv.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Small vectorized reductions over contiguous runs of floats, shared by the kernels. */
final class VectorMath {
    private VectorMath() {}

    /** Σ a[off .. off+n). */
    static float sum(float[] a, int off, int n) {
        FloatVector s = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) s = s.add(FloatVector.fromArray(S, a, off + i));
        float r = s.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) r += a[off + i];
        return r;
    }

    /** Σ (a[i] − m)² over a[off .. off+n). */
    static float sumSquaredDeviation(float[] a, int off, int n, float m) {
        FloatVector s = FloatVector.zero(S), mv = FloatVector.broadcast(S, m);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector d = FloatVector.fromArray(S, a, off + i).sub(mv);
            s = d.fma(d, s);
        }
        float r = s.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) { float d = a[off + i] - m; r += d * d; }
        return r;
    }

    /** Σ a[i]·(b[i] − m) over the runs a[aOff ..) and b[bOff ..) of length n. */
    static float dotCentered(float[] a, int aOff, float[] b, int bOff, int n, float m) {
        FloatVector s = FloatVector.zero(S), mv = FloatVector.broadcast(S, m);
        int i = 0;
        for (; i + L <= n; i += L) s = FloatVector.fromArray(S, b, bOff + i).sub(mv).fma(FloatVector.fromArray(S, a, aOff + i), s);
        float r = s.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) r += a[aOff + i] * (b[bOff + i] - m);
        return r;
    }
}
