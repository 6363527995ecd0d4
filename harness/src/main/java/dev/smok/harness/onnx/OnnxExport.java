/*
 * OnnxExport: writes a NetSpec with its weights (or a bare matrix product) as an ONNX
 * ModelProto, so ONNX Runtime runs exactly the network Smok runs. Field numbers are those of
 * onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto, TypeProto, TensorShapeProto).
 */
package dev.smok.harness.onnx;

import dev.smok.harness.NetSpec;

import java.util.Map;

/**
 * ONNX export, opset {@link #OPSET}, IR version {@link #IR_VERSION}. Dense layers become
 * {@code Gemm(x, W, b, transB=1)} (W stays [out, in]), convolutions {@code Conv} (W [out, in, k, k],
 * pads), pooling {@code MaxPool}, then {@code Relu}, {@code Flatten(axis=1)}, {@code Softmax(axis=1)}.
 * Input {@code x} is [batch, C, H, W]; output {@code y} is [batch, classes]. Weights are
 * initializers named as the parameters.
 */
public final class OnnxExport {
    private OnnxExport() {}

    public static final int IR_VERSION = 8, OPSET = 17;
    static final int FLOAT = 1; // TensorProto.DataType.FLOAT
    static final int ATTR_INT = 2, ATTR_INTS = 7; // AttributeProto.AttributeType

    /** The inference network {@code spec} with {@code weights} (PyTorch layout) at a fixed {@code batch}. */
    public static byte[] network(NetSpec spec, Map<String, float[]> weights, int batch) {
        ProtoWriter graph = new ProtoWriter().string(2, spec.name());
        int[] in = spec.inputShape();
        String cur = "x";
        int n = 0;
        for (NetSpec.Layer l : spec.layers()) {
            String out = "t" + n++;
            ProtoWriter node = switch (l) {
                case NetSpec.Dense d -> node("Gemm", out, cur, d.name() + ".weight", d.name() + ".bias").message(5, intAttr("transB", 1));
                case NetSpec.Conv c -> node("Conv", out, cur, c.name() + ".weight", c.name() + ".bias")
                        .message(5, intsAttr("kernel_shape", c.kernel(), c.kernel()))
                        .message(5, intsAttr("pads", c.pad(), c.pad(), c.pad(), c.pad()))
                        .message(5, intsAttr("strides", 1, 1));
                case NetSpec.MaxPool p -> node("MaxPool", out, cur)
                        .message(5, intsAttr("kernel_shape", p.size(), p.size())).message(5, intsAttr("strides", p.size(), p.size()));
                case NetSpec.Relu r -> node("Relu", out, cur);
                case NetSpec.Flatten f -> node("Flatten", out, cur).message(5, intAttr("axis", 1));
                case NetSpec.Softmax s -> node("Softmax", out, cur).message(5, intAttr("axis", 1));
            };
            graph.message(1, node.string(3, l.getClass().getSimpleName().toLowerCase() + n));
            cur = out;
        }
        graph.message(1, node("Identity", "y", cur).string(3, "output"));
        for (var e : spec.parameterShapes().entrySet()) {
            float[] w = weights.get(e.getKey());
            if (w == null) throw new IllegalArgumentException("no weights for parameter '" + e.getKey() + "'");
            graph.message(5, tensor(e.getKey(), e.getValue(), w));
        }
        graph.message(11, valueInfo("x", batch, in[0], in[1], in[2]));
        graph.message(12, valueInfo("y", batch, spec.classes()));
        return model(graph);
    }

    /** C[m,n] = A[m,k]·B[k,n] as one {@code MatMul}: inputs {@code a}, {@code b}, output {@code c}. */
    public static byte[] sgemm(int m, int k, int n) {
        ProtoWriter graph = new ProtoWriter().string(2, "sgemm")
                .message(1, node("MatMul", "c", "a", "b").string(3, "matmul"))
                .message(11, valueInfo("a", m, k)).message(11, valueInfo("b", k, n)).message(12, valueInfo("c", m, n));
        return model(graph);
    }

    /** The conv workload: {@code y = Conv(a, b)}, a [batch, channels, size, size], b [filters, channels, 3, 3], padding 1, no bias. */
    public static byte[] conv3x3(int batch, int channels, int size, int filters) {
        ProtoWriter conv = node("Conv", "y", "a", "b").string(3, "conv")
                .message(5, intsAttr("kernel_shape", 3, 3)).message(5, intsAttr("pads", 1, 1, 1, 1)).message(5, intsAttr("strides", 1, 1));
        ProtoWriter graph = new ProtoWriter().string(2, "conv3x3").message(1, conv)
                .message(11, valueInfo("a", batch, channels, size, size)).message(11, valueInfo("b", filters, channels, 3, 3))
                .message(12, valueInfo("y", batch, filters, size, size));
        return model(graph);
    }

    private static byte[] model(ProtoWriter graph) {
        return new ProtoWriter()
                .varint(1, IR_VERSION)
                .string(2, "smok")
                .string(3, "0.1.0")
                .message(7, graph)
                .message(8, new ProtoWriter().string(1, "").varint(2, OPSET))
                .toByteArray();
    }

    private static ProtoWriter node(String op, String output, String... inputs) {
        ProtoWriter w = new ProtoWriter();
        for (String i : inputs) w.string(1, i);
        return w.string(2, output).string(4, op);
    }

    private static ProtoWriter intAttr(String name, long v) {
        return new ProtoWriter().string(1, name).varint(3, v).varint(20, ATTR_INT);
    }

    private static ProtoWriter intsAttr(String name, long... v) {
        return new ProtoWriter().string(1, name).packedVarints(8, v).varint(20, ATTR_INTS);
    }

    private static ProtoWriter tensor(String name, int[] dims, float[] values) {
        long[] d = new long[dims.length];
        for (int i = 0; i < dims.length; i++) d[i] = dims[i];
        return new ProtoWriter().packedVarints(1, d).varint(2, FLOAT).string(8, name).bytes(9, ProtoWriter.littleEndian(values));
    }

    private static ProtoWriter valueInfo(String name, int... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (int d : dims) shape.message(1, new ProtoWriter().varint(1, d));
        ProtoWriter tensorType = new ProtoWriter().varint(1, FLOAT).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }
}
