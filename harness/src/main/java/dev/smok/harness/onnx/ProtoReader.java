/*
 * ProtoReader: decodes protobuf wire format into fields, enough to read back what ProtoWriter
 * wrote (the ONNX export's structural test and `OnnxModel.parse`).
 */
package dev.smok.harness.onnx;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One message's fields in order; length-delimited payloads are kept as bytes to decode further. */
public final class ProtoReader {
    /** A decoded field: its number, wire type, and either a numeric value or a byte payload. */
    public record Field(int number, int wireType, long value, byte[] payload) {
        public String string() { return new String(payload, StandardCharsets.UTF_8); }
        public ProtoReader message() { return new ProtoReader(payload); }
        public float float32() { return Float.intBitsToFloat((int) value); }

        /** A packed repeated varint field's values. */
        public long[] packedVarints() {
            List<Long> v = new ArrayList<>();
            int[] pos = {0};
            while (pos[0] < payload.length) v.add(varint(payload, pos));
            return v.stream().mapToLong(Long::longValue).toArray();
        }
    }

    private final List<Field> fields = new ArrayList<>();

    /** Decodes {@code bytes}; malformed input is an {@link IllegalArgumentException}. */
    public ProtoReader(byte[] bytes) {
        int[] pos = {0};
        while (pos[0] < bytes.length) {
            long tag = varint(bytes, pos);
            int number = (int) (tag >>> 3), type = (int) (tag & 7);
            switch (type) {
                case 0 -> fields.add(new Field(number, type, varint(bytes, pos), null));
                case 1 -> { fields.add(new Field(number, type, fixed(bytes, pos, 8), null)); }
                case 2 -> {
                    int len = (int) varint(bytes, pos);
                    if (len < 0 || pos[0] + len > bytes.length) throw new IllegalArgumentException("truncated field " + number);
                    byte[] p = java.util.Arrays.copyOfRange(bytes, pos[0], pos[0] + len);
                    pos[0] += len;
                    fields.add(new Field(number, type, 0, p));
                }
                case 5 -> fields.add(new Field(number, type, fixed(bytes, pos, 4), null));
                default -> throw new IllegalArgumentException("unsupported wire type " + type + " of field " + number);
            }
        }
    }

    public List<Field> fields() { return fields; }

    /** The fields with this number, in order. */
    public List<Field> all(int number) { return fields.stream().filter(f -> f.number() == number).toList(); }

    /** The last field with this number (protobuf's rule for a singular field), or null. */
    public Field one(int number) {
        Field last = null;
        for (Field f : fields) if (f.number() == number) last = f;
        return last;
    }

    static long varint(byte[] b, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= b.length) throw new IllegalArgumentException("truncated varint");
            int x = b[pos[0]++] & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) return v;
        }
        throw new IllegalArgumentException("varint longer than 10 bytes");
    }

    private static long fixed(byte[] b, int[] pos, int n) {
        if (pos[0] + n > b.length) throw new IllegalArgumentException("truncated fixed field");
        long v = 0;
        for (int i = 0; i < n; i++) v |= (long) (b[pos[0]++] & 0xFF) << (8 * i);
        return v;
    }
}
