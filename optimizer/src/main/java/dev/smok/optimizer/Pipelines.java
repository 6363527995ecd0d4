package dev.smok.optimizer;

/** The standard pipelines. Print them, edit them with {@link Pipeline#without}, or build your own. */
public final class Pipelines {
    private Pipelines() {}

    /** Passes for an inference graph. */
    public static Pipeline inference() {
        return Pipeline.of(new DeadCodeElimination());
    }

    /** Forward graph with a {@code loss} output → optimized training step. */
    public static Pipeline training(OptimizerSpec optimizer) {
        return Pipeline.of(new Autodiff(optimizer, false), new DeadCodeElimination());
    }
}
