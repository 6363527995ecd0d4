package dev.smok.frontend;

import java.util.SplittableRandom;

/**
 * Parameter initializers. Each fills a parameter from its fan-in and fan-out with a seeded
 * generator; {@link #seeded} pins the seed (otherwise it derives from the network's seed and the
 * parameter's name, so adding a layer never changes the other layers' initial values).
 */
public interface Init {
    void fill(float[] data, int fanIn, int fanOut, SplittableRandom random);

    /** Glorot (Xavier) uniform: U(-a, a), a = sqrt(6 / (fanIn + fanOut)). Keras' default. */
    static Init glorot() {
        return named("glorot", (d, in, out, r) -> uniform(d, Math.sqrt(6.0 / (in + out)), r));
    }

    /** He (Kaiming) normal: N(0, 2 / fanIn), for ReLU networks. */
    static Init he() {
        return named("he", (d, in, out, r) -> normal(d, Math.sqrt(2.0 / in), r));
    }

    static Init zeros() { return named("zeros", (d, in, out, r) -> java.util.Arrays.fill(d, 0f)); }

    static Init constant(float c) { return named("constant(" + c + ")", (d, in, out, r) -> java.util.Arrays.fill(d, c)); }

    static Init normal(double std) { return named("normal(" + std + ")", (d, in, out, r) -> normal(d, std, r)); }

    /** {@code base} with its own fixed seed. */
    static Init seeded(Init base, long seed) { return new Seeded(base, seed); }

    /** Glorot with a fixed seed. */
    static Init glorot(long seed) { return seeded(glorot(), seed); }

    /** He with a fixed seed. */
    static Init he(long seed) { return seeded(he(), seed); }

    /** The generator for a parameter: the pinned seed if any, else one derived from the network seed and the name. */
    default SplittableRandom random(long networkSeed, String paramName) {
        return new SplittableRandom(networkSeed * 0x9E3779B97F4A7C15L + paramName.hashCode());
    }

    private static Init named(String name, Init f) {
        return new Init() {
            @Override public void fill(float[] data, int fanIn, int fanOut, SplittableRandom random) {
                f.fill(data, fanIn, fanOut, random);
            }
            @Override public String toString() { return name; }
        };
    }

    private static void uniform(float[] d, double a, SplittableRandom r) {
        for (int i = 0; i < d.length; i++) d[i] = (float) ((r.nextDouble() * 2 - 1) * a);
    }

    private static void normal(float[] d, double std, SplittableRandom r) {
        for (int i = 0; i < d.length; i++) {
            double u1 = 1 - r.nextDouble(), u2 = r.nextDouble(); // Box-Muller
            d[i] = (float) (std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
    }

    /** An initializer with a pinned seed. */
    record Seeded(Init base, long seed) implements Init {
        @Override public void fill(float[] data, int fanIn, int fanOut, SplittableRandom random) {
            base.fill(data, fanIn, fanOut, random);
        }
        @Override public SplittableRandom random(long networkSeed, String paramName) {
            return new SplittableRandom(seed);
        }
        @Override public String toString() { return base + "(seed=" + seed + ")"; }
    }
}
