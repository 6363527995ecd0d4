package dev.smok.cpu;

/**
 * Runs one generated fused loop over its whole [rows, cols] iteration space, split across the
 * worker pool when it is large: by rows when there are enough, otherwise by column ranges that
 * are multiples of the vector length. Small loops run on the calling thread. Allocation-free.
 */
public final class FusedTask implements WorkerPool.Task {
    /** Below this many elements a fused loop stays on one thread. */
    static final int PARALLEL_MIN_ELEMENTS = 1 << 16;

    private final int id, rows, cols, parts;
    private final WorkerPool pool;
    private Program program;
    private float[] arena;

    FusedTask(WorkerPool pool, int id, int rows, int cols) {
        this.pool = pool;
        this.id = id;
        this.rows = rows;
        this.cols = cols;
        long size = (long) rows * cols;
        int threads = pool == null ? 1 : pool.threads();
        this.parts = size < PARALLEL_MIN_ELEMENTS ? 1 : threads;
    }

    void bind(Program p) { this.program = p; }

    /** Whether the loop is split over threads. */
    boolean parallel() { return parts > 1; }

    /** Runs the loop over the arena. */
    public void run(float[] a) {
        if (parts == 1) {
            program.fused(id, a, 0, rows, 0, cols);
            return;
        }
        arena = a;
        pool.run(this, parts);
        arena = null;
    }

    @Override public void run(int part, int nParts) {
        if (rows >= nParts * 4) {
            int r0 = (int) ((long) rows * part / nParts), r1 = (int) ((long) rows * (part + 1) / nParts);
            program.fused(id, arena, r0, r1, 0, cols);
        } else {
            int l = VectorMath.SPECIES.length();
            int units = (cols + l - 1) / l;
            int c0 = Math.min(cols, (int) ((long) units * part / nParts) * l);
            int c1 = Math.min(cols, (int) ((long) units * (part + 1) / nParts) * l);
            program.fused(id, arena, 0, rows, c0, c1);
        }
    }
}
