package dev.smok.cpu;

/**
 * The interface every generated schedule class implements. One hidden class per executable
 * implements it; its methods are thin entries into static, shape-specialized code.
 */
public interface Program {
    /**
     * Runs the prologue over {@code arena}: the steps that read only parameters, states and
     * constants (folded weights), whose results {@link #run} reads. Needed before the first run and
     * after any parameter or state changed; empty when nothing is hoisted.
     */
    void prepare(float[] arena);

    /** Runs the schedule (all but the prologue) once over {@code arena}. */
    void run(float[] arena);

    /**
     * Runs fused elementwise kernel {@code kernel} over rows {@code [r0, r1)} and columns
     * {@code [c0, c1)} of its two-dimensional iteration space. Used by the worker pool to split a
     * kernel and by {@link GemmKernel} to apply an epilogue to finished tiles.
     */
    void fused(int kernel, float[] arena, int r0, int r1, int c0, int c1);
}
