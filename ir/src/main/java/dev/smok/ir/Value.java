package dev.smok.ir;

/**
 * An SSA value: produced once (by a graph input or by one node), read any number of times.
 * Values compare by identity; {@code id} is unique within one graph builder.
 *
 * @param id    unique number within the builder that made it
 * @param shape static shape
 * @param dtype element type
 * @param name  the input's name for graph inputs, null for node results
 */
public record Value(int id, Shape shape, DType dtype, String name) {
    /** The IR spelling without renumbering: {@code %fc1.w} or {@code %17}. */
    public String ref() { return "%" + (name != null ? name : Integer.toString(id)); }

    @Override public boolean equals(Object o) { return this == o; }
    @Override public int hashCode() { return System.identityHashCode(this); }
    @Override public String toString() { return ref() + ": " + dtype.text() + shape; }
}
