package dev.smok.ir;

import java.util.Arrays;
import java.util.List;

/** The shape rules of {@link Op}, each a static method so that the enum reads as a table. */
final class ShapeRules {
    private ShapeRules() {}

    static Shape same(Op op, List<Value> in, Attrs a) {
        Shape s = in.get(0).shape();
        for (Value v : in) {
            if (!v.shape().equals(s)) throw mismatch(op, in, "all inputs must have the same shape");
        }
        return s;
    }

    static Shape first(Op op, List<Value> in, Attrs a) { return in.get(0).shape(); }

    static Shape second(Op op, List<Value> in, Attrs a) {
        if (!in.get(0).shape().equals(in.get(1).shape())) throw mismatch(op, in, "inputs must have the same shape");
        return in.get(1).shape();
    }

    static Shape fromShapeAttr(Op op, List<Value> in, Attrs a) { return Shape.of(a.ints("shape")); }

    static Shape broadcast(Op op, List<Value> in, Attrs a) {
        Shape s = Shape.broadcast(in.get(0).shape(), in.get(1).shape());
        if (s == null) throw mismatch(op, in, "shapes do not broadcast");
        return s;
    }

    static Shape broadcastTo(Op op, List<Value> in, Attrs a) {
        Shape target = Shape.of(a.ints("shape"));
        Shape s = Shape.broadcast(in.get(0).shape(), target);
        if (!target.equals(s)) throw mismatch(op, in, "cannot broadcast to " + target.pretty());
        return target;
    }

    static Shape biasAdd(Op op, List<Value> in, Attrs a) {
        Shape x = in.get(0).shape(), b = in.get(1).shape();
        if (x.rank() < 2 || b.rank() != 1 || b.dim(0) != x.dim(1)) {
            throw mismatch(op, in, "bias must have one entry per index of axis 1");
        }
        return x;
    }

    static Shape matmul(Op op, List<Value> in, Attrs a) {
        Shape x = in.get(0).shape(), w = in.get(1).shape();
        if (x.rank() != 2 || w.rank() != 2) throw mismatch(op, in, "matmul takes 2-D operands");
        boolean ta = a.b("trans_a", false), tb = a.b("trans_b", false);
        int m = ta ? x.dim(1) : x.dim(0), k = ta ? x.dim(0) : x.dim(1);
        int k2 = tb ? w.dim(1) : w.dim(0), n = tb ? w.dim(0) : w.dim(1);
        if (k != k2) throw mismatch(op, in, "inner dimensions differ (" + k + " vs " + k2 + ")");
        return Shape.of(m, n);
    }

    static Shape reduce(Op op, List<Value> in, Attrs a) {
        Shape x = in.get(0).shape();
        int[] axes = x.normalizeAxes(a.ints("axes"));
        boolean keep = a.b("keepdims", false);
        int[] out = new int[keep ? x.rank() : x.rank() - axes.length];
        boolean[] reducedAxes = new boolean[x.rank()];
        for (int ax : axes) reducedAxes[ax] = true;
        for (int i = 0, j = 0; i < x.rank(); i++) {
            boolean reduced = reducedAxes[i];
            if (!reduced) out[j++] = x.dim(i);
            else if (keep) out[j++] = 1;
        }
        return Shape.of(out);
    }

    static Shape reshape(Op op, List<Value> in, Attrs a) {
        Shape x = in.get(0).shape();
        Shape s = Shape.of(a.ints("shape"));
        if (s.size() != x.size()) {
            throw mismatch(op, in, "cannot reshape " + x.size() + " elements into " + s.pretty());
        }
        return s;
    }

    static Shape transpose(Op op, List<Value> in, Attrs a) {
        Shape x = in.get(0).shape();
        int[] perm = a.ints("perm");
        int[] sorted = perm.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] != i || perm.length != x.rank()) {
                throw mismatch(op, in, "perm " + Arrays.toString(perm) + " is not a permutation of the axes");
            }
        }
        int[] out = new int[perm.length];
        for (int i = 0; i < perm.length; i++) out[i] = x.dim(perm[i]);
        return Shape.of(out);
    }

    static Shape oneHot(Op op, List<Value> in, Attrs a) {
        Shape x = in.get(0).shape();
        if (x.rank() != 1) throw mismatch(op, in, "labels must be 1-D");
        return Shape.of(x.dim(0), a.i("classes"));
    }

    static Shape loss(Op op, List<Value> in, Attrs a) {
        if (!in.get(0).shape().equals(in.get(1).shape())) {
            throw mismatch(op, in, "prediction and target must have the same shape");
        }
        return Shape.scalar();
    }

    static Shape softmaxXent(Op op, List<Value> in, Attrs a) {
        Shape x = in.get(0).shape(), y = in.get(1).shape();
        if (x.rank() != 2 || y.rank() != 1 || y.dim(0) != x.dim(0)) {
            throw mismatch(op, in, "expects logits [N,C] and integer labels [N]");
        }
        return Shape.scalar();
    }

    static Shape ctc(Op op, List<Value> in, Attrs a) {
        Shape x = in.get(0).shape(), y = in.get(1).shape();
        if (x.rank() != 3 || y.rank() != 2 || y.dim(0) != x.dim(0) || x.dim(2) < 2) {
            throw mismatch(op, in, "expects logits [N,T,C] with C >= 2 (class 0 is the blank) and labels [N,L]");
        }
        return Shape.scalar();
    }

    static IrException mismatch(Op op, List<Value> in, String why) {
        StringBuilder b = new StringBuilder(op.text()).append(": ").append(why).append(" (inputs ");
        for (int i = 0; i < in.size(); i++) {
            if (i > 0) b.append(", ");
            b.append(in.get(i).shape().pretty());
        }
        return new IrException(b.append(')').toString());
    }
}
