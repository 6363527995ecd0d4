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
     * {@code v}, the accumulators of output channel {@code oc} that will be stored at
     * {@code out[at ..]} ({@code n} valid lanes), with the epilogue applied.
     */
    FloatVector apply(FloatVector v, int oc, float[] out, int at, int n) {
        if (scale != null) v = v.mul(scale[oc]);
        if (shift != null) v = v.add(shift[oc]);
        if (residual) {
            int r = at + residualShift;
            v = v.add(n >= L ? FloatVector.fromArray(S, out, r) : FloatVector.fromArray(S, out, r, S.indexInRange(0, n)));
        }
        return relu ? v.max(0f) : v;
    }

    /** Applies the epilogue of output channel {@code oc} to {@code out[at .. at + n)} in place (values just stored there). */
    void applyInPlace(int oc, float[] out, int at, int n) {
        for (int i = 0; i < n; i += L) {
            int lanes = Math.min(L, n - i);
            if (lanes == L) apply(FloatVector.fromArray(S, out, at + i), oc, out, at + i, L).intoArray(out, at + i);
            else {
                VectorMask<Float> m = S.indexInRange(0, lanes);
                apply(FloatVector.fromArray(S, out, at + i, m), oc, out, at + i, lanes).intoArray(out, at + i, m);
            }
        }
    }
}
