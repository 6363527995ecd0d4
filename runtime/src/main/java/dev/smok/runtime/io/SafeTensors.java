package dev.smok.runtime.io;

import dev.smok.ir.Shape;
import dev.smok.ir.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (as written by Hugging Face's {@code safetensors} library and read by
 * PyTorch's {@code safetensors.torch.load_file}): an 8-byte little-endian unsigned header length
 * N, then N bytes of UTF-8 JSON, then the raw little-endian tensor data. The header maps each
 * tensor name to {@code {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}} (offsets
 * relative to the start of the data) and may hold {@code "__metadata__"}, a map of strings.
 *
 * <p>Encoding writes the tensors contiguously in the map's order and pads the header with spaces
 * to a multiple of 8 bytes (as the reference implementation does). Decoding is strict: the
 * header must be complete JSON, every dtype {@code F32}, every tensor's byte count must equal 4 ×
 * its element count, the tensors must tile the data exactly (no gaps, no overlap) and the file
 * must end where the last tensor ends. So a file cut at any byte is refused, with a message that
 * says what is missing.
 */
public final class SafeTensors {
    private SafeTensors() {}

    /** The key of the optional string-to-string metadata map in the header. */
    public static final String METADATA = "__metadata__";
    /** Headers larger than this are refused (the reference implementation's limit is 100 MB). */
    static final long MAX_HEADER = 100L << 20;

    /** A decoded file: tensors by name in file order, and the metadata (empty when absent). */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /** The bytes of a safetensors file holding {@code tensors} (float32) and {@code metadata}. */
    public static byte[] encode(Map<String, Tensor> tensors, Map<String, String> metadata) {
        StringBuilder h = new StringBuilder("{");
        if (metadata != null && !metadata.isEmpty()) {
            string(h, METADATA);
            h.append(":{");
            boolean first = true;
            for (var e : metadata.entrySet()) {
                if (!first) h.append(',');
                first = false;
                string(h, e.getKey());
                h.append(':');
                string(h, e.getValue());
            }
            h.append('}');
        }
        long offset = 0;
        for (var e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) throw new IllegalArgumentException("a tensor cannot be named " + METADATA);
            if (h.length() > 1) h.append(',');
            string(h, e.getKey());
            Tensor t = e.getValue();
            h.append(":{\"dtype\":\"F32\",\"shape\":[");
            int[] dims = t.shape().dims();
            for (int d = 0; d < dims.length; d++) h.append(d > 0 ? "," : "").append(dims[d]);
            long end = offset + 4L * t.size();
            h.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        h.append('}');
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        if (8L + padded + offset > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("checkpoint larger than 2 GB");
        ByteBuffer b = ByteBuffer.allocate((int) (8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(header);
        for (int k = header.length; k < padded; k++) b.put((byte) ' ');
        for (Tensor t : tensors.values()) {
            b.asFloatBuffer().put(t.data(), t.offset(), t.size());
            b.position(b.position() + 4 * t.size());
        }
        return b.array();
    }

    /** Decodes {@code bytes}; {@code source} (a file name) starts every error message. */
    public static Contents decode(byte[] bytes, String source) {
        if (bytes.length < 8) {
            throw new CheckpointException(source + ": not a safetensors file: " + bytes.length + " bytes, fewer than the 8-byte header length (truncated?)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong();
        if (n < 2 || n > MAX_HEADER) {
            throw new CheckpointException(source + ": not a safetensors file: header length " + Long.toUnsignedString(n) + " is implausible");
        }
        if (8 + n > bytes.length) {
            throw new CheckpointException(source + ": truncated: the header needs " + n + " bytes but the file has only " + (bytes.length - 8) + " after the length");
        }
        Object parsed;
        try {
            parsed = JsonReader.parse(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": corrupt header: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> header)) throw new CheckpointException(source + ": corrupt header: not a JSON object");
        int dataStart = 8 + (int) n;
        long dataSize = bytes.length - (long) dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        record Entry(String name, Shape shape, long begin, long end) {}
        List<Entry> entries = new ArrayList<>();
        for (var e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA)) {
                if (!(e.getValue() instanceof Map<?, ?> m)) throw new CheckpointException(source + ": " + METADATA + " is not an object");
                for (var me : m.entrySet()) {
                    if (!(me.getValue() instanceof String v)) throw new CheckpointException(source + ": " + METADATA + " value of '" + me.getKey() + "' is not a string");
                    metadata.put((String) me.getKey(), v);
                }
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> info)) throw new CheckpointException(source + ": tensor '" + name + "': entry is not an object");
            if (!"F32".equals(info.get("dtype"))) {
                throw new CheckpointException(source + ": tensor '" + name + "' has dtype " + info.get("dtype") + "; Smok reads only F32 (convert with tensor.float() before saving)");
            }
            Shape shape = shape(info.get("shape"), source, name);
            long[] off = offsets(info.get("data_offsets"), source, name);
            if (off[1] - off[0] != 4L * shape.size()) {
                throw new CheckpointException(source + ": tensor '" + name + "' of shape " + shape.pretty() + " needs " + 4L * shape.size()
                        + " bytes but its data_offsets span " + (off[1] - off[0]));
            }
            entries.add(new Entry(name, shape, off[0], off[1]));
        }
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin));
        long expected = 0;
        for (Entry e : byOffset) {
            if (e.begin() != expected) {
                throw new CheckpointException(source + ": corrupt header: tensor '" + e.name() + "' starts at byte " + e.begin() + " of the data, expected " + expected + " (gap or overlap)");
            }
            expected = e.end();
        }
        if (dataSize < expected) {
            throw new CheckpointException(source + ": truncated: the header describes " + expected + " bytes of tensor data but the file holds " + dataSize);
        }
        if (dataSize > expected) {
            throw new CheckpointException(source + ": " + (dataSize - expected) + " bytes after the last tensor (corrupt or not a safetensors file)");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            float[] data = new float[e.shape().size()];
            ByteBuffer.wrap(bytes, dataStart + (int) e.begin(), 4 * data.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
            tensors.put(e.name(), new Tensor(e.shape(), data, 0));
        }
        return new Contents(tensors, metadata);
    }

    private static Shape shape(Object v, String source, String name) {
        if (!(v instanceof List<?> l)) throw new CheckpointException(source + ": tensor '" + name + "': shape is not a list");
        int[] dims = new int[l.size()];
        for (int k = 0; k < dims.length; k++) {
            if (!(l.get(k) instanceof Long d) || d <= 0 || d > Integer.MAX_VALUE) {
                throw new CheckpointException(source + ": tensor '" + name + "': bad dimension " + l.get(k) + " in shape " + l);
            }
            dims[k] = (int) (long) d;
        }
        long size = 1;
        for (int d : dims) size *= d;
        if (size > Integer.MAX_VALUE) throw new CheckpointException(source + ": tensor '" + name + "': shape " + l + " is too large");
        return Shape.of(dims);
    }

    private static long[] offsets(Object v, String source, String name) {
        if (v instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Long a && l.get(1) instanceof Long z && a >= 0 && z >= a) {
            return new long[] {a, z};
        }
        throw new CheckpointException(source + ": tensor '" + name + "': data_offsets " + v + " are not [begin, end]");
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> { if (c < 0x20) b.append(String.format("\\u%04x", (int) c)); else b.append(c); }
            }
        }
        b.append('"');
    }
}
