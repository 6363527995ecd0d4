package dev.smok.optimizer;

import dev.smok.ir.Attrs;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Input;
import dev.smok.ir.IrException;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Role;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode automatic differentiation as a pass: forward graph with a scalar output named
 * {@code loss} → training graph that also computes every parameter's gradient and applies an
 * optimizer update, all in one graph.
 *
 * <p>Algorithm: mark the values that depend on a parameter; seed d(loss)/d(loss) = 1; walk the
 * nodes in reverse order and, for each node whose output has a gradient, add its op's
 * vector-Jacobian product (the op's derivative rule) to the graph; gradients of values read
 * several times are summed (so a tied weight read twice gets both contributions). Then each
 * parameter gets its update, and optimizer slots become states named
 * {@code PARAM@velocity}, {@code PARAM@m}, {@code PARAM@v} and {@code @step}. Scans first get
 * their per-step carries saved ({@link SaveScanCarries}); their derivative rule is a backward scan.
 */
public final class Autodiff implements Pass {
    /** Name of the scalar output that is differentiated. */
    public static final String LOSS = "loss";
    /** Prefix of the gradient outputs added when gradients are exposed. */
    public static final String GRAD_PREFIX = "grad/";
    /** The Adam step counter's state name. */
    public static final String STEP = "@step";

    private final OptimizerSpec optimizer;
    private final boolean exposeGradients;

    /**
     * @param optimizer       the update rule, or null to compute gradients without updating
     * @param exposeGradients add an output {@code grad/NAME} per parameter (for checks and tools)
     */
    public Autodiff(OptimizerSpec optimizer, boolean exposeGradients) {
        this.optimizer = optimizer;
        this.exposeGradients = exposeGradients || optimizer == null;
    }

    @Override public String name() { return "autodiff"; }

    @Override public String description() { return "forward graph with a scalar loss -> gradients and optimizer updates"; }

    @Override public Graph run(Graph g) {
        g = new SaveScanCarries().run(g); // backpropagation through time reads each step's carries
        Value loss = g.outputs().get(LOSS);
        if (loss == null || loss.shape().rank() != 0) {
            throw new IrException("autodiff needs a scalar output named '" + LOSS + "' in graph '" + g.name() + "'");
        }
        Set<Value> needsGrad = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Input p : g.inputs(Role.PARAM)) needsGrad.add(p.value());
        for (Node n : g.nodes()) {
            if (n.inputs().stream().anyMatch(needsGrad::contains)) needsGrad.add(n.out());
        }
        GraphBuilder b = GraphBuilder.extend(g);
        Map<Value, Value> grads = new IdentityHashMap<>();
        grads.put(loss, b.constant(Shape.scalar(), 1f));
        List<Node> forward = g.nodes();
        for (int i = forward.size() - 1; i >= 0; i--) {
            Node n = forward.get(i);
            Value gOut = grads.get(n.out());
            if (gOut == null || n.inputs().stream().noneMatch(needsGrad::contains)) continue;
            Value[] gIn = n.op().vjp(b, n, gOut);
            for (int k = 0; k < gIn.length; k++) {
                Value in = n.in(k);
                if (gIn[k] == null || !needsGrad.contains(in)) continue;
                Value prev = grads.get(in);
                grads.put(in, prev == null ? gIn[k] : b.add(prev, gIn[k]));
            }
        }
        Value step = null;
        if (optimizer instanceof OptimizerSpec.Adam) {
            Value s = b.state(STEP, Shape.of(1));
            step = b.op(Op.SCALE, Attrs.of("alpha", 1f, "beta", 1f), s);
            b.update(STEP, step);
        }
        for (Input p : g.inputs(Role.PARAM)) {
            Value gp = grads.get(p.value());
            if (gp == null) continue; // the loss does not depend on this parameter: nothing to learn
            if (exposeGradients) b.output(GRAD_PREFIX + p.name(), gp);
            if (optimizer != null) b.update(p.name(), update(b, p, gp, step));
        }
        return b.build();
    }

    private Value update(GraphBuilder b, Input p, Value g, Value step) {
        Value w = p.value();
        return switch (optimizer) {
            case OptimizerSpec.Sgd s -> b.op(Op.SGD_UPDATE, Attrs.of("lr", s.lr(), "weight_decay", s.weightDecay()), w, g);
            case OptimizerSpec.Momentum m -> {
                String slot = p.name() + "@velocity";
                Value v = b.op(Op.MOMENTUM_VELOCITY, Attrs.of("momentum", m.momentum()), b.state(slot, w.shape()), g);
                b.update(slot, v);
                yield b.op(Op.SGD_UPDATE, Attrs.of("lr", m.lr(), "weight_decay", 0f), w, v);
            }
            case OptimizerSpec.Adam a -> {
                Value m = b.op(Op.ADAM_MOMENT, Attrs.of("beta", a.beta1()), b.state(p.name() + "@m", w.shape()), g);
                Value v = b.op(Op.ADAM_VELOCITY, Attrs.of("beta", a.beta2()), b.state(p.name() + "@v", w.shape()), g);
                b.update(p.name() + "@m", m);
                b.update(p.name() + "@v", v);
                yield b.op(Op.ADAM_UPDATE, Attrs.of("lr", a.lr(), "beta1", a.beta1(), "beta2", a.beta2(), "eps", a.eps()),
                        w, m, v, step);
            }
        };
    }
}
