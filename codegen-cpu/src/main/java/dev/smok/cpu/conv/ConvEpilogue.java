package dev.smok.cpu.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static dev.smok.cpu.conv.DirectConv.L;
import static dev.smok.cpu.conv.DirectConv.S;

/**
 * What the forward convolution applies to each output value while it is still in a register,
 * before the store: {@code y = scale[oc]·acc + shift[oc]}, plus the residual when
 * {@code residual}, then {@code max(y, 0)} when {@code relu}. A bias is a shift; an inference
 * batch norm is a scale and a shift (γ/√(var+ε) and β − mean·γ/√(var+ε)); a ResNet shortcut is
 * the residual. The backend composes bias_add → batch_norm → add → relu chains into one epilogue.
 *
 * <p>{@code scale} and {@code shift} are indexed by output channel from 0 (length at least the
 * geometry's {@code o}); null means 1 and 0. The arrays are read on every call, so their owner
 * may refill them between calls (the backend does, from the current parameters). The residual
 * is a tensor of y's shape in y's own array (the backend's arena), {@code residualShift}
 * elements after y: the value added to y[i] is read at index {@code i + residualShift}.
 */
public record ConvEpilogue(float[] scale, float[] shift, boolean residual, int residualShift, boolean relu) {
    /** A bias only: {@code y = acc + bias[oc]}. */
    public static ConvEpilogue bias(float[] bias) { return new ConvEpilogue(null, bias, false, 0, false); }

    /** Scale, shift and ReLU, no residual. */
    public ConvEpilogue(float[] scale, float[] shift, boolean relu) { this(scale, shift, false, 0, relu); }

    /**
     * Applies the epilogue of output channel {@code oc} to {@code out[at .. at + n)} in place: the
     * kernels store their sums first and call this on them while they are in L1. (No vector
     * crosses a method boundary here; see the note in {@link DirectConv}.)
     */
    public void applyInPlace(int oc, float[] out, int at, int n) {
        float a = scale == null ? 1f : scale[oc], b = shift == null ? 0f : shift[oc];
        int i = 0;
        for (; i + L <= n; i += L) {
            int o = at + i;
            FloatVector v = FloatVector.fromArray(S, out, o).mul(a).add(b);
            if (residual) v = v.add(FloatVector.fromArray(S, out, o + residualShift));
            if (relu) v = v.max(0f);
            v.intoArray(out, o);
        }
        if (i < n) { // the tail, masked
            int o = at + i;
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, out, o, m).mul(a).add(b);
            if (residual) v = v.add(FloatVector.fromArray(S, out, o + residualShift, m));
            if (relu) v = v.max(0f);
            v.intoArray(out, o, m);
        }
    }
}
