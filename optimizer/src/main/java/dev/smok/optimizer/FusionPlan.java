package dev.smok.optimizer;

import dev.smok.ir.FusionKind;
import dev.smok.ir.Graph;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Value;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which nodes of a graph run together as one kernel: an analysis driven only by each op's
 * {@link FusionKind}, never by lists of particular ops. The graph is not changed; the plan is a
 * separate value that the printer ({@link #toString}), {@link MemoryPlan} and {@code smok
 * compile} read, and that a backend may consume.
 *
 * <p>Algorithm (greedy epilogue fusion, TVM's kinds without the post-dominator tree): visit the
 * nodes in execution order; an unassigned node starts a kernel. If its kind is
 * OUT_ELEMENTWISE_FUSABLE (matmul, conv2d), ELEMENTWISE or BROADCAST, the kernel follows
 * the chain of consumers while
 * <ul>
 *   <li>the current value has exactly one use, and that use is a node (not a graph output or
 *       update, which must be materialized);</li>
 *   <li>the consumer is ELEMENTWISE or BROADCAST, not yet in a kernel, and</li>
 *   <li>the consumer's result has the current value's shape (the value is its full-size
 *       operand, so the kernel keeps one iteration space; bias_add's bias, a residual or a
 *       scalar may still be read from outside).</li>
 * </ul>
 * So matmul → bias_add → relu becomes one kernel, an elementwise chain without a producer
 * (sigmoid → scale) becomes one, and in training graphs the backward elementwise ops join the
 * matmul that produces their incoming gradient (matmul → relu_grad). REDUCTION, INJECTIVE and
 * OPAQUE ops are kernels of their own. {@code constant} nodes belong to no kernel: they are
 * fills a backend materializes at compile time.
 *
 * <p>Every value that the chain passes through is internal to its kernel and never needs a
 * buffer. A kernel runs at the position of its last node: every external input of its nodes is
 * defined earlier, and (because chains only follow single uses) every kernel that produces one
 * has finished by then, so ordering kernels by their last node is a valid schedule.
 */
public final class FusionPlan {
    /**
     * One kernel: its nodes in execution order, the first being the root (the producer, or the
     * head of an elementwise chain); {@code id} numbers kernels by root position.
     */
    public record Kernel(int id, List<Node> nodes) {
        public Node root() { return nodes.get(0); }
        public Node last() { return nodes.get(nodes.size() - 1); }
        /** The ops joined by '+', e.g. {@code matmul+bias_add+relu}. */
        public String name() { return String.join("+", nodes.stream().map(n -> n.op().text()).toList()); }
    }

    private final Graph graph;
    private final List<Kernel> kernels;
    private final Map<Node, Kernel> byNode;
    private final Map<Node, Integer> index;

    private FusionPlan(Graph graph, List<Kernel> kernels, Map<Node, Kernel> byNode, Map<Node, Integer> index) {
        this.graph = graph;
        this.kernels = List.copyOf(kernels);
        this.byNode = byNode;
        this.index = index;
    }

    /** The plan of {@code g}. */
    public static FusionPlan of(Graph g) { return plan(g, true); }

    /** One kernel per node (constants excepted): what a backend without fusion runs, for comparisons. */
    public static FusionPlan unfused(Graph g) { return plan(g, false); }

    private static FusionPlan plan(Graph g, boolean fuse) {
        Map<Value, Integer> uses = g.useCounts();
        Map<Value, List<Node>> consumers = new IdentityHashMap<>();
        Map<Node, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < g.nodes().size(); i++) {
            Node n = g.nodes().get(i);
            index.put(n, i);
            for (Value v : n.inputs()) consumers.computeIfAbsent(v, k -> new ArrayList<>()).add(n);
        }
        Map<Node, Kernel> byNode = new IdentityHashMap<>();
        List<Kernel> kernels = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (byNode.containsKey(n) || n.op() == Op.CONSTANT) continue;
            List<Node> members = new ArrayList<>(List.of(n));
            if (fuse && startsChain(n.op().kind())) {
                Node cur = n;
                while (true) {
                    List<Node> cs = consumers.getOrDefault(cur.out(), List.of());
                    if (uses.getOrDefault(cur.out(), 0) != 1 || cs.size() != 1) break;
                    Node c = cs.get(0);
                    if (byNode.containsKey(c) || c.op() == Op.CONSTANT || !joinsChain(c.op().kind())
                            || !c.out().shape().equals(cur.out().shape())) break;
                    members.add(c);
                    cur = c;
                }
            }
            Kernel k = new Kernel(kernels.size(), List.copyOf(members));
            kernels.add(k);
            for (Node m : members) byNode.put(m, k);
        }
        return new FusionPlan(g, kernels, byNode, index);
    }

    private static boolean startsChain(FusionKind k) {
        return k == FusionKind.OUT_ELEMENTWISE_FUSABLE || joinsChain(k);
    }

    private static boolean joinsChain(FusionKind k) { return k == FusionKind.ELEMENTWISE || k == FusionKind.BROADCAST; }

    public Graph graph() { return graph; }

    /** The kernels, by root position. */
    public List<Kernel> kernels() { return kernels; }

    /** The kernels in a valid execution order (by the position of their last node). */
    public List<Kernel> schedule() {
        List<Kernel> s = new ArrayList<>(kernels);
        s.sort((a, b) -> Integer.compare(index.get(a.last()), index.get(b.last())));
        return Collections.unmodifiableList(s);
    }

    /** The kernel that runs {@code n}, or null for constants. */
    public Kernel kernelOf(Node n) { return byNode.get(n); }

    /** Position of {@code n} in the graph's node list (its number in the printed IR). */
    public int position(Node n) { return index.get(n); }

    /** When {@code n} runs: the position of the last node of its kernel (its own for constants). */
    public int time(Node n) {
        Kernel k = byNode.get(n);
        return index.get(k == null ? n : k.last());
    }

    /** Whether {@code v} is passed inside one kernel and never needs a buffer of its own. */
    public boolean isInternal(Value v) {
        Node p = graph.producer(v);
        if (p == null) return false;
        Kernel k = byNode.get(p);
        return k != null && k.last() != p;
    }

    /** Number of kernels. */
    public int size() { return kernels.size(); }

    /** Number of nodes that were fused into another node's kernel. */
    public int fusedNodes() {
        int n = 0;
        for (Kernel k : kernels) n += k.nodes().size() - 1;
        return n;
    }

    /**
     * The kernel list, one line each, with the nodes' numbers as {@link dev.smok.ir.IrPrinter}
     * prints them:
     * <pre>
     * kernel 0: matmul+bias_add+relu  [%0 %1 %2] -> f32[64,128]
     * </pre>
     */
    @Override public String toString() {
        StringBuilder b = new StringBuilder();
        for (Kernel k : kernels) {
            b.append("kernel ").append(k.id()).append(": ").append(k.name()).append("  [");
            for (int i = 0; i < k.nodes().size(); i++) {
                if (i > 0) b.append(' ');
                b.append('%').append(index.get(k.nodes().get(i)));
            }
            Value out = k.last().out();
            b.append("] -> ").append(out.dtype().text()).append(out.shape()).append('\n');
        }
        return b.toString();
    }
}
