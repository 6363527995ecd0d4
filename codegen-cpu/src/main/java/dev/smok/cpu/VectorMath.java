package dev.smok.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lane-wise arithmetic of every elementwise op, one tiny static method per op. Generated fused
 * loops load vectors, call these (C2 inlines them, so no vector is ever boxed) and store results.
 * Each method's semantics match the reference interpreter's definition of its op.
 */
public final class VectorMath {
    private VectorMath() {}

    /**
     * The vector shape of all CPU kernels: the machine's preferred float species (16 lanes with
     * AVX-512, 8 with AVX2). A species wider than the hardware is not intrinsified by C2 and falls
     * back to slow, allocating Java code, so the width is never hard-wired. The system property
     * {@code smok.cpu.vectorBits} (128, 256 or 512) overrides it; tests use it to run the AVX-512
     * kernels' logic on AVX2 machines.
     */
    public static final VectorSpecies<Float> SPECIES = chooseSpecies(System.getProperty("smok.cpu.vectorBits"));

    private static VectorSpecies<Float> chooseSpecies(String bits) {
        if (bits == null || bits.isEmpty()) return FloatVector.SPECIES_PREFERRED;
        return switch (bits) {
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException("smok.cpu.vectorBits must be 128, 256 or 512, got " + bits);
        };
    }
    /** Probability clamp of the BCE loss and gradient (same as the interpreter). */
    static final float BCE_EPS = 1e-7f;

    public static FloatVector neg(FloatVector x) { return x.neg(); }
    public static FloatVector exp(FloatVector x) { return x.lanewise(VectorOperators.EXP); }
    public static FloatVector log(FloatVector x) { return x.lanewise(VectorOperators.LOG); }
    public static FloatVector sqrt(FloatVector x) { return x.lanewise(VectorOperators.SQRT); }
    public static FloatVector tanh(FloatVector x) { return x.lanewise(VectorOperators.TANH); }
    public static FloatVector relu(FloatVector x) { return x.max(0f); }
    public static FloatVector scale(FloatVector x, float alpha, float beta) { return x.mul(alpha).add(beta); }

    public static FloatVector sigmoid(FloatVector x) {
        FloatVector den = x.neg().lanewise(VectorOperators.EXP).add(1f);
        return den.broadcast(1f).div(den);
    }

    public static FloatVector add(FloatVector x, FloatVector y) { return x.add(y); }
    public static FloatVector sub(FloatVector x, FloatVector y) { return x.sub(y); }
    public static FloatVector mul(FloatVector x, FloatVector y) { return x.mul(y); }
    public static FloatVector div(FloatVector x, FloatVector y) { return x.div(y); }

    public static FloatVector reluGrad(FloatVector y, FloatVector g) {
        return g.blend(0f, y.compare(VectorOperators.LE, 0f));
    }

    public static FloatVector sigmoidGrad(FloatVector y, FloatVector g) { return g.mul(y).mul(y.neg().add(1f)); }

    public static FloatVector tanhGrad(FloatVector y, FloatVector g) { return g.mul(y.mul(y).neg().add(1f)); }

    /** {@code scale} is 2 / size. */
    public static FloatVector mseGrad(FloatVector p, FloatVector t, FloatVector g, float scale) {
        return p.sub(t).mul(g).mul(scale);
    }

    /** {@code scale} is 1 / size. */
    public static FloatVector bceGrad(FloatVector p, FloatVector t, FloatVector g, float scale) {
        FloatVector q = p.max(BCE_EPS).min(1f - BCE_EPS);
        return q.sub(t).div(q.mul(q.neg().add(1f))).mul(g).mul(scale);
    }

    public static FloatVector sgdUpdate(FloatVector p, FloatVector g, float lr, float weightDecay) {
        return p.sub(g.add(p.mul(weightDecay)).mul(lr));
    }

    public static FloatVector momentumVelocity(FloatVector v, FloatVector g, float momentum) {
        return v.mul(momentum).add(g);
    }

    public static FloatVector adamMoment(FloatVector m, FloatVector g, float beta) {
        return m.mul(beta).add(g.mul(1f - beta));
    }

    public static FloatVector adamVelocity(FloatVector v, FloatVector g, float beta) {
        return v.mul(beta).add(g.mul(g).mul(1f - beta));
    }

    /** 1 / (1 - beta^step): the bias correction of Adam, computed once per row of a kernel. */
    public static float adamInverseCorrection(float beta, float step) {
        return (float) (1.0 / (1.0 - Math.pow(beta, step)));
    }

    /** p - lr * (m * ic1) / (sqrt(v * ic2) + eps). */
    public static FloatVector adamUpdate(FloatVector p, FloatVector m, FloatVector v, float lr, float ic1, float ic2, float eps) {
        FloatVector den = v.mul(ic2).lanewise(VectorOperators.SQRT).add(eps);
        return p.sub(m.mul(ic1 * lr).div(den));
    }
}
