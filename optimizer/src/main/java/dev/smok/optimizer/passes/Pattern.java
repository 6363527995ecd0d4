package dev.smok.optimizer.passes;

import dev.smok.ir.Node;
import dev.smok.ir.Op;

import java.util.List;
import java.util.function.Predicate;

/**
 * A pattern over the IR, matched at a value (tinygrad's {@code UPat}): either any value, bound
 * to a name, or a node with a given op whose inputs match sub-patterns, optionally with a
 * condition on the node (its attributes, its shape). Binary {@link #commutative} ops also match
 * with their two inputs swapped.
 *
 * <pre>{@code
 * // neg(neg(x))
 * Pattern.op(Op.NEG, Pattern.op(Op.NEG, Pattern.any("x")))
 * // mul(x, 1) or mul(1, x)
 * Pattern.op(Op.MUL, Pattern.any("x"), Pattern.constant(1f))
 * }</pre>
 *
 * @param op     the op of the node that defines the value, or null for any value
 * @param bind   the name the matched value (and, for op patterns, its node) is bound to, or null
 * @param inputs patterns for the node's inputs (op patterns only)
 * @param where  an extra condition on the node (op patterns only)
 */
public record Pattern(Op op, String bind, List<Pattern> inputs, Predicate<Node> where) {
    /** Any value, bound to {@code name}. */
    public static Pattern any(String name) { return new Pattern(null, name, List.of(), n -> true); }

    /** A node of {@code op} whose inputs match {@code inputs}, in order. */
    public static Pattern op(Op op, Pattern... inputs) {
        if (op.arity() >= 0 && inputs.length != op.arity()) {
            throw new IllegalArgumentException(op.text() + " takes " + op.arity() + " inputs, pattern has " + inputs.length);
        }
        return new Pattern(op, null, List.of(inputs), n -> true);
    }

    /** A fill constant (a {@code constant} node) whose every element is {@code value}. */
    public static Pattern constant(float value) {
        return op(Op.CONSTANT).where(n -> n.attrs().f("value") == value);
    }

    /** This pattern, binding its value (and node) to {@code name}. */
    public Pattern named(String name) { return new Pattern(op, name, inputs, where); }

    /** This pattern with an additional condition on the matched node. */
    public Pattern where(Predicate<Node> condition) {
        Predicate<Node> before = where;
        return new Pattern(op, bind, inputs, n -> before.test(n) && condition.test(n));
    }

    /** Whether {@code op(a, b) = op(b, a)}, so a pattern of it also matches its inputs swapped. */
    static boolean commutative(Op op) { return op == Op.ADD || op == Op.MUL; }
}
