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

    static boolean handles(Op op) {
        return op == Op.BATCH_NORM_TRAIN || op == Op.BATCH_NORM_INPUT_GRAD || op == Op.BATCH_NORM_GAMMA_GRAD;
    }
}
