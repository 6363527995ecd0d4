/*
 * Workload: one thing to time (a matrix product, a training step, an inference call) with its
 * sizes. Suites are lists of workloads; systems decide per workload whether they can run it.
 */
package dev.smok.harness;

import dev.smok.runtime.ModelZoo;

/**
 * One benchmarked operation. {@link Kind#SGEMM} uses {@code m, k, n} (C[m,n] = A[m,k]·B[k,n]);
 * {@link Kind#CONV} is a 3×3 convolution (stride 1, padding 1, no bias) of {@code batch} images
 * of {@code k} channels, {@code m}×{@code m} pixels, into {@code n} channels;
 * {@link Kind#TRAIN} and {@link Kind#INFER} use {@code network} and {@code batch}.
 */
public record Workload(Kind kind, String network, int batch, int m, int k, int n) {
    public enum Kind { SGEMM, CONV, TRAIN, INFER }

    /** Workloads above this many multiply-accumulates per iteration are too slow for the interpreter. */
    public static final long INTERPRETER_MAC_LIMIT = 300_000_000L;

    public static Workload sgemm(int m, int k, int n) { return new Workload(Kind.SGEMM, null, 0, m, k, n); }
    /** 3×3 convolution of [batch, channels, size, size] into [batch, filters, size, size]. */
    public static Workload conv3x3(int batch, int channels, int size, int filters) { return new Workload(Kind.CONV, null, batch, size, channels, filters); }
    public static Workload train(String network, int batch) { return new Workload(Kind.TRAIN, network, batch, 0, 0, 0); }
    public static Workload infer(String network, int batch) { return new Workload(Kind.INFER, network, batch, 0, 0, 0); }

    /** A stable identifier: {@code sgemm-1024x1024x1024}, {@code mlp-train-b64}, {@code lenet5-infer-b1}. */
    public String id() {
        return switch (kind) {
            case SGEMM -> "sgemm-" + m + "x" + k + "x" + n;
            case CONV -> "conv3x3-b" + batch + "-" + k + "x" + m + "x" + m + "-to" + n;
            case TRAIN -> network + "-train-b" + batch;
            case INFER -> network + "-infer-b" + batch;
        };
    }

    /** Input channels, image size and output channels of a {@link Kind#CONV} workload. */
    public int channels() { return k; }
    public int size() { return m; }
    public int filters() { return n; }

    /** Whether the network has a hand-written {@link NetSpec} (mlp, lenet5); zoo networks are taken from Smok's graph. */
    public boolean hasSpec() { return network != null && NetSpec.names().contains(network); }

    /** The network's spec (null for sgemm, conv and networks without one: see {@link #hasSpec()}). */
    public NetSpec spec() { return hasSpec() ? NetSpec.named(network) : null; }

    /** Multiply-accumulates per iteration (a training step counts forward + two backward products). */
    public long macs() {
        return switch (kind) {
            case SGEMM -> (long) m * k * n;
            case CONV -> (long) batch * n * m * m * k * 9;
            case INFER -> networkMacs() * batch;
            case TRAIN -> 3 * networkMacs() * batch;
        };
    }

    private long networkMacs() { return hasSpec() ? spec().macs() : ModelZoo.load(network).macs(); }

    /** Floating-point operations per iteration (2 per multiply-accumulate). */
    public double flops() { return 2.0 * macs(); }

    /** Whether the reference interpreter is worth timing on this workload. */
    public boolean smallEnoughForInterpreter() { return macs() <= INTERPRETER_MAC_LIMIT; }

    /** Samples (or products) per iteration, for throughput. */
    public int itemsPerIteration() { return kind == Kind.SGEMM ? 1 : batch; }

    /** Whether the workload's output is a matrix or image checked at sampled positions (sgemm, conv). */
    public boolean isKernel() { return kind == Kind.SGEMM || kind == Kind.CONV; }
}
