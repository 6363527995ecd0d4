package dev.smok.optimizer;

import dev.smok.optimizer.passes.AlgebraicSimplification;
import dev.smok.optimizer.passes.CommonSubexpressionElimination;
import dev.smok.optimizer.passes.ConstantFolding;
import dev.smok.optimizer.passes.FoldLinear;

import java.util.ArrayList;
import java.util.List;

/**
 * The standard pipelines. Print them, edit them with {@link Pipeline#without} and
 * {@link Pipeline#then}, or build your own from {@link #standardPasses()}:
 *
 * <pre>{@code
 * jshell> Pipelines.training(OptimizerSpec.adam(1e-3f))
 * autodiff -> fold-constants -> simplify -> cse -> dce
 * jshell> Pipelines.inference()
 * fold-linear -> fold-constants -> simplify -> cse -> dce
 * jshell> Pipelines.inference().without("cse").run(graph)
 * }</pre>
 *
 * The inference pipeline starts with {@code fold-linear} (batch norm into the convolution before
 * it, a 1x1 convolution into the one before it; see {@link FoldLinear}): it only applies to
 * inference graphs, whose batch norm uses running statistics and whose intermediate values
 * are read once. Then, in every pipeline: constant folding first (it turns constant subtrees into fills that the rewrite rules
 * recognise, e.g. {@code x * (2 - 1)}), then algebraic simplification, then CSE (simplified
 * nodes expose more duplicates), then dead-code elimination of what the others left unread.
 * Fusion and the memory plan are analyses of the result ({@link FusionPlan}, {@link MemoryPlan}),
 * not graph rewrites.
 */
public final class Pipelines {
    private Pipelines() {}

    /** The graph-cleaning passes every pipeline ends with: fold-constants, simplify, cse, dce. */
    public static List<Pass> standardPasses() {
        return List.of(new ConstantFolding(), new AlgebraicSimplification(), new CommonSubexpressionElimination(),
                new DeadCodeElimination());
    }

    /** Passes for an inference graph: fold-linear, then the standard passes. */
    public static Pipeline inference() {
        List<Pass> passes = new ArrayList<>();
        passes.add(new FoldLinear());
        passes.addAll(standardPasses());
        return new Pipeline(passes);
    }

    /** Forward graph with a {@code loss} output → optimized training step. */
    public static Pipeline training(OptimizerSpec optimizer) { return training(optimizer, false); }

    /**
     * Forward graph with a {@code loss} output → optimized training step; with
     * {@code exposeGradients} every parameter's gradient is also an output {@code grad/NAME}.
     */
    public static Pipeline training(OptimizerSpec optimizer, boolean exposeGradients) {
        List<Pass> passes = new ArrayList<>();
        passes.add(new Autodiff(optimizer, exposeGradients));
        passes.addAll(standardPasses());
        return new Pipeline(passes);
    }
}
