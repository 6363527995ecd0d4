/*
 * OnnxModel: an ONNX ModelProto read back into plain records — nodes, attributes, weights and
 * the graph's inputs and outputs. Used to check the export structurally without ONNX Runtime.
 */
package dev.smok.harness.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The parts of a model that {@link OnnxExport} writes. Float tensors only (raw or float_data). */
public record OnnxModel(long irVersion, long opset, String producer, List<Node> nodes, Map<String, Initializer> initializers,
                        Map<String, long[]> inputs, Map<String, long[]> outputs) {

    /** A node: op type, input and output names, integer and integer-list attributes (as long[]). */
    public record Node(String opType, List<String> inputs, List<String> outputs, Map<String, long[]> attributes) {
        public long attr(String name, long fallback) {
            long[] v = attributes.get(name);
            return v == null ? fallback : v[0];
        }
    }

    /** A weight: dims and values. */
    public record Initializer(long[] dims, float[] values) {}

    /** Decodes {@code bytes}; anything malformed is an {@link IllegalArgumentException}. */
    public static OnnxModel parse(byte[] bytes) {
        ProtoReader m = new ProtoReader(bytes);
        ProtoReader g = m.one(7).message();
        List<Node> nodes = new ArrayList<>();
        for (ProtoReader.Field f : g.all(1)) {
            ProtoReader n = f.message();
            Map<String, long[]> attrs = new LinkedHashMap<>();
            for (ProtoReader.Field a : n.all(5)) {
                ProtoReader ar = a.message();
                String name = ar.one(1).string();
                if (ar.one(8) != null) attrs.put(name, ar.one(8).packedVarints());
                else if (ar.one(3) != null) attrs.put(name, new long[] {ar.one(3).value()});
            }
            nodes.add(new Node(n.one(4).string(), n.all(1).stream().map(ProtoReader.Field::string).toList(),
                    n.all(2).stream().map(ProtoReader.Field::string).toList(), attrs));
        }
        Map<String, Initializer> inits = new LinkedHashMap<>();
        for (ProtoReader.Field f : g.all(5)) {
            ProtoReader t = f.message();
            if (t.one(2).value() != OnnxExport.FLOAT) throw new IllegalArgumentException("initializer is not float32");
            float[] v;
            if (t.one(9) != null) {
                byte[] raw = t.one(9).payload();
                v = new float[raw.length / 4];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            } else {
                v = new float[0];
            }
            inits.put(t.one(8).string(), new Initializer(t.one(1) == null ? new long[0] : t.one(1).packedVarints(), v));
        }
        ProtoReader.Field producer = m.one(2);
        return new OnnxModel(m.one(1).value(), m.one(8).message().one(2).value(), producer == null ? "" : producer.string(),
                nodes, inits, valueInfos(g.all(11)), valueInfos(g.all(12)));
    }

    private static Map<String, long[]> valueInfos(List<ProtoReader.Field> fields) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (ProtoReader.Field f : fields) {
            ProtoReader vi = f.message();
            ProtoReader shape = vi.one(2).message().one(1).message().one(2).message();
            m.put(vi.one(1).string(), shape.all(1).stream().mapToLong(d -> d.message().one(1).value()).toArray());
        }
        return m;
    }
}
