package dev.smok.optimizer.passes;

import dev.smok.ir.Attrs;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Value;
import dev.smok.ir.interp.Interpreter;
import dev.smok.optimizer.DeadCodeElimination;
import dev.smok.optimizer.Pass;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Constant folding ({@code fold-constants}): a node whose inputs are all constants is computed
 * at compile time and replaced by a constant.
 *
 * <p>Algorithm: one forward sweep with inputs substituted (so folded results feed the folding
 * of their consumers). For a node whose every input is defined by a {@code constant} node, the
 * reference interpreter evaluates it on a two-level graph (the constants, then the node). The
 * IR represents only fill constants (attributes {@code shape} and {@code value}), so the node is
 * replaced only when every element of the result equals the first after rounding to float32;
 * a non-uniform result (e.g. {@code one_hot} of constant labels) stays as it is. Results of
 * more than {@link #MAX_ELEMENTS} elements are not evaluated. Folding happens in float64 and is
 * then rounded to float32 once, so it is at least as precise as a float32 backend evaluating
 * the same ops at run time.
 *
 * <p>Design note: tensor constants (for folding non-uniform results, or precomputing fused
 * weights) would need a constant-pool mechanism that backends, the printer and the parser all
 * understand; that is deliberately not added here.
 */
public final class ConstantFolding implements Pass {
    /** The largest result that is evaluated at compile time. */
    public static final int MAX_ELEMENTS = 1 << 20;

    @Override public String name() { return "fold-constants"; }

    @Override public String description() { return "evaluate nodes whose inputs are all constants"; }

    @Override public Graph run(Graph g) {
        GraphRewriter rw = new GraphRewriter(g);
        for (Node n : g.nodes()) {
            Node m = rw.remap(n);
            Float value = foldable(m, rw) ? uniformValue(m, rw) : null;
            if (value == null) {
                rw.keep(m);
            } else {
                rw.replace(n.out(), rw.add(Op.CONSTANT, Attrs.of("shape", m.out().shape().dims(), "value", value)));
            }
        }
        Graph out = rw.finish();
        return out == g ? g : new DeadCodeElimination().run(out);
    }

    private static boolean foldable(Node n, GraphRewriter rw) {
        if (n.op() == Op.CONSTANT || n.inputs().isEmpty() || n.out().shape().size() > MAX_ELEMENTS) return false;
        for (Value v : n.inputs()) {
            Node p = rw.producer(v);
            if (p == null || p.op() != Op.CONSTANT) return false;
        }
        return true;
    }

    /** The node's value when all its elements are equal in float32, else null. */
    private static Float uniformValue(Node n, GraphRewriter rw) {
        GraphBuilder b = new GraphBuilder("fold");
        List<Value> ins = new ArrayList<>();
        for (Value v : n.inputs()) ins.add(b.op(Op.CONSTANT, rw.producer(v).attrs()));
        Value out = b.op(n.op(), n.attrs(), ins.toArray(Value[]::new));
        b.output("y", out);
        double[] r;
        try {
            r = Interpreter.run(b.build(), Map.of()).outputs().get("y");
        } catch (RuntimeException e) {
            return null; // e.g. an op the interpreter rejects for these values: leave it to run time
        }
        float first = (float) r[0];
        for (double d : r) if (Float.compare((float) d, first) != 0) return null;
        return first;
    }
}
