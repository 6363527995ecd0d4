package dev.smok.optimizer;

import dev.smok.ir.Graph;

import java.util.List;

/**
 * One graph-to-graph transformation. A pass is a small class with a name; it takes an immutable
 * graph and returns a new one (or the same one when there is nothing to do).
 */
public interface Pass {
    /** The name shown in pipelines, dumps and {@code --passes}. */
    String name();

    /** One line saying what the pass does, shown by {@link Pipeline#describe()}. */
    default String description() { return ""; }

    /** Names of passes that must run earlier in the same pipeline. */
    default List<String> requires() { return List.of(); }

    Graph run(Graph graph);
}
