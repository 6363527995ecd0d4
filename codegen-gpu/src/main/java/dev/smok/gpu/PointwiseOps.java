package dev.smok.gpu;

import static dev.smok.gpu.KernelIr.*;

import dev.smok.gpu.KernelIr.Expr;
import dev.smok.gpu.KernelIr.Un;
import dev.smok.gpu.KernelIr.Bin;
import dev.smok.gpu.KernelIr.Binary;
import dev.smok.gpu.KernelIr.LongConst;
import dev.smok.ir.Attrs;
import dev.smok.ir.DropoutMask;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.EnumSet;
import java.util.Set;

/**
 * The pointwise ops: those whose output element at a flat index is an expression of a few input
 * elements at computable indices (elementwise, broadcasting, layout, one-hot, the elementwise
 * backward helpers and the optimizer updates). {@link #expr} gives that expression; the lowering
 * either wraps it in a one-thread-per-element kernel or inlines it into its reader.
 *
 * <p>Semantics follow {@code dev.smok.ir.interp.Interpreter} in float32. Integer labels are
 * truncated to int without the interpreter's range check (a device cannot throw).
 */
final class PointwiseOps {
    private PointwiseOps() {}

    private static final Set<Op> OPS = EnumSet.of(
            Op.CONSTANT, Op.IDENTITY, Op.NEG, Op.EXP, Op.LOG, Op.SQRT, Op.SCALE, Op.SIGMOID, Op.TANH, Op.RELU,
            Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.BIAS_ADD, Op.BROADCAST_TO, Op.RESHAPE, Op.TRANSPOSE, Op.ONE_HOT,
            Op.RELU_GRAD, Op.SIGMOID_GRAD, Op.TANH_GRAD, Op.REDUCE_MAX_GRAD, Op.MSE_GRAD, Op.BCE_GRAD,
            Op.SGD_UPDATE, Op.MOMENTUM_VELOCITY, Op.ADAM_MOMENT, Op.ADAM_VELOCITY, Op.ADAM_UPDATE, Op.BATCH_NORM, Op.DROPOUT,
            Op.SLICE, Op.PAD, Op.CONCAT);

    /** Probabilities are clamped to [BCE_EPS, 1 - BCE_EPS] before logs, as in the interpreter. */
    static final double BCE_EPS = 1e-7;

    static boolean handles(Op op) { return OPS.contains(op); }

    /** Node {@code n}'s output element at flat index {@code i}, computed in body {@code b}. */
    static Expr expr(GraphLowering l, Node n, Expr i, KernelBuilder.Body b) {
        Attrs a = n.attrs();
        Shape os = n.out().shape();
        int size = os.size();
        return switch (n.op()) {
            case CONSTANT -> f(a.f("value"));
            case IDENTITY, RESHAPE -> in(l, n, 0, i, b);
            case NEG -> un(Un.NEG, in(l, n, 0, i, b));
            case EXP -> un(Un.EXP, in(l, n, 0, i, b));
            case LOG -> un(Un.LOG, in(l, n, 0, i, b));
            case SQRT -> un(Un.SQRT, in(l, n, 0, i, b));
            case SCALE -> add(mul(f(a.f("alpha")), in(l, n, 0, i, b)), f(a.f("beta", 0f)));
            case SIGMOID -> div(f(1), add(f(1), un(Un.EXP, un(Un.NEG, in(l, n, 0, i, b)))));
            case TANH -> un(Un.TANH, in(l, n, 0, i, b));
            case RELU -> { Expr x = in(l, n, 0, i, b); yield select(gt(x, f(0)), x, f(0)); }
            case ADD, SUB, MUL, DIV -> {
                Expr x = l.element(n.in(0), broadcastIndex(i, os, n.in(0).shape()), b);
                Expr y = l.element(n.in(1), broadcastIndex(i, os, n.in(1).shape()), b);
                yield switch (n.op()) {
                    case ADD -> add(x, y);
                    case SUB -> sub(x, y);
                    case MUL -> mul(x, y);
                    default -> div(x, y);
                };
            }
            case BROADCAST_TO -> l.element(n.in(0), broadcastIndex(i, os, n.in(0).shape()), b);
            case BIAS_ADD -> {
                int c = os.dim(1), inner = os.size(2, os.rank());
                yield add(in(l, n, 0, i, b), l.element(n.in(1), rem(div(i, i(inner)), i(c)), b));
            }
            case TRANSPOSE -> l.element(n.in(0), transposeIndex(i, n), b);
            case SLICE -> {
                // x [outer, dim, inner] -> [outer, size, inner]: rows start..start+size-1 of the axis
                int[] d = around(n.in(0).shape(), a.i("axis"));
                int size2 = a.i("size") * d[2];
                Expr o = b.once(div(i, KernelIr.i(size2)));
                yield l.element(n.in(0), add(mul(o, KernelIr.i(d[1] * d[2])), add(KernelIr.i(a.i("start") * d[2]), rem(i, KernelIr.i(size2)))), b);
            }
            case PAD -> {
                // x [outer, d, inner] placed at rows start.. of [outer, dim, inner], zero elsewhere
                int[] d = around(n.in(0).shape(), a.i("axis"));
                int dim = a.i("dim"), inner = d[2], start = a.i("start");
                Expr o = b.once(div(i, KernelIr.i(dim * inner)));
                Expr r = b.once(sub(rem(i, KernelIr.i(dim * inner)), KernelIr.i(start * inner)));
                Expr inside = b.once(and(ge(r, KernelIr.i(0)), lt(r, KernelIr.i(d[1] * inner))));
                Expr x = l.element(n.in(0), select(inside, add(mul(o, KernelIr.i(d[1] * inner)), r), KernelIr.i(0)), b);
                yield select(inside, x, f(0));
            }
            case CONCAT -> concat(l, n, i, b);
            case DROPOUT -> {
                float p = a.f("p");
                Expr keep = ge(dropoutUniform(b, a.i("seed"), l.element(n.in(1), KernelIr.i(0), b), i), f(p));
                yield select(keep, mul(in(l, n, 0, i, b), f(1 / (1 - (double) p))), f(0));
            }
            case BATCH_NORM -> {
                // inference: gamma (x - mean) / sqrt(var + eps) + beta with the running statistics of channel c
                int inner = os.size(2, os.rank());
                Expr c = b.once(rem(div(i, KernelIr.i(inner)), KernelIr.i(os.dim(1))));
                Expr invStd = div(f(1), un(Un.SQRT, add(l.element(n.in(4), c, b), f(a.f("eps")))));
                Expr centered = sub(in(l, n, 0, i, b), l.element(n.in(3), c, b));
                yield add(mul(mul(l.element(n.in(1), c, b), centered), invStd), l.element(n.in(2), c, b));
            }
            case ONE_HOT -> {
                int c = os.dim(1);
                Expr label = un(Un.TO_INT, l.element(n.in(0), div(i, i(c)), b));
                yield select(eq(label, rem(i, i(c))), f(1), f(0));
            }
            case RELU_GRAD -> { Expr y = in(l, n, 0, i, b); yield select(gt(y, f(0)), in(l, n, 1, i, b), f(0)); }
            case SIGMOID_GRAD -> { Expr y = in(l, n, 0, i, b); yield mul(mul(in(l, n, 1, i, b), y), sub(f(1), y)); }
            case TANH_GRAD -> { Expr y = in(l, n, 0, i, b); yield mul(in(l, n, 1, i, b), sub(f(1), mul(y, y))); }
            case REDUCE_MAX_GRAD -> {
                Expr o = b.once(KernelTemplates.reducedIndex(i, n.in(0).shape(), n.attrs().ints("axes")));
                Expr x = in(l, n, 0, i, b), y = l.element(n.in(1), o, b);
                yield select(eq(x, y), l.element(n.in(2), o, b), f(0));
            }
            case MSE_GRAD -> {
                Expr s = div(mul(f(2), l.element(n.in(2), i(0), b)), f(size));
                yield mul(s, sub(in(l, n, 0, i, b), in(l, n, 1, i, b)));
            }
            case BCE_GRAD -> {
                Expr s = div(l.element(n.in(2), i(0), b), f(size));
                Expr q = b.tmp(clampProbability(in(l, n, 0, i, b)));
                yield div(mul(s, sub(q, in(l, n, 1, i, b))), mul(q, sub(f(1), q)));
            }
            case SGD_UPDATE -> {
                Expr p = in(l, n, 0, i, b);
                yield sub(p, mul(f(a.f("lr")), add(in(l, n, 1, i, b), mul(f(a.f("weight_decay", 0f)), p))));
            }
            case MOMENTUM_VELOCITY -> add(mul(f(a.f("momentum")), in(l, n, 0, i, b)), in(l, n, 1, i, b));
            case ADAM_MOMENT -> {
                double beta = a.f("beta");
                yield add(mul(f(beta), in(l, n, 0, i, b)), mul(f(1 - beta), in(l, n, 1, i, b)));
            }
            case ADAM_VELOCITY -> {
                double beta = a.f("beta");
                Expr g = in(l, n, 1, i, b);
                yield add(mul(f(beta), in(l, n, 0, i, b)), mul(f(1 - beta), mul(g, g)));
            }
            case ADAM_UPDATE -> {
                Expr step = b.once(l.element(n.in(3), i(0), b));
                // 1 - beta^t computed as 1 - exp(t * ln beta); t is a runtime scalar state.
                Expr c1 = sub(f(1), un(Un.EXP, mul(step, f(Math.log(a.f("beta1"))))));
                Expr c2 = sub(f(1), un(Un.EXP, mul(step, f(Math.log(a.f("beta2"))))));
                Expr mHat = div(in(l, n, 1, i, b), c1), vHat = div(in(l, n, 2, i, b), c2);
                yield sub(in(l, n, 0, i, b), div(mul(f(a.f("lr")), mHat), add(un(Un.SQRT, vHat), f(a.f("eps")))));
            }
            default -> throw new IllegalStateException(n.op() + " is not pointwise");
        };
    }

    /**
     * {@link DropoutMask#uniform} for element {@code index} at training step {@code step} (a float
     * holding an integer): the top 24 bits of SplitMix64's finalizer, in 64-bit integer arithmetic.
     */
    private static Expr dropoutUniform(KernelBuilder.Body b, int seed, Expr step, Expr index) {
        Expr z = b.tmp(add(add(new LongConst(seed * 0x9E3779B97F4A7C15L), mul(un(Un.TO_I64, step), new LongConst(0xC2B2AE3D27D4EB4FL))),
                un(Un.TO_I64, index)));
        z = b.tmp(mul(xorShift(z, 30), new LongConst(0xBF58476D1CE4E5B9L)));
        z = b.tmp(mul(xorShift(z, 27), new LongConst(0x94D049BB133111EBL)));
        Expr top24 = new Binary(Bin.SHR, xorShift(z, 31), KernelIr.i(40));
        return mul(un(Un.TO_FLOAT, top24), f(0x1.0p-24f));
    }

    /** z ^ (z >>> s) for a 64-bit z. */
    private static Expr xorShift(Expr z, int s) { return new Binary(Bin.XOR, z, new Binary(Bin.SHR, z, KernelIr.i(s))); }

    static Expr clampProbability(Expr p) { return min(max(p, f(BCE_EPS)), f(1 - BCE_EPS)); }

    private static Expr in(GraphLowering l, Node n, int k, Expr i, KernelBuilder.Body b) {
        return l.element(n.in(k), i, b);
    }

    /**
     * Flat index into a right-aligned, possibly broadcast input of shape {@code in} for output
     * element {@code i} of shape {@code out}; {@code i} itself when the shapes are equal.
     */
    static Expr broadcastIndex(Expr i, Shape out, Shape in) {
        if (in.equals(out)) return i;
        if (in.size() == 1) return KernelIr.i(0);
        int r = out.rank(), off = r - in.rank();
        int[] os = out.strides();
        Expr idx = KernelIr.i(0);
        int stride = 1;
        for (int d = r - 1; d >= off; d--) {
            int n = in.dim(d - off);
            if (n != 1) idx = add(idx, mul(coord(i, os[d], out.dim(d), d == 0), KernelIr.i(stride)));
            stride *= n;
        }
        return idx;
    }

    /** Coordinate of flat index {@code i} along an axis with the given stride and extent. */
    static Expr coord(Expr i, int stride, int extent, boolean outermost) {
        Expr q = div(i, KernelIr.i(stride));
        return outermost ? q : rem(q, KernelIr.i(extent));
    }

    /** {@code s} viewed as [outer, dim, inner] around {@code axis} (negative counts from the end). */
    static int[] around(Shape s, int axis) {
        int ax = axis < 0 ? axis + s.rank() : axis;
        return new int[] {s.size(0, ax), s.dim(ax), s.size(ax + 1, s.rank())};
    }

    /**
     * concat along {axis}: output [outer, total, inner]; row a of the axis comes from the input
     * whose block [begin, begin + d_k) holds it. Every input's element is read (at a clamped
     * index), the select keeps the right one.
     */
    private static Expr concat(GraphLowering l, Node n, Expr i, KernelBuilder.Body b) {
        Shape os = n.out().shape();
        int axis = os.normalizeAxes(new int[] {n.attrs().i("axis", 1)})[0];
        int[] d = around(os, axis);
        int total = d[1], inner = d[2];
        Expr o = b.once(div(i, KernelIr.i(total * inner)));
        Expr r = b.once(rem(i, KernelIr.i(total * inner))); // (row of the axis) * inner + position in inner
        Expr result = f(0);
        int begin = 0;
        for (Value x : n.inputs()) {
            int dk = x.shape().dim(axis);
            Expr local = b.once(sub(r, KernelIr.i(begin * inner)));
            Expr inside = b.once(and(ge(local, KernelIr.i(0)), lt(local, KernelIr.i(dk * inner))));
            Expr v = l.element(x, select(inside, add(mul(o, KernelIr.i(dk * inner)), local), KernelIr.i(0)), b);
            result = b.tmp(select(inside, v, result));
            begin += dk;
        }
        return result;
    }

    private static Expr transposeIndex(Expr i, Node n) {
        int[] perm = n.attrs().ints("perm");
        int[] inStrides = n.in(0).shape().strides();
        Shape out = n.out().shape();
        int[] os = out.strides();
        Expr idx = KernelIr.i(0);
        for (int d = 0; d < out.rank(); d++) {
            idx = add(idx, mul(coord(i, os[d], out.dim(d), d == 0), KernelIr.i(inStrides[perm[d]])));
        }
        return idx;
    }

}
