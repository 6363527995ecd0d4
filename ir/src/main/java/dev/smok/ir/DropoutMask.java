package dev.smok.ir;

/**
 * The dropout mask, defined bit-exactly so every backend draws the same one: element
 * {@code index} of the tensor dropped by a dropout op with attribute {@code seed}, at training
 * step {@code step} (the value of the op's step-counter input), is kept when
 * {@code u >= p}, where {@code u} is the top 24 bits of
 * {@code mix64(seed·0x9E3779B97F4A7C15 + step·0xC2B2AE3D27D4EB4F + index)} divided by 2^24
 * and {@code mix64} is SplitMix64's finalizer. The same seed and step give the same mask; the
 * step counter advances every training step, so consecutive steps draw different masks.
 * Kept elements are scaled by 1/(1−p) (inverted dropout), so inference is the identity.
 */
public final class DropoutMask {
    private DropoutMask() {}

    /** SplitMix64's finalizer: a bijective 64-bit mix. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 24 bits, exactly representable as a float. */
    public static float uniform(int seed, long step, long index) {
        long h = mix64(seed * 0x9E3779B97F4A7C15L + step * 0xC2B2AE3D27D4EB4FL + index);
        return (h >>> 40) * 0x1.0p-24f;
    }

    /** Whether element {@code index} survives with drop probability {@code p}. */
    public static boolean keep(int seed, long step, long index, float p) {
        return uniform(seed, step, index) >= p;
    }
}
