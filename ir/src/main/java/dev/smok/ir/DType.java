package dev.smok.ir;

/**
 * Element types of IR values. Smok computes in float32; {@link #I32} marks integer class labels,
 * which tensors store as exactly representable floats (every label below 2^24 is exact).
 */
public enum DType {
    F32("f32"),
    I32("i32");

    private final String text;

    DType(String text) { this.text = text; }

    /** The name used by the IR printer and parser. */
    public String text() { return text; }

    /** Parses {@code f32} or {@code i32}. */
    public static DType parse(String s) {
        for (DType d : values()) if (d.text.equals(s)) return d;
        throw new IrException("unknown dtype '" + s + "' (expected f32 or i32)");
    }
}
