package dev.smok.frontend;

import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.HashMap;
import java.util.Map;

/**
 * The state of lowering one network to IR: the graph builder, the parameters declared so far,
 * and whether the graph is for training (dropout and batch norm behave differently).
 */
public final class Lowering {
    private final GraphBuilder builder;
    private final Map<String, Value> params;
    private final Map<String, String> shared;
    private final boolean training;
    private final Map<String, Value> states = new HashMap<>();
    private long seed = 1;

    Lowering(GraphBuilder builder, Map<String, Value> params, boolean training) {
        this(builder, params, Map.of(), training);
    }

    /** @param shared tied parameter names to the name of the parameter they reuse */
    Lowering(GraphBuilder builder, Map<String, Value> params, Map<String, String> shared, boolean training) {
        this.builder = builder;
        this.params = params;
        this.shared = shared;
        this.training = training;
    }

    Lowering seed(long s) { seed = s; return this; }

    public GraphBuilder b() { return builder; }

    /** The network's seed, for layers that draw random numbers (dropout masks). */
    public long seed() { return seed; }

    /** The graph value of a state input (role STATE), declared on first use. */
    public Value state(String name, Shape shape) {
        return states.computeIfAbsent(name, n -> builder.state(n, shape));
    }
    public boolean training() { return training; }

    /**
     * The graph value of a declared parameter, by full name; a tied parameter's name resolves
     * to the value of the parameter it shares, so both layers read the same graph input.
     */
    public Value param(String name) {
        Value v = params.get(shared.getOrDefault(name, name));
        if (v == null) throw new IllegalStateException("parameter '" + name + "' was not declared");
        return v;
    }
}
