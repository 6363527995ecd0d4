package dev.smok.optimizer.passes;

import dev.smok.ir.Graph;
import dev.smok.ir.Node;
import dev.smok.ir.Value;
import dev.smok.optimizer.DeadCodeElimination;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a list of {@link RewriteRule}s to a graph until none matches (tinygrad's
 * {@code graph_rewrite}).
 *
 * <p>Algorithm: one sweep visits the nodes in execution order with their inputs already
 * substituted; at each node the rules are tried in list order and the first that matches and
 * returns a value of the node's shape replaces the node's result (the node itself is dropped).
 * Because inputs are substituted before a node is matched, a chain such as
 * {@code neg(neg(neg(x)))} simplifies in one sweep; nodes that a replacement adds are matched
 * in the next sweep. Sweeps repeat until one changes nothing (at most {@link #MAX_SWEEPS}),
 * then dead-code elimination removes what the rewrites left unread. Rewrites never grow the
 * work: every rule replaces a node by an existing value or by as many new nodes as it removes.
 */
public final class RewriteEngine {
    /** Sweeps before the engine stops even if rules still match (a rule pair that loops). */
    public static final int MAX_SWEEPS = 16;

    private final List<RewriteRule> rules;
    private final Map<String, Integer> applied = new LinkedHashMap<>();

    public RewriteEngine(List<RewriteRule> rules) { this.rules = List.copyOf(rules); }

    /** How often each rule fired during the last {@link #rewrite} (for traces and tests). */
    public Map<String, Integer> applied() { return Map.copyOf(applied); }

    /** {@code g} with every rule applied to a fixed point, dead nodes removed. */
    public Graph rewrite(Graph g) {
        applied.clear();
        Graph cur = g;
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            Graph next = sweep(cur);
            if (next == cur) break;
            cur = next;
        }
        return cur == g ? g : new DeadCodeElimination().run(cur);
    }

    private Graph sweep(Graph g) {
        GraphRewriter rw = new GraphRewriter(g);
        for (Node n : g.nodes()) {
            Node m = rw.remap(n);
            Value r = firstRewrite(m, rw);
            if (r != null) rw.replace(n.out(), r);
            else rw.keep(m);
        }
        return rw.finish();
    }

    private Value firstRewrite(Node n, GraphRewriter rw) {
        for (RewriteRule rule : rules) {
            Map<String, Value> values = new HashMap<>();
            Map<String, Node> nodes = new HashMap<>();
            if (!matchNode(rule.pattern(), n, values, nodes, rw)) continue;
            Value r = rule.replacement().apply(new RewriteRule.Match(n, values, nodes, rw));
            if (r == null || r == n.out() || !r.shape().equals(n.out().shape()) || r.dtype() != n.out().dtype()) continue;
            applied.merge(rule.name(), 1, Integer::sum);
            return r;
        }
        return null;
    }

    private static boolean match(Pattern p, Value v, Map<String, Value> values, Map<String, Node> nodes, GraphRewriter rw) {
        if (p.op() == null) return bind(p.bind(), v, values);
        Node n = rw.producer(v);
        return n != null && matchNode(p, n, values, nodes, rw);
    }

    private static boolean matchNode(Pattern p, Node n, Map<String, Value> values, Map<String, Node> nodes, GraphRewriter rw) {
        if (n.op() != p.op() || !p.where().test(n)) return false;
        if (p.bind() != null) {
            if (!bind(p.bind(), n.out(), values)) return false;
            nodes.put(p.bind(), n);
        }
        if (p.inputs().isEmpty()) return true;
        Map<String, Value> v0 = new HashMap<>(values);
        Map<String, Node> n0 = new HashMap<>(nodes);
        if (matchInputs(p, n.inputs(), values, nodes, rw)) return true;
        if (!Pattern.commutative(n.op())) return false;
        values.clear(); values.putAll(v0);
        nodes.clear(); nodes.putAll(n0);
        return matchInputs(p, List.of(n.in(1), n.in(0)), values, nodes, rw);
    }

    private static boolean matchInputs(Pattern p, List<Value> ins, Map<String, Value> values, Map<String, Node> nodes, GraphRewriter rw) {
        for (int i = 0; i < ins.size(); i++) {
            if (!match(p.inputs().get(i), ins.get(i), values, nodes, rw)) return false;
        }
        return true;
    }

    /** Binds {@code name} to {@code v}; a name bound twice must bind the same value ({@code sub(x, x)}). */
    private static boolean bind(String name, Value v, Map<String, Value> values) {
        if (name == null) return true;
        Value prior = values.putIfAbsent(name, v);
        return prior == null || prior == v;
    }
}
