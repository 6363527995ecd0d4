package dev.smok.gpu;

import static dev.smok.gpu.KernelIr.*;

import dev.smok.gpu.KernelIr.Barrier;
import dev.smok.gpu.KernelIr.Expr;
import dev.smok.gpu.KernelIr.Fma;
import dev.smok.gpu.KernelIr.LoadLocal;
import dev.smok.gpu.KernelIr.LoadLocal4;
import dev.smok.gpu.KernelIr.Special;
import dev.smok.gpu.KernelIr.StoreLocal;
import dev.smok.gpu.KernelIr.Un;
import dev.smok.gpu.KernelIr.Var;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * The non-pointwise kernels, written once in the {@link KernelIr}:
 * <ul>
 *   <li>{@link #gemm}: tiled matrix product. A 16x16 work-group computes a 128x128, 64x64 or
 *       32x32 tile of C (8x8, 4x4 or 2x2 outputs per thread; the largest that still fills the GPU,
 *       {@link #tilingFor}), staging panels of op(A) and op(B) through local (shared) memory and
 *       reading them back four floats at a time; the trans flags only change how panels are loaded (each layout is read along its
 *       contiguous axis). Ragged edges load zeros from clamped addresses, so no thread reads out
 *       of bounds and there is no divergent branch in the inner loop. Epilogue: optional bias
 *       (per column) and relu.</li>
 *   <li>{@link #rowwise}: softmax, log-softmax, their gradients and the softmax-cross-entropy
 *       gradient, one thread per row of the last axis (max-subtracted, as the interpreter).</li>
 *   <li>{@link #reduce}: sum, mean, max over any axes: one thread per output element looping over
 *       the reduced elements, or a work-group tree reduction when everything reduces to one
 *       number.</li>
 *   <li>{@link #loss}: mse, bce and softmax cross-entropy as work-group tree reductions.</li>
 * </ul>
 */
final class KernelTemplates {
    private KernelTemplates() {}

    /**
     * GEMM blocking: a THREADS x THREADS work-group computes a TILE x TILE block of C, PER x PER
     * outputs per thread (TILE = THREADS * PER), stepping through K by TK.
     */
    record GemmTiling(int threads, int per, int tk) {
        int tile() { return threads * per; }
    }

    /** 32x32 tiles, 2x2 per thread: small products, where bigger tiles would leave most of a GPU idle. */
    static final GemmTiling TINY = new GemmTiling(16, 2, 16);
    /** 64x64 tiles, 4x4 per thread. */
    static final GemmTiling SMALL = new GemmTiling(16, 4, 16);
    /** 128x128 tiles, 8x8 per thread, K steps of 16 (best of the sweep in gpu/results/h200-run2-tilings.log). */
    static final GemmTiling LARGE = new GemmTiling(16, 8, 16);

    /**
     * Work-groups a product should at least give a GPU: an H100/H200 has 132 SMs, and a grid
     * smaller than that leaves SMs idle whatever the tile's efficiency.
     */
    static final int MIN_GROUPS = 128;

    /**
     * The largest tiling whose grid still has {@link #MIN_GROUPS} work-groups (TINY if none).
     * The system property {@code smok.gpu.gemmTiling=THREADSxPERxTK} (e.g. {@code 16x8x16})
     * overrides the choice for products of at least 256x256, for tuning runs such as the
     * GEMM benchmark in {@code gpu/run-on-h100.sh}.
     */
    static GemmTiling tilingFor(int m, int n) {
        String forced = System.getProperty("smok.gpu.gemmTiling");
        if (forced != null && m >= 256 && n >= 256) {
            String[] t = forced.split("x");
            GemmTiling g = new GemmTiling(Integer.parseInt(t[0]), Integer.parseInt(t[1]), Integer.parseInt(t[2]));
            if (g.tk() * g.tile() % (g.threads() * g.threads()) != 0) {
                throw new IllegalArgumentException("smok.gpu.gemmTiling=" + forced + ": tk*tile must be a multiple of threads^2");
            }
            return g;
        }
        for (GemmTiling t : new GemmTiling[] {LARGE, SMALL}) {
            if ((long) GraphLowering.ceilDiv(m, t.tile()) * GraphLowering.ceilDiv(n, t.tile()) >= MIN_GROUPS) return t;
        }
        return TINY;
    }

    /** C = op(A) op(B) [+ bias per column] [relu], written to {@code outSlot}. */
    static void gemm(GraphLowering l, Node mm, Node biasAdd, boolean relu, int outSlot) {
        boolean ta = mm.attrs().b("trans_a", false), tb = mm.attrs().b("trans_b", false);
        Shape as = mm.in(0).shape(), bs = mm.in(1).shape();
        int m = mm.out().shape().dim(0), n = mm.out().shape().dim(1), k = ta ? as.dim(0) : as.dim(1);
        int lda = as.dim(1), ldb = bs.dim(1);
        GemmTiling tiling = tilingFor(m, n);
        int threads = tiling.threads(), per = tiling.per(), tk = tiling.tk(), tile = tiling.tile();
        int aSlot = l.slotOfValue(mm.in(0)), bSlot = l.slotOfValue(mm.in(1));
        KernelBuilder kb = new KernelBuilder();
        var b = kb.body;
        String sa = kb.local("tileA", tk * tile), sb = kb.local("tileB", tk * tile);
        int pa = kb.param(aSlot), pb = kb.param(bSlot);
        Expr tx = b.tmp(thread(Special.LOCAL_X)), ty = b.tmp(thread(Special.LOCAL_Y));
        Expr tid = b.tmp(add(mul(ty, i(threads)), tx));
        Expr row0 = b.tmp(mul(thread(Special.GROUP_Y), i(tile))), col0 = b.tmp(mul(thread(Special.GROUP_X), i(tile)));
        Var[][] acc = new Var[per][per];
        for (int r = 0; r < per; r++) for (int c = 0; c < per; c++) acc[r][c] = b.var("acc" + r + "_" + c, f(0));
        Var kt = ivar("kt");
        var loop = b.loop(kt, i(0), i(k), tk);
        int perThreadLoads = tk * tile / (threads * threads);
        for (int e = 0; e < perThreadLoads; e++) {
            Expr idx = loop.tmp(add(tid, i(e * threads * threads)));
            // A panel element (mi, ki): read along A's contiguous axis.
            Expr mi = ta ? rem(idx, i(tile)) : div(idx, i(tk)), ki = ta ? div(idx, i(tile)) : rem(idx, i(tk));
            mi = loop.tmp(mi);
            ki = loop.tmp(ki);
            Expr gr = loop.tmp(add(row0, mi)), gk = loop.tmp(add(kt, ki));
            Expr cr = min(gr, i(m - 1)), ck = min(gk, i(k - 1));
            Expr aIdx = ta ? add(mul(ck, i(lda)), cr) : add(mul(cr, i(lda)), ck);
            Expr av = load(pa, aIdx);
            loop.add(new StoreLocal(sa, add(mul(ki, i(tile)), mi), select(and(lt(gr, i(m)), lt(gk, i(k))), av, f(0))));
            // B panel element (ki, ni).
            Expr ni = tb ? div(idx, i(tk)) : rem(idx, i(tile)), kj = tb ? rem(idx, i(tk)) : div(idx, i(tile));
            ni = loop.tmp(ni);
            kj = loop.tmp(kj);
            Expr gc = loop.tmp(add(col0, ni)), gk2 = loop.tmp(add(kt, kj));
            Expr cc = min(gc, i(n - 1)), ck2 = min(gk2, i(k - 1));
            Expr bIdx = tb ? add(mul(cc, i(ldb)), ck2) : add(mul(ck2, i(ldb)), cc);
            loop.add(new StoreLocal(sb, add(mul(kj, i(tile)), ni),
                    select(and(lt(gc, i(n)), lt(gk2, i(k))), load(pb, bIdx), f(0))));
        }
        loop.add(new Barrier());
        // Thread (tx, ty) owns rows rowOf(ty, r) and columns rowOf(tx, c) of the tile. With 4 | per they
        // come in runs of four, read from shared memory as one 128-bit load (a broadcast within a warp
        // for A, consecutive 16-byte words for B: no bank conflicts); otherwise strided scalars.
        boolean vec = per % 4 == 0;
        Var[] av = new Var[per], bv = new Var[per];
        for (int r = 0; r < per; r++) { av[r] = b.var("a" + r, f(0)); bv[r] = b.var("b" + r, f(0)); }
        for (int kk = 0; kk < tk; kk++) {
            if (vec) {
                for (int g = 0; g < per / 4; g++) {
                    loop.add(new LoadLocal4(sa, add(mul(ty, i(4)), i(kk * tile + g * threads * 4)), List.of(av).subList(4 * g, 4 * g + 4)));
                    loop.add(new LoadLocal4(sb, add(mul(tx, i(4)), i(kk * tile + g * threads * 4)), List.of(bv).subList(4 * g, 4 * g + 4)));
                }
            } else {
                for (int r = 0; r < per; r++) loop.set(av[r], new LoadLocal(sa, add(ty, i(kk * tile + r * threads))));
                for (int c = 0; c < per; c++) loop.set(bv[c], new LoadLocal(sb, add(tx, i(kk * tile + c * threads))));
            }
            for (int r = 0; r < per; r++) {
                for (int c = 0; c < per; c++) loop.set(acc[r][c], new Fma(av[r], bv[c], acc[r][c]));
            }
        }
        loop.add(new Barrier());
        for (int r = 0; r < per; r++) {
            Expr row = b.tmp(add(row0, rowOf(tiling, ty, r)));
            for (int c = 0; c < per; c++) {
                Expr col = b.tmp(add(col0, rowOf(tiling, tx, c)));
                var in = b.when(and(lt(row, i(m)), lt(col, i(n))));
                Expr v = acc[r][c];
                if (biasAdd != null) v = add(v, l.element(biasAdd.in(1), col, in));
                if (relu) { Expr x = in.tmp(v); v = select(gt(x, f(0)), x, f(0)); }
                in.store(outSlot, add(mul(row, i(n)), col), v);
            }
        }
        String what = "matmul" + tile + (biasAdd != null ? "_bias" : "") + (relu ? "_relu" : "");
        l.finish(kb, what, GraphLowering.ceilDiv(n, tile), GraphLowering.ceilDiv(m, tile), threads, threads);
    }

    /** Offset within the tile of the r-th row (or column) owned by thread coordinate {@code t}. */
    private static Expr rowOf(GemmTiling tiling, Expr t, int r) {
        int threads = tiling.threads();
        return tiling.per() % 4 == 0 ? add(mul(t, i(4)), i(r / 4 * threads * 4 + r % 4)) : add(t, i(r * threads));
    }

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

    /** reduce_sum / reduce_mean / reduce_max over the node's axes. */
    static void reduce(GraphLowering l, Node n, int outSlot) {
        Shape in = n.in(0).shape();
        int[] axes = in.normalizeAxes(n.attrs().ints("axes"));
        boolean[] red = new boolean[in.rank()];
        for (int ax : axes) red[ax] = true;
        int outSize = n.out().shape().size(), count = in.size() / outSize;
        boolean isMax = n.op() == Op.REDUCE_MAX, mean = n.op() == Op.REDUCE_MEAN;
        UnaryOperator<Expr> fin = mean ? x -> div(x, f(count)) : x -> x;
        if (outSize == 1) {
            blockReduce(l, new KernelBuilder(), in.size(), isMax, (b, it) -> l.element(n.in(0), it, b), fin, outSlot, n.op().text());
            return;
        }
        int[] dims = in.dims(), strides = in.strides();
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
        b.when(eq(t, i(0))).store(outSlot, i(0), finish.apply(new LoadLocal(part, i(0))));
        l.finish(kb, what, 1, 1, block, 1);
    }
}
