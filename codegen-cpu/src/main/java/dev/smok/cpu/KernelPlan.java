package dev.smok.cpu;

import dev.smok.ir.FusionKind;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.IrException;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Role;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Groups a graph's nodes into kernels, driven only by each op's {@link FusionKind}.
 *
 * <p>Algorithm: one pass over the nodes in execution order.
 * <ul>
 *   <li>An ELEMENTWISE or BROADCAST node joins an open fused kernel of the same output shape:
 *       preferably the latest kernel that produced one of its inputs (vertical fusion), otherwise
 *       the latest kernel of that shape (horizontal fusion, e.g. Adam's moment, velocity and
 *       update of one parameter). Otherwise it opens a new fused kernel.</li>
 *   <li>An OUT_ELEMENTWISE_FUSABLE node (matmul) opens a fused kernel with itself as head: its
 *       elementwise consumers of the same shape become the product's epilogue.</li>
 *   <li>Every other node (reductions, softmax, losses, layout) is a call of a hand-written kernel;
 *       reshape is a view and emits nothing. Nodes {@link OpCalls#handles} (convolutions, pooling,
 *       normalizations, dropout, concat/slice/pad, CTC, scan) are calls whatever their fusion kind.</li>
 *   <li>A conv2d (OUT_ELEMENTWISE_FUSABLE) call takes its chain of single-use consumers —
 *       bias_add, inference batch_norm, a residual add, relu — as an epilogue that the
 *       convolution kernel applies to each output tile it stores ({@link ConvCalls#epilogueOf}):
 *       conv2d+bias_add+relu, conv2d+batch_norm+relu in inference and ResNet's
 *       conv2d+batch_norm+add+relu are one kernel, as the optimizer's FusionPlan groups them.
 *       The call runs at the position of its last node.</li>
 *   <li>When a node outside a fused kernel reads one of its values, the kernel is sealed: it runs
 *       before that reader and can take no more members. A fused kernel runs at the position of
 *       its last member, so every value it reads is ready and every outside reader comes later.</li>
 * </ul>
 * A value made inside a fused kernel is materialized (written to the arena) only when something
 * outside the kernel reads it, or it is a graph output or update.
 *
 * <p>Without fusion ({@code fuse} false, {@code --no-fusion}) every node is a kernel of its own:
 * the baseline that fusion is measured against.
 *
 * <p>Hoisting ({@code hoist} true, every executable's own graph): a node whose inputs are all
 * parameters or states that the graph does not update, constants, or values of such nodes computes
 * the same value on every run until a caller writes a parameter or state. Such nodes (fold-linear's
 * folded weights w·γ/√(var+ε) and w2·w1, the biases folded with them) form the <em>prologue</em>:
 * their steps come first, never share a kernel with the other nodes, and {@link CpuExecutable} runs
 * them only after a parameter or state was written. Training steps update their parameters, so
 * there only constants are hoisted.
 */
final class KernelPlan {
    /** A step of the schedule. */
    abstract static sealed class Step permits Fused, Call, View {
        int position;
        int index;
        /** Reads only parameters, states and constants that no run changes: part of the prologue ({@link #hoisted}). */
        boolean hoisted;
    }

    /** A generated elementwise loop, optionally the epilogue of a matmul head. */
    static final class Fused extends Step {
        final Node head;
        final Shape shape;
        final List<Node> members = new ArrayList<>();
        final Set<Value> materialized = Collections.newSetFromMap(new IdentityHashMap<>());
        boolean sealed;
        int fusedId = -1;

        Fused(Node head, Shape shape) { this.head = head; this.shape = shape; }

        boolean produces(Value v) {
            if (head != null && head.out() == v) return true;
            for (Node n : members) if (n.out() == v) return true;
            return false;
        }
    }

    /** One node run by a hand-written kernel, with the consumers it applies as its epilogue (convolutions only). */
    static final class Call extends Step {
        final Node node;
        final List<Node> epilogue;
        Call(Node node, List<Node> epilogue) { this.node = node; this.epilogue = epilogue; }
        Call(Node node) { this(node, List.of()); }

        /** The node whose value the call writes: the last of the epilogue, else the node itself. */
        Node last() { return epilogue.isEmpty() ? node : epilogue.getLast(); }

        /** The ops joined by '+', e.g. {@code conv2d+bias_add+relu}. */
        String name() {
            StringBuilder b = new StringBuilder(node.op().text());
            for (Node n : epilogue) b.append('+').append(n.op().text());
            return b.toString();
        }
    }

    /** A reshape: the output shares the input's storage. */
    static final class View extends Step {
        final Node node;
        View(Node node) { this.node = node; }
    }

    /** Ops this backend compiles. */
    static final Set<Op> SUPPORTED = EnumSet.allOf(Op.class);

    final Graph graph;
    final List<Step> steps;
    /** Producing step of every node value. */
    final Map<Value, Step> producer = new IdentityHashMap<>();

    private KernelPlan(Graph graph, List<Step> steps) {
        this.graph = graph;
        this.steps = steps;
    }

    /** Plans {@code g} with fusion, without a prologue; an op outside {@code supported} is an {@link IrException} naming it. */
    static KernelPlan plan(Graph g, Set<Op> supported) { return plan(g, supported, true, false); }

    /**
     * Plans {@code g}; without {@code fuse} every node is a kernel of its own; with {@code hoist}
     * the nodes that depend only on unchanging parameters, states and constants form the prologue.
     */
    static KernelPlan plan(Graph g, Set<Op> supported, boolean fuse, boolean hoist) {
        Set<Node> hoisted = hoist ? hoistable(g) : Set.of();
        List<Step> steps = new ArrayList<>();
        Map<Value, Step> made = new IdentityHashMap<>();
        Map<Node, Call> absorbed = new IdentityHashMap<>(); // epilogue node -> its convolution's call
        Map<Value, List<Node>> consumers = consumers(g);
        Map<Value, Integer> uses = g.useCounts();
        List<Fused> open = new ArrayList<>();
        List<Node> nodes = g.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (!supported.contains(n.op())) {
                throw new IrException("cpu backend cannot compile op '" + n.op().text() + "' (node " + n.out().ref()
                        + ": " + n.out().shape().pretty() + "); use --backend interpreter or add a kernel for it");
            }
            FusionKind kind = n.op().kind();
            Step step;
            if (absorbed.containsKey(n)) {
                step = absorbed.get(n); // runs inside its convolution's kernel
            } else if (n.op() == Op.RESHAPE) {
                step = new View(n);
                steps.add(step);
            } else if (fuse && n.op() == Op.CONV2D && !hoisted.contains(n)) {
                Call c = new Call(n, ConvCalls.epilogueOf(n, uses, consumers, v -> made.containsKey(v) || g.producer(v) == null));
                for (Node e : c.epilogue) absorbed.put(e, c);
                step = c;
                steps.add(step);
            } else if (OpCalls.handles(n)) {
                // convolution, pooling, normalization, layout and control flow: a kernel object's call
                step = new Call(n);
                steps.add(step);
            } else if (kind == FusionKind.ELEMENTWISE || kind == FusionKind.BROADCAST) {
                Fused target = fuse ? chooseGroup(n, made, open, hoisted.contains(n)) : null;
                if (target == null) {
                    target = new Fused(null, n.out().shape());
                    target.hoisted = hoisted.contains(n);
                    steps.add(target);
                    open.add(target);
                }
                target.members.add(n);
                step = target;
            } else if (kind == FusionKind.OUT_ELEMENTWISE_FUSABLE) {
                Fused f = new Fused(n, n.out().shape());
                f.hoisted = hoisted.contains(n);
                steps.add(f);
                open.add(f);
                step = f;
            } else {
                step = new Call(n);
                steps.add(step);
            }
            step.position = i;
            if (!(step instanceof Fused)) step.hoisted = hoisted.contains(n);
            for (Value v : n.inputs()) {
                Step p = made.get(v);
                if (p instanceof Fused f && f != step) f.sealed = true;
            }
            made.put(n.out(), step);
        }
        // the prologue first (it reads nothing the others make), then everything in node order
        steps.sort(Comparator.<Step>comparingInt(s -> s.hoisted ? 0 : 1).thenComparingInt(s -> s.position));
        KernelPlan plan = new KernelPlan(g, steps);
        plan.producer.putAll(made);
        int fusedIds = 0;
        for (int i = 0; i < steps.size(); i++) {
            steps.get(i).index = i;
            if (steps.get(i) instanceof Fused f) f.fusedId = fusedIds++;
        }
        plan.markMaterialized();
        return plan;
    }

    private static Map<Value, List<Node>> consumers(Graph g) {
        Map<Value, List<Node>> m = new IdentityHashMap<>();
        for (Node n : g.nodes()) for (Value v : n.inputs()) m.computeIfAbsent(v, k -> new ArrayList<>()).add(n);
        return m;
    }

    /**
     * The prologue's nodes: those that read a parameter or state the graph does not update, or
     * such a node's value, and otherwise only constants; plus the constant-only nodes they read
     * (a constant read only by other nodes stays where it fuses into its readers as a register value).
     */
    private static Set<Node> hoistable(Graph g) {
        Set<Value> unchanging = Collections.newSetFromMap(new IdentityHashMap<>()); // same value on every run
        Set<Value> derived = Collections.newSetFromMap(new IdentityHashMap<>()); // ... computed from parameters or states
        for (Input in : g.inputs()) {
            if (in.role() != Role.INPUT && !g.updates().containsKey(in.name())) {
                unchanging.add(in.value());
                derived.add(in.value());
            }
        }
        Set<Node> nodes = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n : g.nodes()) {
            if (n.op() == Op.SCAN || !unchanging.containsAll(n.inputs())) continue;
            unchanging.add(n.out());
            for (Value v : n.inputs()) {
                if (derived.contains(v)) {
                    derived.add(n.out());
                    nodes.add(n);
                    break;
                }
            }
        }
        List<Node> work = new ArrayList<>(nodes);
        while (!work.isEmpty()) {
            for (Value v : work.removeLast().inputs()) {
                Node p = g.producer(v);
                if (p != null && unchanging.contains(v) && nodes.add(p)) work.add(p);
            }
        }
        return nodes;
    }

    private static Fused chooseGroup(Node n, Map<Value, Step> made, List<Fused> open, boolean hoisted) {
        Fused best = null;
        for (Value v : n.inputs()) {
            if (made.get(v) instanceof Fused f && canJoin(f, n, hoisted) && (best == null || f.position > best.position)) best = f;
        }
        if (best != null) return best;
        for (int i = open.size() - 1; i >= 0 && i >= open.size() - 4; i--) {
            if (canJoin(open.get(i), n, hoisted)) return open.get(i);
        }
        return null;
    }

    private static boolean canJoin(Fused f, Node n, boolean hoisted) {
        if (f.sealed || f.hoisted != hoisted || !f.shape.equals(n.out().shape())) return false;
        // inputs that the loop reads once per row (scalars such as Adam's step) must come from outside
        for (int idx : FusedLoopEmitter.rowInvariantInputs(n.op())) {
            if (f.produces(n.in(idx))) return false;
        }
        return true;
    }

    private void markMaterialized() {
        Map<Value, Integer> outsideUses = new IdentityHashMap<>();
        for (Step s : steps) {
            for (Node n : nodesOf(s)) {
                for (Value v : n.inputs()) {
                    Step p = producer.get(v);
                    if (p != null && p != s) outsideUses.merge(v, 1, Integer::sum);
                }
            }
        }
        for (Step s : steps) {
            if (!(s instanceof Fused f)) continue;
            if (f.head != null) f.materialized.add(f.head.out());
            for (Node n : f.members) {
                Value v = n.out();
                if (outsideUses.containsKey(v) || graph.outputs().containsValue(v) || graph.updates().containsValue(v)) {
                    f.materialized.add(v);
                }
            }
            if (f.materialized.isEmpty() && !f.members.isEmpty()) {
                f.materialized.add(f.members.getLast().out());
            }
        }
    }

    /** The nodes a step computes, in order. */
    static List<Node> nodesOf(Step s) {
        return switch (s) {
            case Fused f -> {
                List<Node> l = new ArrayList<>();
                if (f.head != null) l.add(f.head);
                l.addAll(f.members);
                yield l;
            }
            case Call c -> {
                List<Node> l = new ArrayList<>();
                l.add(c.node);
                l.addAll(c.epilogue);
                yield l;
            }
            case View v -> List.of(v.node);
        };
    }

    /** Number of steps that run code (fused loops, products and kernel calls; views excluded). */
    int kernelCount() {
        int n = 0;
        for (Step s : steps) if (!(s instanceof View)) n++;
        return n;
    }
}
