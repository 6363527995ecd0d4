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

/**
 * Training-mode batch normalization and its gradients, following
 * {@code dev.smok.ir.interp.NormKernels}: statistics per channel (axis 1) of x [N,C,...] over
 * every other axis, biased variance, x̂ = (x − mean)/√(var + ε).
 *
 * <p>One work-group of {@link GraphLowering#BLOCK} threads per channel: each statistic is a
 * strided per-thread sum followed by a tree reduction in local memory whose result every thread
 * reads; the group then writes its channel's outputs. Two passes (mean, then squared deviations)
 * keep the variance accurate in float32.
 */
final class NormTemplates {
    private NormTemplates() {}

    /** batch_norm_train, batch_norm_input_grad or batch_norm_gamma_grad, written to {@code outSlot}. */
    static void batchNorm(GraphLowering l, Node node, int outSlot) {
        Shape xs = node.in(0).shape();
        int c = xs.dim(1), inner = xs.size(2, xs.rank()), count = xs.dim(0) * inner;
        KernelBuilder kb = new KernelBuilder();
        var b = kb.body;
        String part = kb.local("partial", GraphLowering.BLOCK);
        Expr t = b.tmp(thread(Special.LOCAL_X)), ch = b.tmp(thread(Special.GROUP_X));
        Channel chan = new Channel(l, kb, part, t, ch, c, inner, count);
        Expr mean = b.tmp(div(chan.sum("sum_x", (s, at) -> l.element(node.in(0), at, s)), f(count)));
        Expr variance = chan.sum("sum_d2", (s, at) -> {
            Expr d = s.tmp(sub(l.element(node.in(0), at, s), mean));
            return mul(d, d);
        });
        Expr invStd = b.tmp(div(f(1), un(Un.SQRT, add(div(variance, f(count)), f(node.attrs().f("eps"))))));
        BiFunction<KernelBuilder.Body, Expr, Expr> xhat = (s, at) -> mul(sub(l.element(node.in(0), at, s), mean), invStd);
        Var it = ivar("it");
        switch (node.op()) {
            case BATCH_NORM_TRAIN -> {
                Expr gamma = b.tmp(l.element(node.in(1), ch, b)), beta = b.tmp(l.element(node.in(2), ch, b));
                var w = b.loop(it, t, i(count), GraphLowering.BLOCK);
                Expr at = chan.index(w, it);
                w.store(outSlot, at, add(mul(gamma, xhat.apply(w, at)), beta));
            }
            case BATCH_NORM_INPUT_GRAD -> {
                Expr sg = chan.sum("sum_g", (s, at) -> l.element(node.in(2), at, s));
                Expr sgx = chan.sum("sum_gx", (s, at) -> mul(l.element(node.in(2), at, s), xhat.apply(s, at)));
                Expr scale = b.tmp(mul(l.element(node.in(1), ch, b), invStd));
                Expr meanG = b.tmp(div(sg, f(count))), meanGx = b.tmp(div(sgx, f(count)));
                var w = b.loop(it, t, i(count), GraphLowering.BLOCK);
                Expr at = chan.index(w, it);
                w.store(outSlot, at, mul(scale, sub(sub(l.element(node.in(2), at, w), meanG), mul(xhat.apply(w, at), meanGx))));
            }
            case BATCH_NORM_GAMMA_GRAD -> {
                Expr sgx = chan.sum("sum_gx", (s, at) -> mul(l.element(node.in(1), at, s), xhat.apply(s, at)));
                b.when(eq(t, i(0))).store(outSlot, ch, sgx);
            }
            default -> throw new IllegalStateException(node.op() + " is not a batch norm op");
        }
        l.finish(kb, node.op().text(), c, 1, GraphLowering.BLOCK, 1);
    }

    /** The elements of channel {@code ch} and work-group sums over them. */
    private record Channel(GraphLowering l, KernelBuilder kb, String part, Expr t, Expr ch, int c, int inner, int count) {
        /** Flat index of the channel's element number {@code it} (batch-major). */
        Expr index(KernelBuilder.Body b, Expr it) {
            return b.tmp(add(mul(add(mul(div(it, i(inner)), i(c)), ch), i(inner)), rem(it, i(inner))));
        }

        /** Σ value(element) over the channel, known to every thread of the group afterwards. */
        Expr sum(String name, BiFunction<KernelBuilder.Body, Expr, Expr> value) {
            var b = kb.body;
            Var acc = b.var(name, f(0));
            Var it = ivar("it");
            var loop = b.loop(it, t, i(count), GraphLowering.BLOCK);
            loop.set(acc, add(acc, value.apply(loop, index(loop, it))));
            b.add(new StoreLocal(part, t, acc));
            b.add(new Barrier());
            for (int s = GraphLowering.BLOCK / 2; s > 0; s /= 2) {
                b.when(lt(t, i(s))).add(new StoreLocal(part, t, add(new LoadLocal(part, t), new LoadLocal(part, add(t, i(s))))));
                b.add(new Barrier());
            }
            Expr total = b.tmp(new LoadLocal(part, i(0)));
            b.add(new Barrier()); // everyone has read the total before the next sum reuses the array
            return total;
        }
    }

    /**
     * lrn and lrn_grad (PyTorch's LocalResponseNorm, as {@code NormKernels}), one thread per
     * element of x [N,C,...]. With s_c = k + α/n · Σ_{c' ∈ [c − ⌊n/2⌋, c + ⌊(n−1)/2⌋]} x_{c'}²:
     * lrn is x_c · s_c^−β, and lrn_grad is dx_j = g_j·s_j^−β − 2αβ/n · x_j · Σ_{c ∈ [j − ⌊(n−1)/2⌋,
     * j + ⌊n/2⌋]} g_c·x_c·s_c^(−β−1), recomputing each s_c (n² loads; n is 5 in AlexNet and GoogLeNet).
     * Powers are exp(p·log s), s ≥ k > 0.
     */
    static void lrn(GraphLowering l, Node node, int outSlot) {
        Shape xs = node.in(0).shape();
        int c = xs.dim(1), inner = xs.size(2, xs.rank()), size = node.attrs().i("size");
        double alpha = node.attrs().f("alpha", 1e-4f), beta = node.attrs().f("beta", 0.75f);
        KernelBuilder kb = new KernelBuilder();
        Expr gid = kb.body.tmp(add(mul(thread(Special.GROUP_X), i(GraphLowering.BLOCK)), thread(Special.LOCAL_X)));
        var b = kb.body.when(lt(gid, i(xs.size())));
        Expr ch = b.tmp(rem(div(gid, i(inner)), i(c)));
        Expr x = b.tmp(l.element(node.in(0), gid, b));
        Expr s = lrnScale(l, node, b, gid, ch, c, inner);
        if (node.op() == Op.LRN) {
            b.store(outSlot, gid, mul(x, un(Un.EXP, mul(f(-beta), un(Un.LOG, s)))));
        } else {
            Var sum = b.var("sum", f(0));
            for (int d = -((size - 1) / 2); d <= size / 2; d++) {
                Expr c2 = b.tmp(add(ch, i(d)));
                var w = b.when(and(ge(c2, i(0)), lt(c2, i(c))));
                Expr at = w.tmp(add(gid, i(d * inner)));
                Expr s2 = lrnScale(l, node, w, at, c2, c, inner);
                Expr gx = mul(l.element(node.in(1), at, w), l.element(node.in(0), at, w));
                w.set(sum, add(sum, mul(gx, un(Un.EXP, mul(f(-beta - 1), un(Un.LOG, s2))))));
            }
            Expr g = l.element(node.in(1), gid, b);
            b.store(outSlot, gid, sub(mul(g, un(Un.EXP, mul(f(-beta), un(Un.LOG, s)))), mul(mul(f(2 * alpha * beta / size), x), sum)));
        }
        l.finish(kb, node.op().text(), GraphLowering.ceilDiv(xs.size(), GraphLowering.BLOCK), 1, GraphLowering.BLOCK, 1);
    }

    /** s = k + α/n · Σ x² over the channel window of element {@code at} (channel {@code ch}). */
    private static Expr lrnScale(GraphLowering l, Node node, KernelBuilder.Body b, Expr at, Expr ch, int c, int inner) {
        int size = node.attrs().i("size");
        double alpha = node.attrs().f("alpha", 1e-4f), k = node.attrs().f("k", 1f);
        Var sum = b.tmp(f(0));
        for (int d = -(size / 2); d <= (size - 1) / 2; d++) {
            Expr c2 = add(ch, i(d));
            Expr valid = b.tmp(and(ge(c2, i(0)), lt(c2, i(c))));
            Expr v = b.tmp(l.element(node.in(0), select(valid, add(at, i(d * inner)), at), b));
            b.set(sum, add(sum, select(valid, mul(v, v), f(0))));
        }
        return b.tmp(add(f(k), mul(f(alpha / size), sum)));
    }

    static boolean handles(Op op) {
        return op == Op.BATCH_NORM_TRAIN || op == Op.BATCH_NORM_INPUT_GRAD || op == Op.BATCH_NORM_GAMMA_GRAD;
    }
}
