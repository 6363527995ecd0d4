/*
 * BenchSystem: one implementation the harness times (Smok's CPU backend, Smok's interpreter,
 * numpy, PyTorch through DJL, ONNX Runtime, DL4J). Systems come from SystemProvider services,
 * so a peer module on the class path adds its systems without the harness naming them.
 */
package dev.smok.harness;

/**
 * A system under test. The harness asks {@link #unsupported} first; for a supported workload it
 * {@link #open opens} a session, checks the session's outputs against the reference and only then
 * times it. Implementations must be cheap to construct: load native libraries in {@link #open}.
 */
public interface BenchSystem {
    /** Short stable name used in tables and JSON: {@code smok-cpu}, {@code pytorch-djl}, {@code numpy}. */
    String name();

    /** Version and configuration in one line (library versions, threads, kernels), for the report. */
    String describe();

    /** Null when this system can run {@code w}, else a one-line reason ("not available: ..."). */
    String unsupported(Workload w, WorkloadData data);

    /**
     * Prepares {@code data.workload}: builds or compiles the network with {@code data.weights},
     * copies inputs in. Nothing is timed yet.
     *
     * @throws Exception any failure; the harness reports it as this system's row and goes on
     */
    Session open(WorkloadData data) throws Exception;

    /** A prepared workload on one system. Not thread-safe. */
    interface Session extends AutoCloseable {
        /**
         * Outputs for the agreement check, computed from the initial state: sgemm {@code "c"}
         * [m·n]; inference {@code "y"} (softmax probabilities [batch·classes]); training, after
         * exactly one SGD step, {@code "loss"} [1] and {@code "delta/NAME"} (new minus initial
         * value) for every parameter, in PyTorch layout. Called once, before any timing.
         */
        Outputs check() throws Exception;

        /** Runs {@code iterations} iterations back to back and returns the elapsed nanoseconds. */
        long timeWindow(int iterations) throws Exception;

        /** Threads this system computes with (intra-op threads), or 0 when unknown. */
        int threads();

        /** Ids of helper processes (e.g. python) whose CPU time counts as the system's own. */
        default long[] helperPids() { return new long[0]; }

        @Override default void close() throws Exception {}
    }
}
