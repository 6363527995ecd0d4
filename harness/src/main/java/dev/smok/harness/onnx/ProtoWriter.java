/*
 * ProtoWriter: the protobuf wire format, by hand — just what an ONNX ModelProto needs
 * (varints, 64-bit-free length-delimited fields, packed floats). No protobuf dependency.
 */
package dev.smok.harness.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Appends protobuf fields to a growing message. Field numbers and wire types follow
 * https://protobuf.dev/programming-guides/encoding/: varint (0), 64-bit (1), length-delimited (2),
 * 32-bit (5). A nested message is written into its own writer and added with {@link #message}.
 */
public final class ProtoWriter {
    static final int VARINT = 0, LEN = 2, I32 = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** An int32/int64/enum field (negative values take ten bytes, as protobuf encodes them). */
    public ProtoWriter varint(int field, long value) {
        tag(field, VARINT);
        rawVarint(value);
        return this;
    }

    public ProtoWriter string(int field, String s) { return bytes(field, s.getBytes(StandardCharsets.UTF_8)); }

    public ProtoWriter bytes(int field, byte[] b) {
        tag(field, LEN);
        rawVarint(b.length);
        out.writeBytes(b);
        return this;
    }

    public ProtoWriter message(int field, ProtoWriter m) { return bytes(field, m.toByteArray()); }

    /** A single float field (wire type 5). */
    public ProtoWriter float32(int field, float v) {
        tag(field, I32);
        int bits = Float.floatToRawIntBits(v);
        for (int i = 0; i < 4; i++) out.write(bits >>> (8 * i));
        return this;
    }

    /** A repeated int64 field, packed. */
    public ProtoWriter packedVarints(int field, long[] values) {
        ProtoWriter body = new ProtoWriter();
        for (long v : values) body.rawVarint(v);
        return bytes(field, body.toByteArray());
    }

    /** Floats as little-endian bytes (ONNX TensorProto.raw_data). */
    public static byte[] littleEndian(float[] values) {
        ByteBuffer bb = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(values);
        return bb.array();
    }

    public byte[] toByteArray() { return out.toByteArray(); }

    private void tag(int field, int wireType) { rawVarint(((long) field << 3) | wireType); }

    private void rawVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
