/*
 * ThreadBudget: how many intra-op threads the non-Smok systems compute with (numpy's OpenBLAS,
 * PyTorch, ONNX Runtime, ND4J), set once by `./smok bench --threads N` (default 2).
 */
package dev.smok.harness;

/** The peers' intra-op thread count, from the system property {@value #PROPERTY} (default {@value #DEFAULT}). */
public final class ThreadBudget {
    private ThreadBudget() {}

    public static final String PROPERTY = "smok.bench.threads";
    public static final int DEFAULT = 2;

    /** The configured count; always at least 1. */
    public static int count() { return Math.max(1, Integer.getInteger(PROPERTY, DEFAULT)); }

    /** Sets the count for systems created from now on (native libraries read it when they load). */
    public static void set(int threads) {
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        System.setProperty(PROPERTY, Integer.toString(threads));
    }
}
