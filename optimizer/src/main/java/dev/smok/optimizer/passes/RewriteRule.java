package dev.smok.optimizer.passes;

import dev.smok.ir.Attrs;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Value;

import java.util.Map;

/**
 * One declarative rewrite: when {@link #pattern} matches at a node, {@link #replacement} builds
 * the value that replaces the node's result (or returns null to decline). Rules are plain
 * values, combined into lists and applied by one {@link RewriteEngine}; the engine also
 * declines any replacement whose shape differs from the node's, so a rule such as
 * {@code x * 1 -> x} need not check that the constant does not broadcast {@code x} to a larger
 * shape.
 *
 * @param name        shown in traces and tests, e.g. {@code mul-one}
 * @param pattern     what to look for; its root must be an op pattern
 * @param replacement what to put instead
 */
public record RewriteRule(String name, Pattern pattern, Replacement replacement) {
    public RewriteRule {
        if (pattern.op() == null) throw new IllegalArgumentException("rule " + name + ": the root of a pattern must be an op");
    }

    /** A rule that replaces the matched node by the value bound to {@code var}. */
    public static RewriteRule toVar(String name, Pattern pattern, String var) {
        return new RewriteRule(name, pattern, m -> m.value(var));
    }

    /** Builds a replacement from a match. */
    @FunctionalInterface
    public interface Replacement {
        /** The replacing value (an existing one, or one made with {@link Match#add}), or null to decline. */
        Value apply(Match m);
    }

    /** The bindings of one successful match, and a way to add nodes for the replacement. */
    public static final class Match {
        private final Node root;
        private final Map<String, Value> values;
        private final Map<String, Node> nodes;
        private final GraphRewriter rewriter;

        Match(Node root, Map<String, Value> values, Map<String, Node> nodes, GraphRewriter rewriter) {
            this.root = root;
            this.values = values;
            this.nodes = nodes;
            this.rewriter = rewriter;
        }

        /** The node the pattern's root matched. */
        public Node root() { return root; }

        /** The value bound to {@code name}. */
        public Value value(String name) {
            Value v = values.get(name);
            if (v == null) throw new IllegalStateException("pattern binds no value named '" + name + "'");
            return v;
        }

        /** The node bound to {@code name} (op patterns bound with {@link Pattern#named}). */
        public Node node(String name) {
            Node n = nodes.get(name);
            if (n == null) throw new IllegalStateException("pattern binds no node named '" + name + "'");
            return n;
        }

        /** Adds a node to the graph being rewritten and returns its value. */
        public Value add(Op op, Attrs attrs, Value... inputs) { return rewriter.add(op, attrs, inputs); }
    }
}
