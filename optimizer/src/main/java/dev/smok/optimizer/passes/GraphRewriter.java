package dev.smok.optimizer.passes;

import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.IrException;
import dev.smok.ir.Node;
import dev.smok.ir.Value;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Rebuilds a graph node by node while values are substituted: the common skeleton of the
 * passes that replace values (CSE, constant folding, algebraic simplification).
 *
 * <p>Walk {@code source.nodes()} in order; for each node call {@link #remap} to get the node
 * with its inputs substituted, then either {@link #keep} it or {@link #replace} its result by
 * another value of the same shape. New nodes go through {@link #builder()}. {@link #finish}
 * substitutes outputs and updates and builds (and verifies) the result. A node whose inputs did
 * not change is kept as the same object, and its result value is reused, so unchanged parts of
 * a graph print and compare identically.
 */
final class GraphRewriter {
    private final Graph source;
    private final GraphBuilder b;
    private final Map<Value, Value> subst = new IdentityHashMap<>();
    private final Map<Value, Node> producers = new IdentityHashMap<>();
    private int changes;

    GraphRewriter(Graph source) {
        this.source = source;
        // extend() numbers new values after every value of the source; then drop the copied body
        this.b = GraphBuilder.extend(source);
        b.nodes().clear();
        b.outputs().clear();
        b.updates().clear();
    }

    /** The builder of the new graph, for nodes a rewrite adds. */
    GraphBuilder builder() { return b; }

    /** The value that now stands for {@code v}. */
    Value map(Value v) { return subst.getOrDefault(v, v); }

    /** {@code n} with its inputs substituted (the same object when none changed). */
    Node remap(Node n) {
        boolean same = true;
        Value[] ins = new Value[n.inputs().size()];
        for (int i = 0; i < ins.length; i++) {
            ins[i] = map(n.in(i));
            same &= ins[i] == n.in(i);
        }
        return same ? n : new Node(n.op(), java.util.List.of(ins), n.attrs(), n.out());
    }

    /** Appends {@code n} (already remapped) to the new graph. */
    void keep(Node n) {
        b.add(n);
        producers.put(n.out(), n);
    }

    /** Adds a new node through the builder and returns its value (recorded for {@link #producer}). */
    Value add(dev.smok.ir.Op op, dev.smok.ir.Attrs attrs, Value... ins) {
        Value v = b.op(op, attrs, ins);
        producers.put(v, b.nodes().get(b.nodes().size() - 1));
        return v;
    }

    /** From now on {@code old} reads as {@code with}; shapes must agree. */
    void replace(Value old, Value with) {
        if (!old.shape().equals(with.shape())) {
            throw new IrException("rewrite replaced " + old.ref() + " " + old.shape() + " by " + with.ref() + " " + with.shape());
        }
        subst.put(old, with);
        changes++;
    }

    /** The node of the new graph that defines {@code v}, or null for graph inputs. */
    Node producer(Value v) { return producers.get(v); }

    /** Number of replacements so far. */
    int changes() { return changes; }

    /** The rewritten graph (verified); the source itself when nothing changed. */
    Graph finish() {
        if (changes == 0 && b.nodes().size() == source.nodes().size()) return source;
        source.outputs().forEach((k, v) -> b.output(k, map(v)));
        source.updates().forEach((k, v) -> b.update(k, map(v)));
        return b.build();
    }
}
