package dev.smok.ir;

import java.util.Arrays;

/**
 * A float32 tensor: a static shape over a region of a float array (row-major, starting at
 * {@code offset}). Backends hand out tensors that view their own storage, so writing into a
 * tensor returned by {@link Executable#buffer} feeds the next run without copying.
 */
public final class Tensor {
    private final Shape shape;
    private final float[] data;
    private final int offset;

    public Tensor(Shape shape, float[] data, int offset) {
        if (offset < 0 || offset + shape.size() > data.length) {
            throw new IllegalArgumentException("tensor " + shape.pretty() + " at offset " + offset + " does not fit an array of " + data.length);
        }
        this.shape = shape;
        this.data = data;
        this.offset = offset;
    }

    public static Tensor zeros(Shape shape) { return new Tensor(shape, new float[shape.size()], 0); }

    /** A tensor holding {@code values} (copied); their count must equal the shape's size. */
    public static Tensor of(Shape shape, float... values) {
        if (values.length != shape.size()) {
            throw new IllegalArgumentException(values.length + " values do not fill shape " + shape.pretty());
        }
        return new Tensor(shape, values.clone(), 0);
    }

    public Shape shape() { return shape; }
    /** The backing array; elements live at {@code offset() .. offset() + size() - 1}. */
    public float[] data() { return data; }
    public int offset() { return offset; }
    public int size() { return shape.size(); }

    public float get(int i) { return data[offset + i]; }
    public void set(int i, float v) { data[offset + i] = v; }

    /** A fresh array with this tensor's elements. */
    public float[] toArray() { return Arrays.copyOfRange(data, offset, offset + size()); }

    /** Copies {@code src}'s elements in; shapes must have equal sizes. */
    public void copyFrom(Tensor src) {
        if (src.size() != size()) {
            throw new IllegalArgumentException("cannot copy " + src.shape.pretty() + " into " + shape.pretty());
        }
        System.arraycopy(src.data, src.offset, data, offset, size());
    }

    public void copyFrom(float[] src, int srcOffset) { System.arraycopy(src, srcOffset, data, offset, size()); }

    /** A copy with its own storage. */
    public Tensor copy() { return new Tensor(shape, toArray(), 0); }

    @Override public String toString() {
        int n = Math.min(size(), 8);
        StringBuilder b = new StringBuilder("Tensor").append(shape).append(" [");
        for (int i = 0; i < n; i++) { if (i > 0) b.append(", "); b.append(get(i)); }
        return b.append(size() > n ? ", ...]" : "]").toString();
    }
}
