package dev.smok.optimizer.passes;

import dev.smok.ir.Graph;
import dev.smok.ir.Node;
import dev.smok.ir.Value;
import dev.smok.optimizer.Pass;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Common-subexpression elimination ({@code cse}): two nodes with the same op, equal attributes
 * and the same input values compute the same tensor, so the later one is replaced by the
 * earlier.
 *
 * <p>Algorithm (hash-consing, one forward sweep): nodes are visited in execution order with
 * their inputs already substituted, so a chain of duplicates collapses in one sweep (once
 * {@code a' = a}, {@code f(a')} has the key of {@code f(a)}). The key is the op, the printed
 * attributes (printed sorted, so equal attributes give equal keys) and the identities of the
 * inputs. Every Smok op is a pure function of its inputs within one run (updates are applied
 * after the run), so no op is excluded. A duplicate is never added to the new graph, so the
 * pass leaves no dead code behind.
 *
 * <p>Autodiff produces duplicates, e.g. when a tied weight is read twice or a value feeds two
 * ops whose derivative rules build the same node; lowering produces them for repeated
 * constants.
 */
public final class CommonSubexpressionElimination implements Pass {
    @Override public String name() { return "cse"; }

    @Override public String description() { return "merge nodes with the same op, attributes and inputs"; }

    /** The key of a node after its inputs are substituted. */
    private record Key(dev.smok.ir.Op op, String attrs, List<Value> inputs) {}

    @Override public Graph run(Graph g) {
        GraphRewriter rw = new GraphRewriter(g);
        Map<Key, Value> seen = new HashMap<>();
        for (Node n : g.nodes()) {
            Node m = rw.remap(n);
            // List.equals compares elements with equals(), which is identity for Value
            Value prior = seen.putIfAbsent(new Key(m.op(), m.attrs().toString(), m.inputs()), m.out());
            if (prior != null) rw.replace(n.out(), prior);
            else rw.keep(m);
        }
        return rw.finish();
    }
}
