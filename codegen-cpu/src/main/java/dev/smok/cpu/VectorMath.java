package dev.smok.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Shared vector constants and scalar helpers of the CPU kernels: the vector species every kernel
 * uses, the BCE probability clamp, and Adam's bias correction (computed once per row of a fused
 * loop). The lane-wise arithmetic itself is emitted inline by {@link VectorOpEmitter}.
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

    /** 1 / (1 - beta^step): the bias correction of Adam, computed once per row of a kernel. */
    public static float adamInverseCorrection(float beta, float step) {
        return (float) (1.0 / (1.0 - Math.pow(beta, step)));
    }
}
