package dev.smok.ir;

import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable dataflow graph in SSA form. Nodes are stored in a valid execution order (every
 * input is defined before it is read). A run reads the inputs, computes the named outputs, and
 * then replaces each state or parameter named in {@link #updates()} with its new value, so a
 * training step is one graph: forward, backward and optimizer update.
 */
public final class Graph {
    private final String name;
    private final List<Input> inputs;
    private final List<Node> nodes;
    private final Map<String, Value> outputs;
    private final Map<String, Value> updates;
    private Map<Value, Node> producers;
    private Map<String, Input> inputsByName;

    Graph(String name, List<Input> inputs, List<Node> nodes, Map<String, Value> outputs, Map<String, Value> updates) {
        this.name = name;
        this.inputs = List.copyOf(inputs);
        this.nodes = List.copyOf(nodes);
        this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        this.updates = Collections.unmodifiableMap(new LinkedHashMap<>(updates));
    }

    public String name() { return name; }
    public List<Input> inputs() { return inputs; }
    public List<Node> nodes() { return nodes; }
    /** Named results, in declaration order. */
    public Map<String, Value> outputs() { return outputs; }
    /** New values of parameters and states, by input name, applied after a run. */
    public Map<String, Value> updates() { return updates; }

    /** The input with this name, or null. */
    public Input input(String name) {
        if (inputsByName == null) {
            Map<String, Input> m = new HashMap<>();
            for (Input in : inputs) m.put(in.name(), in);
            inputsByName = m;
        }
        return inputsByName.get(name);
    }

    /** The inputs with the given role, in order. */
    public List<Input> inputs(Role role) {
        return inputs.stream().filter(i -> i.role() == role).toList();
    }

    /** The node that defines {@code v}, or null when {@code v} is a graph input. */
    public Node producer(Value v) {
        if (producers == null) {
            Map<Value, Node> m = new IdentityHashMap<>();
            for (Node n : nodes) m.put(n.out(), n);
            producers = m;
        }
        return producers.get(v);
    }

    /** How many times each value is read by nodes, outputs and updates. */
    public Map<Value, Integer> useCounts() {
        Map<Value, Integer> uses = new IdentityHashMap<>();
        for (Node n : nodes) for (Value v : n.inputs()) uses.merge(v, 1, Integer::sum);
        for (Value v : outputs.values()) uses.merge(v, 1, Integer::sum);
        for (Value v : updates.values()) uses.merge(v, 1, Integer::sum);
        return uses;
    }

    /** Number of elements in all parameters. */
    public long paramCount() {
        long n = 0;
        for (Input in : inputs(Role.PARAM)) n += in.shape().size();
        return n;
    }

    /** The stable text form; see {@link IrPrinter}. */
    @Override public String toString() { return IrPrinter.print(this); }
}
