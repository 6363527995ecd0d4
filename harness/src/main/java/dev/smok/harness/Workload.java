/*
 * Workload: one thing to time (a matrix product, a training step, an inference call) with its
 * sizes. Suites are lists of workloads; systems decide per workload whether they can run it.
 */
package dev.smok.harness;

/**
 * One benchmarked operation. {@link Kind#SGEMM} uses {@code m, k, n} (C[m,n] = A[m,k]·B[k,n]);
 * {@link Kind#TRAIN} and {@link Kind#INFER} use {@code network} and {@code batch}.
 */
public record Workload(Kind kind, String network, int batch, int m, int k, int n) {
    public enum Kind { SGEMM, TRAIN, INFER }

    /** Workloads above this many multiply-accumulates per iteration are too slow for the interpreter. */
    public static final long INTERPRETER_MAC_LIMIT = 300_000_000L;

    public static Workload sgemm(int m, int k, int n) { return new Workload(Kind.SGEMM, null, 0, m, k, n); }
    public static Workload train(String network, int batch) { return new Workload(Kind.TRAIN, network, batch, 0, 0, 0); }
    public static Workload infer(String network, int batch) { return new Workload(Kind.INFER, network, batch, 0, 0, 0); }

    /** A stable identifier: {@code sgemm-1024x1024x1024}, {@code mlp-train-b64}, {@code lenet5-infer-b1}. */
    public String id() {
        return switch (kind) {
            case SGEMM -> "sgemm-" + m + "x" + k + "x" + n;
            case TRAIN -> network + "-train-b" + batch;
            case INFER -> network + "-infer-b" + batch;
        };
    }

    /** The network's spec (null for sgemm). */
    public NetSpec spec() { return network == null ? null : NetSpec.named(network); }

    /** Multiply-accumulates per iteration (a training step counts forward + two backward products). */
    public long macs() {
        return switch (kind) {
            case SGEMM -> (long) m * k * n;
            case INFER -> spec().macs() * batch;
            case TRAIN -> 3 * spec().macs() * batch;
        };
    }

    /** Floating-point operations per iteration (2 per multiply-accumulate). */
    public double flops() { return 2.0 * macs(); }

    /** Whether the reference interpreter is worth timing on this workload. */
    public boolean smallEnoughForInterpreter() { return macs() <= INTERPRETER_MAC_LIMIT; }

    /** Samples (or products) per iteration, for throughput. */
    public int itemsPerIteration() { return kind == Kind.SGEMM ? 1 : batch; }
}
