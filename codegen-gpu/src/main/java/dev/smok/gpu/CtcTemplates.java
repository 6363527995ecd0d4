package dev.smok.gpu;

import static dev.smok.gpu.KernelIr.*;

import dev.smok.gpu.KernelIr.Bin;
import dev.smok.gpu.KernelIr.Binary;
import dev.smok.gpu.KernelIr.Expr;
import dev.smok.gpu.KernelIr.Special;
import dev.smok.gpu.KernelIr.Un;
import dev.smok.gpu.KernelIr.Var;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;

/**
 * ctc_loss and ctc_grad: the forward-backward algorithm in log space, as
 * {@code dev.smok.ir.interp.Ctc} (blank 0, labels padded with -1, an impossible alignment counts
 * zero). logits [N,T,C], labels [N,L]; the extended label sequence l' has S = 2·len + 1 entries,
 * l'[s] = s odd ? label[(s−1)/2] : blank, at most S_max = 2L + 1.
 *
 * <p>Kernels, each writing device scratch the next one reads:
 * <ol>
 *   <li>log-softmax of every frame, one thread per (n, t) row, into Y [N,T,C];</li>
 *   <li>the recursion, one thread per sample (the steps over t are sequential): α [N,T,S_max],
 *       for the gradient also β, and per sample S and log p(l|x);</li>
 *   <li>ctc_loss: the mean of −log p over the batch (a work-group reduction); ctc_grad: one thread
 *       per logit, g/N · (softmax − Σ_{s: l'[s]=k} exp(α + β − y − log p)).</li>
 * </ol>
 */
final class CtcTemplates {
    private CtcTemplates() {}

    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    static void ctc(GraphLowering l, Node node, int outSlot) {
        boolean grad = node.op() == Op.CTC_GRAD;
        Shape xs = node.in(0).shape();
        int n = xs.dim(0), t = xs.dim(1), c = xs.dim(2), maxLen = node.in(1).shape().dim(1), sMax = 2 * maxLen + 1;
        int ySlot = l.scratchSlot(n * t * c), alphaSlot = l.scratchSlot(n * t * sMax), info = l.scratchSlot(2 * n);
        int betaSlot = grad ? l.scratchSlot(n * t * sMax) : -1;
        logSoftmax(l, node, ySlot, n * t, c);
        recursion(l, node, ySlot, alphaSlot, betaSlot, info, n, t, c, maxLen);
        if (!grad) {
            KernelTemplates.blockReduce(l, new KernelBuilder(), n, false, (b, it) -> {
                Expr logP = b.tmp(load(b.kernel().param(info), add(mul(it, i(2)), i(1))));
                return select(eq(logP, f(NEG_INF)), f(0), un(Un.NEG, logP));
            }, x -> div(x, f(n)), outSlot, "ctc_loss");
            return;
        }
        KernelBuilder kb = new KernelBuilder();
        Expr gid = kb.body.tmp(gid());
        var b = kb.body.when(lt(gid, i(n * t * c)));
        Expr sample = b.tmp(div(gid, i(t * c))), frame = b.tmp(rem(div(gid, i(c)), i(t))), k = b.tmp(rem(gid, i(c)));
        Expr s = b.tmp(un(Un.TO_INT, load(kb.param(info), mul(sample, i(2)))));
        Expr logP = b.tmp(load(kb.param(info), add(mul(sample, i(2)), i(1))));
        Expr y = b.tmp(load(kb.param(ySlot), gid));
        Var occ = b.var("occ", f(NEG_INF));
        Var j = ivar("j");
        var loop = b.loop(j, i(0), s, 1);
        Expr at = loop.tmp(add(mul(add(mul(sample, i(t)), frame), i(sMax)), j));
        Expr term = loop.tmp(sub(add(load(kb.param(alphaSlot), at), load(kb.param(betaSlot), at)), y));
        loop.set(occ, select(eq(ext(l, node, loop, sample, j, maxLen), k), logAdd(loop, occ, term), occ));
        Expr scale = div(l.element(node.in(2), i(0), b), f(n));
        Expr value = mul(scale, sub(un(Un.EXP, y), un(Un.EXP, sub(occ, logP))));
        b.store(outSlot, gid, select(eq(logP, f(NEG_INF)), f(0), value));
        l.finish(kb, "ctc_grad", GraphLowering.ceilDiv(n * t * c, GraphLowering.BLOCK), 1, GraphLowering.BLOCK, 1);
    }

    /** Y[row, k] = x[row, k] − log Σ exp(x[row, ·]), max-subtracted. */
    private static void logSoftmax(GraphLowering l, Node node, int ySlot, int rows, int c) {
        KernelBuilder kb = new KernelBuilder();
        Expr row = kb.body.tmp(gid());
        var b = kb.body.when(lt(row, i(rows)));
        Expr o = b.tmp(mul(row, i(c)));
        Var j = ivar("j");
        Var mx = b.var("mx", f(NEG_INF));
        var m = b.loop(j, i(0), i(c), 1);
        m.set(mx, max(mx, l.element(node.in(0), add(o, j), m)));
        Var sum = b.var("sum", f(0));
        var s = b.loop(j, i(0), i(c), 1);
        s.set(sum, add(sum, un(Un.EXP, sub(l.element(node.in(0), add(o, j), s), mx))));
        Expr lse = b.tmp(add(mx, un(Un.LOG, sum)));
        var w = b.loop(j, i(0), i(c), 1);
        w.store(ySlot, add(o, j), sub(l.element(node.in(0), add(o, j), w), lse));
        l.finish(kb, "ctc_log_softmax", GraphLowering.ceilDiv(rows, GraphLowering.BLOCK), 1, GraphLowering.BLOCK, 1);
    }

    /**
     * One thread per sample: its label length, α over all frames, β when {@code betaSlot >= 0},
     * and info[2n] = S, info[2n+1] = log p(l|x) (−∞ when no alignment fits).
     */
    private static void recursion(GraphLowering l, Node node, int ySlot, int alphaSlot, int betaSlot, int info,
                                  int n, int t, int c, int maxLen) {
        int sMax = 2 * maxLen + 1;
        KernelBuilder kb = new KernelBuilder();
        Expr sample = kb.body.tmp(gid());
        var b = kb.body.when(lt(sample, i(n)));
        Var len = b.var("len", i(0));
        Var j = ivar("j"), step = ivar("step");
        var count = b.loop(j, i(0), i(maxLen), 1);
        Expr label = l.element(node.in(1), add(mul(sample, i(maxLen)), j), count);
        count.set(len, select(and(eq(len, j), ge(label, f(0))), add(j, i(1)), len));
        Expr s = b.tmp(add(mul(len, i(2)), i(1)));
        int aParam = kb.param(alphaSlot);
        // α(0, j) = y(0, l'[j]) for j < 2, −∞ after
        var init = b.loop(j, i(0), s, 1);
        Expr y0 = y(kb, init, ySlot, sample, i(0), ext(l, node, init, sample, j, maxLen), t, c);
        init.store(alphaSlot, index(sample, i(0), j, t, sMax), select(lt(j, i(2)), y0, f(NEG_INF)));
        var frames = b.loop(step, i(1), i(t), 1);
        var states = frames.loop(j, i(0), s, 1);
        Expr e = states.tmp(ext(l, node, states, sample, j, maxLen));
        Expr prev = states.tmp(sub(step, i(1)));
        Expr a = load(aParam, index(sample, prev, j, t, sMax));
        Expr a1 = select(ge(j, i(1)), load(aParam, index(sample, prev, max(sub(j, i(1)), i(0)), t, sMax)), f(NEG_INF));
        Expr jm2 = states.tmp(max(sub(j, i(2)), i(0)));
        Expr skip = and(ge(j, i(2)), and(new Binary(Bin.NE, e, i(0)), new Binary(Bin.NE, e, ext(l, node, states, sample, jm2, maxLen))));
        Expr a2 = select(skip, load(aParam, index(sample, prev, jm2, t, sMax)), f(NEG_INF));
        Expr sum = logAdd(states, logAdd(states, states.tmp(a), states.tmp(a1)), states.tmp(a2));
        states.store(alphaSlot, index(sample, step, j, t, sMax), add(sum, y(kb, states, ySlot, sample, step, e, t, c)));
        Expr last = b.tmp(load(aParam, index(sample, i(t - 1), sub(s, i(1)), t, sMax)));
        Expr second = select(gt(s, i(1)), load(aParam, index(sample, i(t - 1), max(sub(s, i(2)), i(0)), t, sMax)), f(NEG_INF));
        b.store(info, mul(sample, i(2)), un(Un.TO_FLOAT, s));
        b.store(info, add(mul(sample, i(2)), i(1)), logAdd(b, last, b.tmp(second)));
        if (betaSlot >= 0) {
            int bParam = kb.param(betaSlot);
            // β(T−1, j) = y(T−1, l'[j]) for the last two states, −∞ before
            var end = b.loop(j, i(0), s, 1);
            Expr yl = y(kb, end, ySlot, sample, i(t - 1), ext(l, node, end, sample, j, maxLen), t, c);
            end.store(betaSlot, index(sample, i(t - 1), j, t, sMax), select(ge(j, sub(s, i(2))), yl, f(NEG_INF)));
            var back = b.loop(step, i(0), i(t - 1), 1);
            Expr fr = back.tmp(sub(i(t - 2), step)), next = back.tmp(add(fr, i(1)));
            var bs = back.loop(j, i(0), s, 1);
            Expr be = bs.tmp(ext(l, node, bs, sample, j, maxLen));
            Expr jp1 = bs.tmp(min(add(j, i(1)), sub(s, i(1)))), jp2 = bs.tmp(min(add(j, i(2)), sub(s, i(1))));
            Expr v = load(bParam, index(sample, next, j, t, sMax));
            Expr v1 = select(lt(add(j, i(1)), s), load(bParam, index(sample, next, jp1, t, sMax)), f(NEG_INF));
            Expr bskip = and(lt(add(j, i(2)), s), and(new Binary(Bin.NE, be, i(0)), new Binary(Bin.NE, be, ext(l, node, bs, sample, jp2, maxLen))));
            Expr v2 = select(bskip, load(bParam, index(sample, next, jp2, t, sMax)), f(NEG_INF));
            Expr bsum = logAdd(bs, logAdd(bs, bs.tmp(v), bs.tmp(v1)), bs.tmp(v2));
            bs.store(betaSlot, index(sample, fr, j, t, sMax), add(bsum, y(kb, bs, ySlot, sample, fr, be, t, c)));
        }
        l.finish(kb, node.op().text() + "_recursion", GraphLowering.ceilDiv(n, GraphLowering.BLOCK), 1, GraphLowering.BLOCK, 1);
    }

    /** l'[j] of sample {@code sample}: the label (j−1)/2 for odd j, else the blank. */
    private static Expr ext(GraphLowering l, Node node, KernelBuilder.Body b, Expr sample, Expr j, int maxLen) {
        Expr label = l.element(node.in(1), add(mul(sample, i(maxLen)), div(max(sub(j, i(1)), i(0)), i(2))), b);
        return b.tmp(select(eq(rem(j, i(2)), i(1)), un(Un.TO_INT, label), i(0)));
    }

    private static Expr y(KernelBuilder kb, KernelBuilder.Body b, int ySlot, Expr sample, Expr frame, Expr k, int t, int c) {
        return load(kb.param(ySlot), add(mul(add(mul(sample, i(t)), frame), i(c)), k));
    }

    /** Flat index of (sample, frame, state) in α or β [N, T, S_max]. */
    private static Expr index(Expr sample, Expr frame, Expr state, int t, int sMax) {
        return add(mul(add(mul(sample, i(t)), frame), i(sMax)), state);
    }

    /** log(exp a + exp b), −∞ when both are. */
    private static Expr logAdd(KernelBuilder.Body b, Expr a, Expr c) {
        Expr m = b.tmp(max(a, c));
        return select(eq(m, f(NEG_INF)), f(NEG_INF), add(m, un(Un.LOG, add(un(Un.EXP, sub(a, m)), un(Un.EXP, sub(c, m))))));
    }

    private static Expr gid() { return add(mul(thread(Special.GROUP_X), i(GraphLowering.BLOCK)), thread(Special.LOCAL_X)); }
}
