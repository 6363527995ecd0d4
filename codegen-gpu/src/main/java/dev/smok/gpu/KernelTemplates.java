package dev.smok.gpu;

import static dev.smok.gpu.KernelIr.*;

import dev.smok.gpu.KernelIr.Barrier;
import dev.smok.gpu.KernelIr.Expr;
import dev.smok.gpu.KernelIr.LoadLocal;
import dev.smok.gpu.KernelIr.Special;
import dev.smok.gpu.KernelIr.StoreLocal;
import dev.smok.gpu.KernelIr.Un;
import dev.smok.gpu.KernelIr.Var;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;

import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * The non-pointwise kernels, written once in the {@link KernelIr}:
 * <ul>
 *   <li>{@link #gemm}: matrix product on the {@link TiledGemm} core (128x128, 64x64 or 32x32
 *       tiles of C, the largest that still fills the GPU: {@link TiledGemm#forMatmul}); the trans
 *       flags only change which axis of each operand is contiguous. Epilogue: optional bias (per column) and relu.</li>
 *   <li>{@link #rowwise}: softmax, log-softmax, their gradients and the softmax-cross-entropy
 *       gradient, one thread per row of the last axis (max-subtracted, as the interpreter).</li>
 *   <li>{@link #reduce}: sum, mean, max over any axes (global average pooling too): one thread per output element looping over
 *       the reduced elements, or, for few outputs with long reductions (and for one number), one
 *       work-group tree reduction per output element.</li>
 *   <li>{@link #loss}: mse, bce and softmax cross-entropy as work-group tree reductions.</li>
 * </ul>
 */
final class KernelTemplates {
    private KernelTemplates() {}

    /** C = op(A) op(B) [+ bias per column] [relu], written to {@code outSlot}. */
    static void gemm(GraphLowering l, Node mm, Node biasAdd, boolean relu, int outSlot) {
        boolean ta = mm.attrs().b("trans_a", false), tb = mm.attrs().b("trans_b", false);
        Shape as = mm.in(0).shape(), bs = mm.in(1).shape();
        int m = mm.out().shape().dim(0), n = mm.out().shape().dim(1), k = ta ? as.dim(0) : as.dim(1);
        int lda = as.dim(1), ldb = bs.dim(1);
        int aSlot = l.slotOfValue(mm.in(0)), bSlot = l.slotOfValue(mm.in(1));
        TiledGemm.Operand a = new TiledGemm.Operand() {
            public boolean alongK() { return !ta; }
            public Expr at(KernelBuilder.Body b, Expr mi, Expr ki) {
                return load(b.kernel().param(aSlot), ta ? add(mul(ki, i(lda)), mi) : add(mul(mi, i(lda)), ki));
            }
        };
        TiledGemm.Operand bOp = new TiledGemm.Operand() {
            public boolean alongK() { return tb; }
            public Expr at(KernelBuilder.Body b, Expr ni, Expr ki) {
                return load(b.kernel().param(bSlot), tb ? add(mul(ni, i(ldb)), ki) : add(mul(ki, i(ldb)), ni));
            }
        };
        TiledGemm.Tiling tiling = TiledGemm.forMatmul(m, n);
        String what = "matmul" + tiling.tileM() + (biasAdd != null ? "_bias" : "") + (relu ? "_relu" : "");
        TiledGemm.emit(l, what, m, n, k, tiling, 1, a, bOp, (in, row, col, acc) -> {
            Expr v = acc;
            if (biasAdd != null) v = add(v, l.element(biasAdd.in(1), col, in));
            if (relu) { Expr x = in.tmp(v); v = select(gt(x, f(0)), x, f(0)); }
            in.store(outSlot, add(mul(row, i(n)), col), v);
        });
    }

    /**
     * Reductions with fewer outputs than this (and at least a work-group's worth of elements each)
     * take one work-group per output; others one thread per output.
     */
    static final int GROUP_PER_OUTPUT_BELOW = 8192;

    /** Row-wise ops over the last axis, one thread per row. */
    static void rowwise(GraphLowering l, Node n, int outSlot) {
        Shape s = n.in(0).shape();
        int c = s.dim(-1), rows = s.size() / c;
        KernelBuilder kb = new KernelBuilder();
        var b = kb.body;
        Expr row = b.tmp(add(mul(thread(Special.GROUP_X), i(GraphLowering.BLOCK)), thread(Special.LOCAL_X)));
        var body = b.when(lt(row, i(rows)));
        Expr o = body.tmp(mul(row, i(c)));
        Var j = ivar("j");
        switch (n.op()) {
            case SOFTMAX, LOG_SOFTMAX -> {
                Expr lse = logSumExp(l, n, body, o, c);
                var w = body.loop(j, i(0), i(c), 1);
                Expr x = l.element(n.in(0), add(o, j), w);
                w.store(outSlot, add(o, j), n.op() == Op.LOG_SOFTMAX ? sub(x, lse) : un(Un.EXP, sub(x, lse)));
            }
            case SOFTMAX_GRAD, LOG_SOFTMAX_GRAD -> {
                boolean log = n.op() == Op.LOG_SOFTMAX_GRAD;
                Var dot = body.var("dot", f(0));
                var d = body.loop(j, i(0), i(c), 1);
                Expr g = l.element(n.in(1), add(o, j), d);
                d.set(dot, add(dot, log ? g : mul(g, l.element(n.in(0), add(o, j), d))));
                var w = body.loop(j, i(0), i(c), 1);
                Expr y = l.element(n.in(0), add(o, j), w), g2 = l.element(n.in(1), add(o, j), w);
                w.store(outSlot, add(o, j), log ? sub(g2, mul(un(Un.EXP, y), dot)) : mul(y, sub(g2, dot)));
            }
            case SOFTMAX_XENT_GRAD -> {
                Expr lse = logSumExp(l, n, body, o, c);
                Expr label = body.tmp(un(Un.TO_INT, l.element(n.in(1), row, body)));
                Expr scale = body.tmp(div(l.element(n.in(2), i(0), body), f(rows)));
                var w = body.loop(j, i(0), i(c), 1);
                Expr p = sub(un(Un.EXP, sub(l.element(n.in(0), add(o, j), w), lse)), select(eq(j, label), f(1), f(0)));
                w.store(outSlot, add(o, j), mul(p, scale));
            }
            default -> throw new IllegalStateException(n.op() + " is not row-wise");
        }
        l.finish(kb, n.op().text(), GraphLowering.ceilDiv(rows, GraphLowering.BLOCK), 1, GraphLowering.BLOCK, 1);
    }

    /** log(sum(exp(x))) over the row of input 0 starting at flat index {@code o}, max-subtracted. */
    private static Expr logSumExp(GraphLowering l, Node n, KernelBuilder.Body b, Expr o, int c) {
        Var j = ivar("j");
        Var mx = b.var("mx", f(Float.NEGATIVE_INFINITY));
        var m = b.loop(j, i(0), i(c), 1);
        m.set(mx, max(mx, l.element(n.in(0), add(o, j), m)));
        Var sum = b.var("sum", f(0));
        var s = b.loop(j, i(0), i(c), 1);
        s.set(sum, add(sum, un(Un.EXP, sub(l.element(n.in(0), add(o, j), s), mx))));
        return b.tmp(add(mx, un(Un.LOG, sum)));
    }

    /** reduce_sum / reduce_mean / reduce_max over the node's axes; global_avg_pool, a mean over axes 2 and 3. */
    static void reduce(GraphLowering l, Node n, int outSlot) {
        Shape in = n.in(0).shape();
        int[] axes = n.op() == Op.GLOBAL_AVG_POOL ? new int[] {2, 3} : in.normalizeAxes(n.attrs().ints("axes"));
        boolean[] red = new boolean[in.rank()];
        for (int ax : axes) red[ax] = true;
        int outSize = n.out().shape().size(), count = in.size() / outSize;
        boolean isMax = n.op() == Op.REDUCE_MAX, mean = n.op() == Op.REDUCE_MEAN || n.op() == Op.GLOBAL_AVG_POOL;
        UnaryOperator<Expr> fin = mean ? x -> div(x, f(count)) : x -> x;
        if (outSize == 1) {
            blockReduce(l, new KernelBuilder(), in.size(), isMax, (b, it) -> l.element(n.in(0), it, b), fin, outSlot, n.op().text());
            return;
        }
        int[] dims = in.dims(), strides = in.strides();
        if (outSize < GROUP_PER_OUTPUT_BELOW && count >= GraphLowering.BLOCK) {
            // Few outputs, long reductions (a conv bias gradient: 6 channels x 200,704 elements):
            // one work-group per output element, so the whole GPU works on it.
            KernelBuilder kb = new KernelBuilder();
            Expr base = kb.body.tmp(offsetOf(thread(Special.GROUP_X), dims, strides, red, false));
            blockReduce(l, kb, count, isMax, (b, it) -> l.element(n.in(0), add(base, offsetOf(it, dims, strides, red, true)), b),
                    fin, outSlot, n.op().text(), outSize);
            return;
        }
        KernelBuilder kb = new KernelBuilder();
        var b = kb.body;
        Expr o = b.tmp(add(mul(thread(Special.GROUP_X), i(GraphLowering.BLOCK)), thread(Special.LOCAL_X)));
        var body = b.when(lt(o, i(outSize)));
        Expr base = body.tmp(offsetOf(o, dims, strides, red, false));
        Var acc = body.var("acc", f(isMax ? Float.NEGATIVE_INFINITY : 0f));
        Var r = ivar("r");
        var loop = body.loop(r, i(0), i(count), 1);
        Expr x = l.element(n.in(0), add(base, offsetOf(r, dims, strides, red, true)), loop);
        loop.set(acc, isMax ? max(acc, x) : add(acc, x));
        body.store(outSlot, o, fin.apply(acc));
        l.finish(kb, n.op().text(), GraphLowering.ceilDiv(outSize, GraphLowering.BLOCK), 1, GraphLowering.BLOCK, 1);
    }

    /**
     * Input flat offset of the element whose coordinates along the selected axes ({@code red[d]
     * == reduced}) are the row-major decomposition of {@code q}; the other axes contribute 0.
     */
    private static Expr offsetOf(Expr q, int[] dims, int[] strides, boolean[] red, boolean reduced) {
        Expr off = i(0);
        int inner = 1;
        int first = -1;
        for (int d = 0; d < dims.length; d++) if (red[d] == reduced) { first = d; break; }
        for (int d = dims.length - 1; d >= 0; d--) {
            if (red[d] != reduced) continue;
            off = add(off, mul(PointwiseOps.coord(q, inner, dims[d], d == first), i(strides[d])));
            inner *= dims[d];
        }
        return off;
    }

    /** Output flat index (kept axes only) of input flat index {@code i} for a reduction over axes. */
    static Expr reducedIndex(Expr i, Shape in, int[] axesAttr) {
        int[] axes = in.normalizeAxes(axesAttr);
        boolean[] red = new boolean[in.rank()];
        for (int ax : axes) red[ax] = true;
        int[] dims = in.dims(), strides = in.strides();
        Expr idx = KernelIr.i(0);
        int outStride = 1;
        for (int d = dims.length - 1; d >= 0; d--) {
            if (red[d]) continue;
            idx = add(idx, mul(PointwiseOps.coord(i, strides[d], dims[d], d == 0), KernelIr.i(outStride)));
            outStride *= dims[d];
        }
        return idx;
    }

    /** The scalar losses (means over the batch). */
    static void loss(GraphLowering l, Node n, int outSlot) {
        Shape s = n.in(0).shape();
        int size = s.size();
        switch (n.op()) {
            case MSE_LOSS -> blockReduce(l, new KernelBuilder(), size, false, (b, it) -> {
                Expr d = b.tmp(sub(l.element(n.in(0), it, b), l.element(n.in(1), it, b)));
                return mul(d, d);
            }, x -> div(x, f(size)), outSlot, "mse_loss");
            case BCE_LOSS -> blockReduce(l, new KernelBuilder(), size, false, (b, it) -> {
                Expr q = b.tmp(PointwiseOps.clampProbability(l.element(n.in(0), it, b)));
                Expr t = b.once(l.element(n.in(1), it, b));
                return un(Un.NEG, add(mul(t, un(Un.LOG, q)), mul(sub(f(1), t), un(Un.LOG, sub(f(1), q)))));
            }, x -> div(x, f(size)), outSlot, "bce_loss");
            case SOFTMAX_XENT -> {
                int c = s.dim(1), rows = s.dim(0);
                blockReduce(l, new KernelBuilder(), rows, false, (b, row) -> {
                    Expr o = b.tmp(mul(row, i(c)));
                    Expr lse = logSumExp(l, n, b, o, c);
                    Expr label = b.tmp(un(Un.TO_INT, l.element(n.in(1), row, b)));
                    return sub(lse, l.element(n.in(0), add(o, label), b));
                }, x -> div(x, f(rows)), outSlot, "softmax_xent");
            }
            default -> throw new IllegalStateException(n.op() + " is not a loss");
        }
    }

    /**
     * One work-group of {@link GraphLowering#BLOCK} threads combines {@code items} values (sum,
     * or max): each thread accumulates a strided share, then a tree reduction in local memory;
     * thread 0 stores {@code finish(total)} to element 0 of {@code outSlot}.
     */
    static void blockReduce(GraphLowering l, KernelBuilder kb, int items, boolean isMax,
                            BiFunction<KernelBuilder.Body, Expr, Expr> value, UnaryOperator<Expr> finish,
                            int outSlot, String what) {
        blockReduce(l, kb, items, isMax, value, finish, outSlot, what, 1);
    }

    /**
     * The same with {@code groups} work-groups, group g reducing its own {@code items} values
     * ({@code value} reads {@code GROUP_X}) into output element g.
     */
    static void blockReduce(GraphLowering l, KernelBuilder kb, int items, boolean isMax,
                            BiFunction<KernelBuilder.Body, Expr, Expr> value, UnaryOperator<Expr> finish,
                            int outSlot, String what, int groups) {
        int block = GraphLowering.BLOCK;
        var b = kb.body;
        String part = kb.local("partial", block);
        Expr t = b.tmp(thread(Special.LOCAL_X));
        Var acc = b.var("acc", f(isMax ? Float.NEGATIVE_INFINITY : 0f));
        Var it = ivar("it");
        var loop = b.loop(it, t, i(items), block);
        Expr v = value.apply(loop, it);
        loop.set(acc, isMax ? max(acc, v) : add(acc, v));
        b.add(new StoreLocal(part, t, acc));
        b.add(new Barrier());
        for (int s = block / 2; s > 0; s /= 2) {
            var w = b.when(lt(t, i(s)));
            Expr x = new LoadLocal(part, t), y = new LoadLocal(part, add(t, i(s)));
            w.add(new StoreLocal(part, t, isMax ? max(x, y) : add(x, y)));
            b.add(new Barrier());
        }
        b.when(eq(t, i(0))).store(outSlot, groups == 1 ? i(0) : thread(Special.GROUP_X), finish.apply(new LoadLocal(part, i(0))));
        l.finish(kb, what, groups, 1, block, 1);
    }
}
