package dev.smok.cpu.conv;

import jdk.incubator.vector.FloatVector;

/**
 * What the forward convolution applies to each output value while it is still in a register,
 * before the store: {@code y = scale[oc]·acc + shift[oc]}, then {@code max(y, 0)} when
 * {@code relu}. A bias is a shift; an inference batch norm is a scale and a shift
 * (γ/√(var+ε) and β − mean·γ/√(var+ε)); the backend composes bias_add → batch_norm → relu
 * chains into one epilogue.
 *
 * <p>{@code scale} and {@code shift} are indexed by output channel from 0 (length at least the
 * geometry's {@code o}); null means 1 and 0. The arrays are read on every call, so their owner
 * may refill them between calls (the backend does, from the current parameters).
 */
public record ConvEpilogue(float[] scale, float[] shift, boolean relu) {
    /** A bias only: {@code y = acc + bias[oc]}. */
    public static ConvEpilogue bias(float[] bias) { return new ConvEpilogue(null, bias, false); }

    /** {@code v}, the accumulators of output channel {@code oc}, with the epilogue applied. */
    FloatVector apply(FloatVector v, int oc) {
        if (scale != null) v = v.mul(scale[oc]);
        if (shift != null) v = v.add(shift[oc]);
        return relu ? v.max(0f) : v;
    }
}
