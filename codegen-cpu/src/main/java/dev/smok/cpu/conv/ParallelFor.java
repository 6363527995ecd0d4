package dev.smok.cpu.conv;

import java.util.function.IntConsumer;

/**
 * The hook through which the kernels of this package run on several threads: every
 * multi-threaded kernel has a slice form taking {@code (thread, threads)} that computes a fixed,
 * disjoint part of the result, and a convenience form that hands the slices to a
 * {@code ParallelFor}. The CPU backend's worker pool implements this interface; nothing here
 * uses the common ForkJoinPool.
 */
@FunctionalInterface
public interface ParallelFor {
    /**
     * Calls {@code body.accept(t)} once for every t in [0, tasks), on any threads, and returns
     * after all calls have returned. Slices write disjoint outputs, so no ordering is needed.
     */
    void run(int tasks, IntConsumer body);

    /** Runs the slices one after another on the calling thread. */
    ParallelFor SERIAL = (tasks, body) -> {
        for (int t = 0; t < tasks; t++) body.accept(t);
    };

    /** The half-open range [begin, end) of {@code items} that slice {@code thread} of {@code threads} owns. */
    static int sliceBegin(int items, int thread, int threads) { return (int) ((long) items * thread / threads); }
}
