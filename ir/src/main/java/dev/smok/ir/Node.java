package dev.smok.ir;

import java.util.List;

/**
 * One operation in a graph: an op, its input values, its static attributes and the single value
 * it defines.
 */
public record Node(Op op, List<Value> inputs, Attrs attrs, Value out) {
    public Node {
        inputs = List.copyOf(inputs);
    }

    public Value in(int i) { return inputs.get(i); }

    @Override public boolean equals(Object o) { return this == o; }
    @Override public int hashCode() { return System.identityHashCode(this); }
}
