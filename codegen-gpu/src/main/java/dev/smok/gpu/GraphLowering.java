package dev.smok.gpu;

import static dev.smok.gpu.KernelIr.*;

import dev.smok.gpu.KernelIr.Expr;
import dev.smok.gpu.KernelIr.Kernel;
import dev.smok.gpu.KernelIr.Special;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.IrException;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Value;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lowers a graph to an {@link ExecutionPlan}: kernels in the {@link KernelIr} plus buffer slots.
 * Shared by every GPU target; the targets differ only in the emitter applied to the kernels.
 *
 * <p>Algorithm, in one pass over the nodes in execution order:
 * <ol>
 *   <li>Every graph input gets a device slot; parameters and states stay there between runs.</li>
 *   <li>Epilogue fusion: a matmul or conv2d whose only reader is a bias_add (and then, optionally,
 *       a relu), none of them graph outputs, becomes one GEMM kernel that writes the last value.</li>
 *   <li>Inlining: a pointwise node (elementwise, broadcast, injective; see
 *       {@link PointwiseOps}) read by exactly one node other than a GEMM (matmul, convolution), and not a graph
 *       output or update, gets no buffer and no kernel: its reader computes it where it loads it
 *       ({@link #element}). Chains of elementwise ops thus become one kernel, and a reduction
 *       reads its pointwise producer directly (relu_grad into reduce_sum, for example).</li>
 *   <li>Every other node becomes one kernel ({@link PointwiseOps}, {@link KernelTemplates},
 *       {@link ConvTemplates}, {@link NormTemplates}; split-K GEMMs two, CTC three)
 *       writing its own slot. A scan is a loop of launches ({@link ScanLowering}): its body is
 *       lowered once by a nested lowering that shares this one's slots and kernels.</li>
 *   <li>Updates become slot swaps: after a run each updated parameter's slot and its new value's
 *       slot exchange device buffers, so nothing is copied.</li>
 * </ol>
 * An op with no lowering is an {@link IrException} naming the backend and the op.
 */
final class GraphLowering {
    static final int BLOCK = 256;

    /** The ops lowered by {@link KernelTemplates}; the rest of the supported ops are {@link PointwiseOps}. */
    private static final Set<Op> TEMPLATE_OPS = EnumSet.of(Op.MATMUL, Op.SOFTMAX, Op.LOG_SOFTMAX, Op.SOFTMAX_GRAD,
            Op.LOG_SOFTMAX_GRAD, Op.SOFTMAX_XENT_GRAD, Op.REDUCE_SUM, Op.REDUCE_MEAN, Op.REDUCE_MAX, Op.MSE_LOSS,
            Op.BCE_LOSS, Op.SOFTMAX_XENT, Op.CONV2D, Op.CONV2D_INPUT_GRAD, Op.CONV2D_WEIGHT_GRAD, Op.MAX_POOL,
            Op.AVG_POOL, Op.MAX_POOL_GRAD, Op.AVG_POOL_GRAD, Op.BATCH_NORM_TRAIN, Op.BATCH_NORM_INPUT_GRAD,
            Op.BATCH_NORM_GAMMA_GRAD, Op.GLOBAL_AVG_POOL, Op.LRN, Op.LRN_GRAD, Op.CTC_LOSS, Op.CTC_GRAD, Op.SCAN);

    /**
     * Ops whose kernels read their operands straight from device buffers (GEMM panels, a scan's
     * slices, carries and invariants): their inputs are never inlined.
     */
    private static final Set<Op> DIRECT_READERS = EnumSet.of(Op.MATMUL, Op.CONV2D, Op.CONV2D_INPUT_GRAD, Op.CONV2D_WEIGHT_GRAD, Op.SCAN);

    /** Whether the GPU lowering can compile {@code op}; any other op is an {@link IrException}. */
    static boolean supports(Op op) { return PointwiseOps.handles(op) || TEMPLATE_OPS.contains(op); }

    private final Graph g;
    private final String backend;
    private final List<Integer> slotSizes;
    private final Map<Value, Integer> slotOf = new IdentityHashMap<>();
    private final Set<Node> inlined = Collections.newSetFromMap(new IdentityHashMap<>());
    /**
     * Last node of each GEMM chain (matmul, then optionally bias_add, then relu) to the chain. The
     * GEMM kernel runs at the position of the chain's last node, when every operand of the chain
     * (a bias computed after the matmul, say) has been computed.
     */
    private final Map<Node, List<Node>> gemmChains = new IdentityHashMap<>();
    private final Set<Node> fusedIntoGemm = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Kernel> kernels;
    private final List<ExecutionPlan.Launch> launches = new ArrayList<>();

    /** A lowering of {@code g} that adds its buffers and kernels to the given lists (a scan body's to its graph's). */
    private GraphLowering(Graph g, String backend, List<Integer> slotSizes, List<Kernel> kernels) {
        this.g = g;
        this.backend = backend;
        this.slotSizes = slotSizes;
        this.kernels = kernels;
    }

    /**
     * The plan for {@code g}.
     *
     * @param backend the backend's name, used in error messages
     * @throws IrException for an op the GPU lowering cannot compile
     */
    static ExecutionPlan lower(Graph g, String backend) {
        return new GraphLowering(g, backend, new ArrayList<>(), new ArrayList<>()).plan();
    }

    private ExecutionPlan plan() {
        Map<String, Integer> inputSlots = new LinkedHashMap<>();
        for (Input in : g.inputs()) {
            int s = newSlot(in.shape().size());
            slotOf.put(in.value(), s);
            inputSlots.put(in.name(), s);
        }
        decideFusion();
        for (Node n : g.nodes()) {
            if (inlined.contains(n) || fusedIntoGemm.contains(n)) continue;
            lowerNode(n);
        }
        Map<String, Integer> outputSlots = new LinkedHashMap<>();
        g.outputs().forEach((name, v) -> outputSlots.put(name, g.producer(v) == null ? copyToNewSlot(v) : slotOf.get(v)));
        List<int[]> swaps = new ArrayList<>();
        Set<Integer> swapped = new HashSet<>();
        g.updates().forEach((name, v) -> {
            int src = slotOf.get(v);
            if (g.producer(v) == null || !swapped.add(src)) src = copyToNewSlot(v);
            swaps.add(new int[] {inputSlots.get(name), src});
        });
        int[] sizes = slotSizes.stream().mapToInt(Integer::intValue).toArray();
        return new ExecutionPlan(sizes, List.copyOf(kernels), List.copyOf(launches), inputSlots, outputSlots, swaps);
    }

    // ---- fusion decisions ----------------------------------------------------------------------

    private void decideFusion() {
        Map<Value, Integer> uses = g.useCounts();
        Set<Value> pinned = Collections.newSetFromMap(new IdentityHashMap<>());
        pinned.addAll(g.outputs().values());
        pinned.addAll(g.updates().values());
        Map<Value, Node> reader = new IdentityHashMap<>();
        for (Node n : g.nodes()) for (Value v : n.inputs()) reader.put(v, n);
        for (Node n : g.nodes()) {
            if (n.op() != Op.MATMUL && n.op() != Op.CONV2D) continue;
            List<Node> chain = new ArrayList<>(List.of(n));
            Node last = n;
            Node next = soleReader(last, uses, pinned, reader);
            if (next != null && next.op() == Op.BIAS_ADD && next.in(0) == last.out()) {
                chain.add(next);
                last = next;
                next = soleReader(last, uses, pinned, reader);
                if (next != null && next.op() == Op.RELU) chain.add(next);
            }
            gemmChains.put(chain.get(chain.size() - 1), chain);
            for (int i = 0; i < chain.size() - 1; i++) fusedIntoGemm.add(chain.get(i));
        }
        for (Node n : g.nodes()) {
            if (!PointwiseOps.handles(n.op()) || fusedIntoGemm.contains(n) || gemmChains.containsKey(n)) continue;
            Node r = soleReader(n, uses, pinned, reader);
            if (r != null && !DIRECT_READERS.contains(r.op())) inlined.add(n);
        }
    }

    private static Node soleReader(Node n, Map<Value, Integer> uses, Set<Value> pinned, Map<Value, Node> reader) {
        Value v = n.out();
        if (pinned.contains(v) || uses.getOrDefault(v, 0) != 1) return null;
        return reader.get(v);
    }

    // ---- per-node kernels ----------------------------------------------------------------------

    private void lowerNode(Node n) {
        Op op = n.op();
        if (!supports(op)) throw new IrException(backend + " backend cannot compile op '" + op.text() + "'");
        List<Node> chain = gemmChains.get(n);
        if (chain != null) {
            Node head = chain.get(0), bias = chain.size() > 1 ? chain.get(1) : null;
            if (head.op() == Op.CONV2D) ConvTemplates.conv2d(this, head, bias, chain.size() > 2, slotFor(n.out()));
            else KernelTemplates.gemm(this, head, bias, chain.size() > 2, slotFor(n.out()));
            return;
        }
        if (PointwiseOps.handles(op)) {
            pointwiseKernel(n);
            return;
        }
        switch (op) {
            case SOFTMAX, LOG_SOFTMAX, SOFTMAX_GRAD, LOG_SOFTMAX_GRAD, SOFTMAX_XENT_GRAD ->
                    KernelTemplates.rowwise(this, n, slotFor(n.out()));
            case REDUCE_SUM, REDUCE_MEAN, REDUCE_MAX -> KernelTemplates.reduce(this, n, slotFor(n.out()));
            case MSE_LOSS, BCE_LOSS, SOFTMAX_XENT -> KernelTemplates.loss(this, n, slotFor(n.out()));
            case CONV2D_INPUT_GRAD -> ConvTemplates.conv2dInputGrad(this, n, slotFor(n.out()));
            case CONV2D_WEIGHT_GRAD -> ConvTemplates.conv2dWeightGrad(this, n, slotFor(n.out()));
            case MAX_POOL, AVG_POOL -> ConvTemplates.pool(this, n, slotFor(n.out()));
            case MAX_POOL_GRAD, AVG_POOL_GRAD -> ConvTemplates.poolGrad(this, n, slotFor(n.out()));
            case BATCH_NORM_TRAIN, BATCH_NORM_INPUT_GRAD, BATCH_NORM_GAMMA_GRAD -> NormTemplates.batchNorm(this, n, slotFor(n.out()));
            case GLOBAL_AVG_POOL -> KernelTemplates.reduce(this, n, slotFor(n.out()));
            case LRN, LRN_GRAD -> NormTemplates.lrn(this, n, slotFor(n.out()));
            case CTC_LOSS, CTC_GRAD -> CtcTemplates.ctc(this, n, slotFor(n.out()));
            case SCAN -> ScanLowering.scan(this, n, slotFor(n.out()));
            default -> throw new IllegalStateException("supports() and lowerNode disagree on " + op.text());
        }
    }

    /** One thread per element: out[i] = the node's expression at i. */
    private void pointwiseKernel(Node n) {
        int out = slotFor(n.out());
        int size = n.out().shape().size();
        KernelBuilder k = new KernelBuilder();
        var b = k.body;
        Expr gid = b.tmp(add(mul(thread(Special.GROUP_X), i(BLOCK)), thread(Special.LOCAL_X)));
        var in = b.when(lt(gid, i(size)));
        in.store(out, gid, PointwiseOps.expr(this, n, gid, in));
        finish(k, n.op().text(), ceilDiv(size, BLOCK), 1, BLOCK, 1);
    }

    /**
     * Lowers a scan's body graph once, with its inputs bound to {@code inputSlots} (in body input
     * order), into this lowering's buffers and kernel list. Returns the launches of one step and
     * the slot of each body output: distinct, none of them an input's slot (an output that is an
     * input, or that is another output too, is copied), so a carry's output slot can swap with
     * its input slot from step to step.
     */
    BodyLowering lowerBody(Graph body, int[] inputSlots) {
        GraphLowering child = new GraphLowering(body, backend, slotSizes, kernels);
        Set<Integer> taken = new HashSet<>();
        for (int k = 0; k < inputSlots.length; k++) {
            child.slotOf.put(body.inputs().get(k).value(), inputSlots[k]);
            taken.add(inputSlots[k]);
        }
        child.decideFusion();
        for (Node n : body.nodes()) {
            if (child.inlined.contains(n) || child.fusedIntoGemm.contains(n)) continue;
            child.lowerNode(n);
        }
        List<Integer> outs = new ArrayList<>();
        for (Value v : body.outputs().values()) {
            Integer s = child.slotOf.get(v);
            outs.add(s == null || !taken.add(s) ? child.copyToNewSlot(v) : s);
        }
        return new BodyLowering(List.copyOf(child.launches), outs.stream().mapToInt(Integer::intValue).toArray());
    }

    /** One step of a scan body: its launches, and the slot of each body output. */
    record BodyLowering(List<ExecutionPlan.Launch> launches, int[] outputSlots) {}

    private int copyToNewSlot(Value v) {
        int slot = newSlot(v.shape().size());
        int size = v.shape().size();
        KernelBuilder k = new KernelBuilder();
        var b = k.body;
        Expr gid = b.tmp(add(mul(thread(Special.GROUP_X), i(BLOCK)), thread(Special.LOCAL_X)));
        var in = b.when(lt(gid, i(size)));
        in.store(slot, gid, element(v, gid, in));
        finish(k, "copy", ceilDiv(size, BLOCK), 1, BLOCK, 1);
        return slot;
    }

    // ---- services for the kernel writers ---------------------------------------------------------

    /**
     * Element {@code index} (flat, row-major) of value {@code v}, as seen from a kernel body: a
     * load from v's slot, or, when v's producer is inlined, the producer's expression computed in
     * {@code b} into a temporary.
     */
    Expr element(Value v, Expr index, KernelBuilder.Body b) {
        Node p = g.producer(v);
        if (p != null && inlined.contains(p)) return b.tmp(PointwiseOps.expr(this, p, b.once(index), b));
        Integer slot = slotOf.get(v);
        if (slot == null) throw new IllegalStateException("value " + v + " has no device buffer");
        return load(b.kernel().param(slot), index);
    }

    /** The slot of a value computed by a kernel, allocated on first request. */
    int slotFor(Value v) {
        return slotOf.computeIfAbsent(v, x -> newSlot(x.shape().size()));
    }

    int slotOfValue(Value v) {
        Integer s = slotOf.get(v);
        if (s == null) throw new IllegalStateException("value " + v + " is not materialized");
        return s;
    }

    /** Adds the kernel {@code k} and launches it once, here in the sequence. */
    void finish(KernelBuilder k, String what, int groupsX, int groupsY, int blockX, int blockY) {
        launch(build(k, what, groupsX, groupsY, blockX, blockY), k.slotArray());
    }

    /** Adds the kernel {@code k} without launching it; returns its number for {@link #launch}. */
    int build(KernelBuilder k, String what, int groupsX, int groupsY, int blockX, int blockY) {
        String name = "k" + kernels.size() + "_" + what.replaceAll("[^A-Za-z0-9_]", "_");
        kernels.add(k.finish(name, groupsX, groupsY, blockX, blockY));
        return kernels.size() - 1;
    }

    /** Appends a launch of kernel number {@code kernel} with these slots as its buffer parameters. */
    void launch(int kernel, int[] slots) { launches.add(new ExecutionPlan.Launch(kernel, slots)); }

    /** A device buffer of {@code floats} floats for a kernel's intermediate results (split-K partial sums). */
    int scratchSlot(int floats) { return newSlot(floats); }

    private int newSlot(int floats) {
        slotSizes.add(floats);
        return slotSizes.size() - 1;
    }

    static int ceilDiv(int a, int b) { return (a + b - 1) / b; }
}
