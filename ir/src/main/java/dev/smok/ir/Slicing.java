package dev.smok.ir;

import java.util.List;

/**
 * Slicing along one axis and its adjoint, zero padding: the shape and derivative rules of
 * {@link Op#SLICE} and {@link Op#PAD}, and builder shorthands.
 *
 * <p>{@code slice(x) {axis=a, start=s, size=n}} keeps entries s .. s+n-1 of axis a;
 * {@code pad(x) {axis=a, start=s, dim=d}} is the array of length d along axis a that holds x at
 * s .. s+len-1 and zeros elsewhere. Each is the other's vector-Jacobian product. Recurrent cells
 * use slice to split the gate pre-activations of one GEMM into the four gates; concatenation
 * (bidirectional layers) is a sum of pads, whose gradient is again a slice. Scan results are
 * slices of the loop's packed output (see {@link Scan}).
 */
public final class Slicing {
    private Slicing() {}

    static Shape sliceShape(Op op, List<Value> in, Attrs a) {
        Shape x = in.get(0).shape();
        int axis = axis(op, in, x, a.i("axis"));
        int start = a.i("start"), size = a.i("size");
        if (start < 0 || size <= 0 || start + size > x.dim(axis)) {
            throw ShapeRules.mismatch(op, in, "entries " + start + ".." + (start + size - 1) + " are outside axis " + axis);
        }
        return x.with(axis, size);
    }

    static Shape padShape(Op op, List<Value> in, Attrs a) {
        Shape x = in.get(0).shape();
        int axis = axis(op, in, x, a.i("axis"));
        int start = a.i("start"), dim = a.i("dim");
        if (start < 0 || start + x.dim(axis) > dim) {
            throw ShapeRules.mismatch(op, in, "cannot place " + x.dim(axis) + " entries at " + start + " in a length of " + dim);
        }
        return x.with(axis, dim);
    }

    private static int axis(Op op, List<Value> in, Shape x, int axis) {
        int ax = axis < 0 ? axis + x.rank() : axis;
        if (ax < 0 || ax >= x.rank()) throw ShapeRules.mismatch(op, in, "axis " + axis + " is out of range");
        return ax;
    }

    static Value[] sliceVjp(GraphBuilder b, Node n, Value g) {
        int axis = n.attrs().i("axis");
        return new Value[] {pad(b, g, axis, n.attrs().i("start"), n.in(0).shape().dim(axis))};
    }

    static Value[] padVjp(GraphBuilder b, Node n, Value g) {
        int axis = n.attrs().i("axis");
        return new Value[] {slice(b, g, axis, n.attrs().i("start"), n.in(0).shape().dim(axis))};
    }

    /** Entries {@code start .. start+size-1} of {@code axis}. */
    public static Value slice(GraphBuilder b, Value x, int axis, int start, int size) {
        if (start == 0 && x.shape().dim(axis) == size) return x;
        return b.op(Op.SLICE, Attrs.of("axis", axis, "start", start, "size", size), x);
    }

    /** {@code x} placed at {@code start} in zeros of length {@code dim} along {@code axis}. */
    public static Value pad(GraphBuilder b, Value x, int axis, int start, int dim) {
        if (start == 0 && x.shape().dim(axis) == dim) return x;
        return b.op(Op.PAD, Attrs.of("axis", axis, "start", start, "dim", dim), x);
    }

    /** Concatenation along {@code axis}, as a sum of zero-padded operands. */
    public static Value concat(GraphBuilder b, int axis, Value... parts) {
        int dim = 0;
        for (Value p : parts) dim += p.shape().dim(axis);
        Value sum = null;
        int at = 0;
        for (Value p : parts) {
            Value padded = pad(b, p, axis, at, dim);
            at += p.shape().dim(axis);
            sum = sum == null ? padded : b.add(sum, padded);
        }
        return sum;
    }
}
