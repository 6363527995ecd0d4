package dev.smok.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The ceiling a Vector API kernel can reach on this machine: 12 independent FMA chains on the
 * preferred species, no memory traffic, on 1 and then 2 threads. Kernel speeds in the README are
 * compared with it. The loop counter is an int: with a long counter the same loop ran at 0.6 of
 * this rate here.
 *
 * <pre>
 * mvn -o -q -pl bench -am package -DskipTests
 * java --add-modules jdk.incubator.vector -cp bench/target/classes dev.smok.bench.FmaPeak
 * </pre>
 */
public final class FmaPeak {
    private FmaPeak() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    static float chains(int iterations, float[] seed) {
        FloatVector x = FloatVector.fromArray(S, seed, 0), y = FloatVector.fromArray(S, seed, 0);
        FloatVector c0 = x, c1 = y, c2 = x, c3 = y, c4 = x, c5 = y, c6 = x, c7 = y, c8 = x, c9 = y, c10 = x, c11 = y;
        for (int i = 0; i < iterations; i++) {
            c0 = x.fma(y, c0); c1 = x.fma(y, c1); c2 = x.fma(y, c2); c3 = x.fma(y, c3);
            c4 = x.fma(y, c4); c5 = x.fma(y, c5); c6 = x.fma(y, c6); c7 = x.fma(y, c7);
            c8 = x.fma(y, c8); c9 = x.fma(y, c9); c10 = x.fma(y, c10); c11 = x.fma(y, c11);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }

    public static void main(String[] args) throws InterruptedException {
        float[] seed = new float[S.length()];
        java.util.Arrays.fill(seed, 0.999f);
        for (int w = 0; w < 5; w++) chains(10_000_000, seed);
        int iterations = 200_000_000;
        double flopPerThread = 2.0 * 12 * S.length() * iterations;
        for (int threads = 1; threads <= 2; threads++) {
            Thread[] ts = new Thread[threads];
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                ts[t] = new Thread(() -> chains(iterations, seed));
                ts[t].start();
            }
            for (Thread t : ts) t.join();
            double seconds = (System.nanoTime() - t0) * 1e-9;
            System.out.printf("%d thread(s), %d-lane vectors: %.1f GFLOP/s%n", threads, S.length(), threads * flopPerThread / seconds * 1e-9);
        }
    }
}
