package dev.smok.ir;

import java.util.Arrays;

/** A static tensor shape: a list of non-negative dimensions, outermost first (NCHW for images). */
public final class Shape {
    private static final Shape SCALAR = new Shape(new int[0]);
    private final int[] dims;

    private Shape(int[] dims) { this.dims = dims; }

    /** A shape with the given dimensions; each must be positive. */
    public static Shape of(int... dims) {
        for (int d : dims) {
            if (d <= 0) throw new IrException("shape " + Arrays.toString(dims) + " has a non-positive dimension");
        }
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    /** The rank-0 shape of a single number (a loss, for example). */
    public static Shape scalar() { return SCALAR; }

    public int rank() { return dims.length; }

    /** Dimension {@code i}; negative {@code i} counts from the end. */
    public int dim(int i) { return dims[i < 0 ? dims.length + i : i]; }

    public int[] dims() { return dims.clone(); }

    /** Number of elements (1 for a scalar). */
    public int size() {
        long n = 1;
        for (int d : dims) n *= d;
        if (n > Integer.MAX_VALUE) throw new IrException("shape " + this + " has more than 2^31-1 elements");
        return (int) n;
    }

    /** Product of dimensions {@code from} (inclusive) to {@code to} (exclusive). */
    public int size(int from, int to) {
        int n = 1;
        for (int i = from; i < to; i++) n *= dims[i];
        return n;
    }

    /** The same shape with dimension {@code i} replaced. */
    public Shape with(int i, int d) {
        int[] x = dims.clone();
        x[i < 0 ? x.length + i : i] = d;
        return of(x);
    }

    /** Row-major strides in elements. */
    public int[] strides() {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) { s[i] = acc; acc *= dims[i]; }
        return s;
    }

    /** Human form used in error messages: {@code 16x5x5}, or {@code scalar}. */
    public String pretty() {
        if (dims.length == 0) return "scalar";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < dims.length; i++) { if (i > 0) b.append('x'); b.append(dims[i]); }
        return b.toString();
    }

    /** IR form: {@code [16,5,5]}. */
    @Override public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) { if (i > 0) b.append(','); b.append(dims[i]); }
        return b.append(']').toString();
    }

    @Override public boolean equals(Object o) { return o instanceof Shape s && Arrays.equals(dims, s.dims); }
    @Override public int hashCode() { return Arrays.hashCode(dims); }

    /** Parses the IR form {@code [a,b,...]}. */
    public static Shape parse(String s) {
        s = s.trim();
        if (!s.startsWith("[") || !s.endsWith("]")) throw new IrException("bad shape '" + s + "'");
        String body = s.substring(1, s.length() - 1).trim();
        if (body.isEmpty()) return SCALAR;
        return of(Arrays.stream(body.split(",")).mapToInt(t -> Integer.parseInt(t.trim())).toArray());
    }

    /** {@code axes} made non-negative, range-checked and sorted. */
    public int[] normalizeAxes(int[] axes) {
        int[] r = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            int ax = axes[i] < 0 ? axes[i] + dims.length : axes[i];
            if (ax < 0 || ax >= dims.length) throw new IrException("axis " + axes[i] + " is out of range for shape " + pretty());
            r[i] = ax;
        }
        Arrays.sort(r);
        return r;
    }

    /**
     * Numpy broadcasting of two shapes, or null when they are incompatible.
     */
    public static Shape broadcast(Shape a, Shape b) {
        int r = Math.max(a.rank(), b.rank());
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.rank() ? 1 : a.dims[i - (r - a.rank())];
            int db = i < r - b.rank() ? 1 : b.dims[i - (r - b.rank())];
            if (da != db && da != 1 && db != 1) return null;
            out[i] = Math.max(da, db);
        }
        return of(out);
    }
}
