package dev.smok.gpu;

import static dev.smok.gpu.KernelIr.*;

import dev.smok.gpu.KernelIr.Expr;
import dev.smok.gpu.KernelIr.Special;
import dev.smok.gpu.KernelIr.Var;
import dev.smok.ir.Attrs;
import dev.smok.ir.ConvArithmetic;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;

/**
 * Convolution and pooling kernels (NCHW), written once in the {@link KernelIr}. Index maps
 * follow {@code dev.smok.ir.interp.ConvKernels}: input coordinate = out·stride + tap·dilation −
 * padding; taps in the padding read zero (convolution, average pooling) or are skipped (max).
 *
 * <p>The three convolutions are implicit GEMMs on {@link TiledGemm}, one per group, with the
 * image side gathered on the fly (no im2col buffer):
 * <ul>
 *   <li>conv2d: Y[o, (n,oy,ox)] = Σ_(c,ky,kx) W[o,(c,ky,kx)] · X(c,ky,kx; n,oy,ox), with the
 *       bias_add and relu that follow it fused into the store;</li>
 *   <li>conv2d_input_grad: dX[c, (n,iy,ix)] = Σ_(o,ky,kx) W[o,c,ky,kx] · G(o,ky,kx; n,iy,ix), where
 *       G reads the output pixel whose window puts tap (ky,kx) on (iy,ix), or zero when the stride
 *       skips it (a transposed convolution as a gather, no atomics);</li>
 *   <li>conv2d_weight_grad: dW[o, (c,ky,kx)] = Σ_(n,oy,ox) G[o,(n,oy,ox)] · X(c,ky,kx; n,oy,ox); K
 *       is batch x pixels, long, so it is split over work-groups (split-K).</li>
 * </ul>
 * Pooling runs one thread per output element; the pool gradients run one thread per input
 * element and gather from the (at most ⌈k/s⌉² ) windows that contain it, recomputing each
 * window's first maximum, so overlapping windows need no atomics either.
 */
final class ConvTemplates {
    private ConvTemplates() {}

    /** Window geometry: kernel, stride, padding, dilation (h and w), groups. */
    private record Geometry(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        static Geometry conv(Attrs a, Shape weight) {
            int[] s = ConvArithmetic.pair(a, "stride", 1), p = ConvArithmetic.pair(a, "padding", 0);
            int[] d = ConvArithmetic.pair(a, "dilation", 1);
            return new Geometry(weight.dim(2), weight.dim(3), s[0], s[1], p[0], p[1], d[0], d[1], a.i("groups", 1));
        }

        static Geometry pool(Attrs a) {
            int[] k = ConvArithmetic.pair(a, "kernel", 1), s = ConvArithmetic.poolStride(a);
            int[] p = ConvArithmetic.pair(a, "padding", 0);
            return new Geometry(k[0], k[1], s[0], s[1], p[0], p[1], 1, 1, 1);
        }

        int taps() { return kh * kw; }
    }

    /** Targets of split-K: enough work-groups to fill a large GPU, chunks of at least this many k. */
    private static final int TARGET_GROUPS = 264, MIN_CHUNK = 256;

    /**
     * Element (c, ky, kx; n, oy, ox) of the virtual im2col matrix of image {@code x} [N,C,H,W]
     * for output size ho x wo: column j = (n, oy, ox), row kk = (c, ky, kx) with c relative to
     * channel {@code c0}; zero in the padding.
     */
    private static Expr im2col(GraphLowering l, KernelBuilder.Body b, Node owner, int xIndex, Geometry g,
                               int c0, int ho, int wo, Expr kk, Expr j) {
        Shape x = owner.in(xIndex).shape();
        int c = x.dim(1), h = x.dim(2), w = x.dim(3);
        Expr n = b.tmp(div(j, i(ho * wo))), pix = b.tmp(rem(j, i(ho * wo)));
        Expr ch = b.tmp(div(kk, i(g.taps()))), r = b.tmp(rem(kk, i(g.taps())));
        Expr iy = b.tmp(sub(add(mul(div(pix, i(wo)), i(g.sh)), mul(div(r, i(g.kw)), i(g.dh))), i(g.ph)));
        Expr ix = b.tmp(sub(add(mul(rem(pix, i(wo)), i(g.sw)), mul(rem(r, i(g.kw)), i(g.dw))), i(g.pw)));
        Expr valid = b.tmp(and(and(ge(iy, i(0)), lt(iy, i(h))), and(ge(ix, i(0)), lt(ix, i(w)))));
        Expr idx = add(mul(add(mul(add(mul(n, i(c)), add(ch, i(c0))), i(h)), iy), i(w)), ix);
        return select(valid, load(b.kernel().param(l.slotOfValue(owner.in(xIndex))), select(valid, idx, i(0))), f(0));
    }

    /** conv2d, optionally followed by bias_add (per channel) and relu, written to {@code outSlot}. */
    static void conv2d(GraphLowering l, Node conv, Node biasAdd, boolean relu, int outSlot) {
        Shape xs = conv.in(0).shape(), ws = conv.in(1).shape(), ys = conv.out().shape();
        Geometry geo = Geometry.conv(conv.attrs(), ws);
        int o = ys.dim(1), ho = ys.dim(2), wo = ys.dim(3), og = o / geo.groups, cg = xs.dim(1) / geo.groups;
        int m = og, n = ys.dim(0) * ho * wo, k = cg * geo.taps();
        int wSlot = l.slotOfValue(conv.in(1));
        for (int grp = 0; grp < geo.groups; grp++) {
            int oc0 = grp * og, c0 = grp * cg;
            TiledGemm.Operand a = operand(true, (b, mo, kk) -> load(b.kernel().param(wSlot), add(mul(add(mo, i(oc0)), i(k)), kk)));
            TiledGemm.Operand bOp = operand(false, (b, j, kk) -> im2col(l, b, conv, 0, geo, c0, ho, wo, kk, j));
            String what = "conv2d" + (biasAdd != null ? "_bias" : "") + (relu ? "_relu" : "") + (geo.groups > 1 ? "_g" + grp : "");
            TiledGemm.emit(l, what, m, n, k, TiledGemm.forConv(m, n), 1, a, bOp, (in, row, col, acc) -> {
                Expr oc = in.tmp(add(row, i(oc0)));
                Expr v = acc;
                if (biasAdd != null) v = add(v, l.element(biasAdd.in(1), oc, in));
                if (relu) { Expr x = in.tmp(v); v = select(gt(x, f(0)), x, f(0)); }
                Expr img = div(col, i(ho * wo)), pix = rem(col, i(ho * wo));
                in.store(outSlot, add(mul(add(mul(img, i(o)), oc), i(ho * wo)), pix), v);
            });
        }
    }

    /** conv2d_input_grad(g [N,O,Ho,Wo], w [O,C/groups,kh,kw]) -> dx [N,C,H,W]. */
    static void conv2dInputGrad(GraphLowering l, Node node, int outSlot) {
        Shape gs = node.in(0).shape(), ws = node.in(1).shape(), xs = node.out().shape();
        Geometry geo = Geometry.conv(node.attrs(), ws);
        int o = gs.dim(1), ho = gs.dim(2), wo = gs.dim(3), c = xs.dim(1), h = xs.dim(2), w = xs.dim(3);
        int og = o / geo.groups, cg = c / geo.groups;
        int m = cg, n = xs.dim(0) * h * w, k = og * geo.taps();
        int wSlot = l.slotOfValue(node.in(1)), gSlot = l.slotOfValue(node.in(0));
        for (int grp = 0; grp < geo.groups; grp++) {
            int oc0 = grp * og, c0 = grp * cg;
            // A(c, (o,ky,kx)) = w[o, c, ky, kx]
            TiledGemm.Operand a = operand(true, (b, ci, kk) -> {
                Expr oc = b.tmp(add(div(kk, i(geo.taps())), i(oc0)));
                return load(b.kernel().param(wSlot), add(mul(add(mul(oc, i(cg)), ci), i(geo.taps())), rem(kk, i(geo.taps()))));
            });
            // B((o,ky,kx), (n,iy,ix)) = g[n, o, oy, ox] where oy·sh + ky·dh − ph = iy (and likewise x), else 0
            TiledGemm.Operand bOp = operand(false, (b, j, kk) -> {
                Expr img = b.tmp(div(j, i(h * w))), pix = b.tmp(rem(j, i(h * w)));
                Expr oc = b.tmp(add(div(kk, i(geo.taps())), i(oc0))), r = b.tmp(rem(kk, i(geo.taps())));
                Expr ty = b.tmp(sub(add(div(pix, i(w)), i(geo.ph)), mul(div(r, i(geo.kw)), i(geo.dh))));
                Expr tx = b.tmp(sub(add(rem(pix, i(w)), i(geo.pw)), mul(rem(r, i(geo.kw)), i(geo.dw))));
                Expr oy = b.tmp(div(ty, i(geo.sh))), ox = b.tmp(div(tx, i(geo.sw)));
                Expr valid = b.tmp(and(and(and(ge(ty, i(0)), ge(tx, i(0))), and(lt(oy, i(ho)), lt(ox, i(wo)))),
                        and(eq(rem(ty, i(geo.sh)), i(0)), eq(rem(tx, i(geo.sw)), i(0)))));
                Expr idx = add(mul(add(mul(add(mul(img, i(o)), oc), i(ho)), oy), i(wo)), ox);
                return select(valid, load(b.kernel().param(gSlot), select(valid, idx, i(0))), f(0));
            });
            String what = "conv2d_input_grad" + (geo.groups > 1 ? "_g" + grp : "");
            TiledGemm.emit(l, what, m, n, k, TiledGemm.forConv(m, n), 1, a, bOp, (in, row, col, acc) -> {
                Expr img = div(col, i(h * w)), pix = rem(col, i(h * w));
                in.store(outSlot, add(mul(add(mul(img, i(c)), add(row, i(c0))), i(h * w)), pix), acc);
            });
        }
    }

    /** conv2d_weight_grad(x [N,C,H,W], g [N,O,Ho,Wo]) -> dw [O,C/groups,kh,kw]. */
    static void conv2dWeightGrad(GraphLowering l, Node node, int outSlot) {
        Shape gs = node.in(1).shape(), ws = node.out().shape();
        Geometry geo = Geometry.conv(node.attrs(), ws);
        int o = gs.dim(1), ho = gs.dim(2), wo = gs.dim(3), og = o / geo.groups, cg = ws.dim(1);
        int m = og, n = cg * geo.taps(), k = gs.dim(0) * ho * wo;
        int gSlot = l.slotOfValue(node.in(1));
        TiledGemm.Tiling tiling = TiledGemm.forConv(m, n);
        int tiles = GraphLowering.ceilDiv(m, tiling.tileM()) * GraphLowering.ceilDiv(n, tiling.tileN());
        int splits = Math.max(1, Math.min(GraphLowering.ceilDiv(k, MIN_CHUNK), GraphLowering.ceilDiv(TARGET_GROUPS, tiles)));
        for (int grp = 0; grp < geo.groups; grp++) {
            int oc0 = grp * og, c0 = grp * cg;
            // A(o, (n,oy,ox)) = g[n, o, oy, ox]
            TiledGemm.Operand a = operand(true, (b, mo, j) -> load(b.kernel().param(gSlot),
                    add(mul(add(mul(div(j, i(ho * wo)), i(o)), add(mo, i(oc0))), i(ho * wo)), rem(j, i(ho * wo)))));
            TiledGemm.Operand bOp = operand(true, (b, kk, j) -> im2col(l, b, node, 0, geo, c0, ho, wo, kk, j));
            String what = "conv2d_weight_grad" + (geo.groups > 1 ? "_g" + grp : "");
            TiledGemm.emit(l, what, m, n, k, tiling, splits, a, bOp,
                    (in, row, col, acc) -> in.store(outSlot, add(mul(add(row, i(oc0)), i(n)), col), acc));
        }
    }

    /** A lambda-friendly {@link TiledGemm.Operand}. */
    private interface Element { Expr at(KernelBuilder.Body b, Expr mn, Expr k); }

    private static TiledGemm.Operand operand(boolean alongK, Element e) {
        return new TiledGemm.Operand() {
            public boolean alongK() { return alongK; }
            public Expr at(KernelBuilder.Body b, Expr mn, Expr k) { return e.at(b, mn, k); }
        };
    }

    // ---- pooling ----------------------------------------------------------------------------------

    /** max_pool / avg_pool: one thread per output element over its window. */
    static void pool(GraphLowering l, Node node, int outSlot) {
        Shape xs = node.in(0).shape(), ys = node.out().shape();
        Geometry g = Geometry.pool(node.attrs());
        boolean isMax = node.op() == Op.MAX_POOL, includePad = node.attrs().b("count_include_pad", true);
        int h = xs.dim(2), w = xs.dim(3), ho = ys.dim(2), wo = ys.dim(3);
        KernelBuilder kb = new KernelBuilder();
        Expr gid = kb.body.tmp(gid());
        var body = kb.body.when(lt(gid, i(ys.size())));
        Expr plane = body.tmp(div(gid, i(ho * wo))), pix = body.tmp(rem(gid, i(ho * wo)));
        Expr y0 = body.tmp(sub(mul(div(pix, i(wo)), i(g.sh)), i(g.ph))), x0 = body.tmp(sub(mul(rem(pix, i(wo)), i(g.sw)), i(g.pw)));
        Var acc = body.var("acc", f(isMax ? Float.NEGATIVE_INFINITY : 0f));
        for (int ky = 0; ky < g.kh; ky++) {
            for (int kx = 0; kx < g.kw; kx++) {
                Expr iy = add(y0, i(ky)), ix = add(x0, i(kx));
                Expr valid = body.tmp(inImage(iy, ix, h, w));
                Expr v = l.element(node.in(0), select(valid, add(mul(add(mul(plane, i(h)), iy), i(w)), ix), i(0)), body);
                body.set(acc, select(valid, isMax ? max(acc, v) : add(acc, v), acc));
            }
        }
        Expr result = acc;
        if (!isMax) result = div(acc, includePad ? f(g.taps()) : un(Un.TO_FLOAT, windowCount(body, y0, x0, g, h, w)));
        body.store(outSlot, gid, result);
        l.finish(kb, node.op().text(), GraphLowering.ceilDiv(ys.size(), GraphLowering.BLOCK), 1, GraphLowering.BLOCK, 1);
    }

    /**
     * max_pool_grad(x, g) and avg_pool_grad(g): one thread per input element, summing the
     * gradient of every window that contains it (for max: only windows whose first maximum it is).
     */
    static void poolGrad(GraphLowering l, Node node, int outSlot) {
        boolean isMax = node.op() == Op.MAX_POOL_GRAD;
        Shape xs = node.out().shape(), gs = node.in(isMax ? 1 : 0).shape();
        Geometry g = Geometry.pool(node.attrs());
        boolean includePad = node.attrs().b("count_include_pad", true);
        int h = xs.dim(2), w = xs.dim(3), ho = gs.dim(2), wo = gs.dim(3);
        KernelBuilder kb = new KernelBuilder();
        Expr gid = kb.body.tmp(gid());
        var body = kb.body.when(lt(gid, i(xs.size())));
        Expr plane = body.tmp(div(gid, i(h * w))), pix = body.tmp(rem(gid, i(h * w)));
        Expr iy = body.tmp(div(pix, i(w))), ix = body.tmp(rem(pix, i(w)));
        // the last window starting at or before this pixel; earlier ones may still contain it
        Expr lastY = body.tmp(div(add(iy, i(g.ph)), i(g.sh))), lastX = body.tmp(div(add(ix, i(g.pw)), i(g.sw)));
        Var acc = body.var("acc", f(0));
        for (int a = 0; a < GraphLowering.ceilDiv(g.kh, g.sh); a++) {
            for (int c = 0; c < GraphLowering.ceilDiv(g.kw, g.sw); c++) {
                Expr oy = body.tmp(sub(lastY, i(a))), ox = body.tmp(sub(lastX, i(c)));
                Expr y0 = body.tmp(sub(mul(oy, i(g.sh)), i(g.ph))), x0 = body.tmp(sub(mul(ox, i(g.sw)), i(g.pw)));
                Expr inWindow = body.tmp(and(and(ge(oy, i(0)), lt(oy, i(ho))), and(and(ge(ox, i(0)), lt(ox, i(wo))),
                        and(lt(sub(iy, y0), i(g.kh)), lt(sub(ix, x0), i(g.kw))))));
                var win = body.when(inWindow);
                Expr gIndex = win.tmp(add(mul(add(mul(plane, i(ho)), oy), i(wo)), ox));
                Expr share;
                if (isMax) {
                    Expr best = firstMax(l, node, win, plane, y0, x0, g, h, w);
                    share = select(eq(best, gid), l.element(node.in(1), gIndex, win), f(0));
                } else {
                    Expr count = includePad ? f(g.taps()) : un(Un.TO_FLOAT, windowCount(win, y0, x0, g, h, w));
                    share = div(l.element(node.in(0), gIndex, win), count);
                }
                win.set(acc, add(acc, share));
            }
        }
        body.store(outSlot, gid, acc);
        l.finish(kb, node.op().text(), GraphLowering.ceilDiv(xs.size(), GraphLowering.BLOCK), 1, GraphLowering.BLOCK, 1);
    }

    /** Flat index of the first (row-major) maximum among the in-image taps of the window at (y0, x0). */
    private static Expr firstMax(GraphLowering l, Node node, KernelBuilder.Body b, Expr plane, Expr y0, Expr x0,
                                 Geometry g, int h, int w) {
        Var best = b.var("best", i(-1)), bestValue = b.var("bestValue", f(0));
        for (int ky = 0; ky < g.kh; ky++) {
            for (int kx = 0; kx < g.kw; kx++) {
                Expr iy = add(y0, i(ky)), ix = add(x0, i(kx));
                Expr valid = b.tmp(inImage(iy, ix, h, w));
                Expr idx = b.tmp(select(valid, add(mul(add(mul(plane, i(h)), iy), i(w)), ix), i(0)));
                Expr v = b.tmp(l.element(node.in(0), idx, b));
                Expr better = b.tmp(and(valid, new Binary(Bin.OR, lt(best, i(0)), gt(v, bestValue))));
                b.set(best, select(better, idx, best));
                b.set(bestValue, select(better, v, bestValue));
            }
        }
        return best;
    }

    /** In-image taps of the window at (y0, x0): the divisor of avg_pool with count_include_pad=false. */
    private static Expr windowCount(KernelBuilder.Body b, Expr y0, Expr x0, Geometry g, int h, int w) {
        Expr rows = sub(min(add(y0, i(g.kh)), i(h)), max(y0, i(0)));
        Expr cols = sub(min(add(x0, i(g.kw)), i(w)), max(x0, i(0)));
        return b.tmp(mul(rows, cols));
    }

    private static Expr inImage(Expr iy, Expr ix, int h, int w) {
        return and(and(ge(iy, i(0)), lt(iy, i(h))), and(ge(ix, i(0)), lt(ix, i(w))));
    }

    private static Expr gid() { return add(mul(thread(Special.GROUP_X), i(GraphLowering.BLOCK)), thread(Special.LOCAL_X)); }
}
