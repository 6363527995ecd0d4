/*
 * OnnxGraphExport: writes one of Smok's inference graphs (a zoo network: convolutions, batch
 * norm, pooling, residual additions, concatenations, dense layers) as an ONNX model, op for op,
 * so ONNX Runtime runs the same network with the same parameters and batch-norm statistics.
 * Biases are folded into Conv and Gemm (FoldedBiases), as exporters from PyTorch write them.
 */
package dev.smok.harness.onnx;

import dev.smok.harness.FoldedBiases;
import dev.smok.ir.Attrs;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Role;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX export of an inference graph (opset {@link OnnxExport#OPSET}): input {@code x}, output
 * {@code y}; parameters and states become initializers under their Smok (= torchvision) names.
 * Ops without an ONNX mapping here are an error naming the op.
 */
public final class OnnxGraphExport {
    private OnnxGraphExport() {}

    static final int ATTR_FLOAT = 1, INT64 = 7;

    /** The model for {@code g} with {@code values} (every parameter and state, by name). */
    public static byte[] graph(Graph g, Map<String, float[]> values) {
        ProtoWriter graph = new ProtoWriter().string(2, g.name());
        FoldedBiases folded = new FoldedBiases(g);
        Map<Value, String> names = new IdentityHashMap<>();
        List<ProtoWriter> extraInitializers = new ArrayList<>();
        Value x = null;
        for (Input in : g.inputs()) {
            names.put(in.value(), in.role() == Role.INPUT ? "x" : in.name());
            if (in.role() == Role.INPUT) x = in.value();
        }
        if (x == null) throw new IllegalArgumentException("graph '" + g.name() + "' has no data input");
        int count = 0;
        for (Node n : g.nodes()) {
            if (folded.folded(n)) { names.put(n.out(), names.get(n.in(0))); continue; }
            String out = "v" + count++;
            names.put(n.out(), out);
            String a = names.get(n.in(0));
            Attrs at = n.attrs();
            ProtoWriter node = switch (n.op()) {
                case CONV2D -> {
                    Value bias = folded.biasOf(n.out());
                    int[] k = {n.in(1).shape().dim(2), n.in(1).shape().dim(3)}, pad = pair(at, "padding", 0);
                    ProtoWriter c = bias == null ? node("Conv", out, a, names.get(n.in(1))) : node("Conv", out, a, names.get(n.in(1)), names.get(bias));
                    yield c.message(5, ints("kernel_shape", k[0], k[1])).message(5, ints("strides", pair(at, "stride", 1)))
                            .message(5, ints("pads", pad[0], pad[1], pad[0], pad[1])).message(5, ints("dilations", pair(at, "dilation", 1)))
                            .message(5, intAttr("group", at.i("groups", 1)));
                }
                case BATCH_NORM -> node("BatchNormalization", out, a, names.get(n.in(1)), names.get(n.in(2)), names.get(n.in(3)), names.get(n.in(4)))
                        .message(5, floatAttr("epsilon", at.f("eps", 1e-5f)));
                case RELU -> node("Relu", out, a);
                case IDENTITY -> node("Identity", out, a);
                case ADD -> node("Add", out, a, names.get(n.in(1)));
                case MAX_POOL, AVG_POOL -> pool(n, out, a);
                case GLOBAL_AVG_POOL -> {
                    if (n.out().shape().rank() == 4) yield node("GlobalAveragePool", out, a);
                    graph.message(1, node("GlobalAveragePool", out + "_4d", a).string(3, "node" + count + "_pool"));
                    yield node("Flatten", out, out + "_4d").message(5, intAttr("axis", 1));
                }
                case CONCAT -> {
                    String[] ins = n.inputs().stream().map(names::get).toArray(String[]::new);
                    yield node("Concat", out, ins).message(5, intAttr("axis", at.i("axis", 1)));
                }
                case LRN -> node("LRN", out, a).message(5, intAttr("size", at.i("size"))).message(5, floatAttr("alpha", at.f("alpha", 1e-4f)))
                        .message(5, floatAttr("beta", at.f("beta", 0.75f))).message(5, floatAttr("bias", at.f("k", 1f)));
                case RESHAPE -> {
                    Shape s = n.out().shape(), in = n.in(0).shape();
                    if (s.rank() == 2 && s.dim(0) == in.dim(0)) yield node("Flatten", out, a).message(5, intAttr("axis", 1));
                    long[] dims = new long[s.rank()];
                    for (int i = 0; i < dims.length; i++) dims[i] = s.dim(i);
                    extraInitializers.add(new ProtoWriter().packedVarints(1, new long[] {dims.length}).varint(2, INT64)
                            .string(8, out + "_shape").packedVarints(7, dims));
                    yield node("Reshape", out, a, out + "_shape");
                }
                case MATMUL -> {
                    if (n.in(0).shape().rank() != 2) throw unsupported(n);
                    Value bias = folded.biasOf(n.out());
                    ProtoWriter m = bias == null ? node("Gemm", out, a, names.get(n.in(1))) : node("Gemm", out, a, names.get(n.in(1)), names.get(bias));
                    yield m.message(5, intAttr("transA", at.b("trans_a", false) ? 1 : 0)).message(5, intAttr("transB", at.b("trans_b", false) ? 1 : 0));
                }
                case BIAS_ADD -> {
                    Shape s = n.out().shape();
                    String b = names.get(n.in(1));
                    if (s.rank() > 2) { // [C] → [C, 1, 1] so that it broadcasts over the image
                        long[] dims = new long[s.rank() - 1];
                        java.util.Arrays.fill(dims, 1);
                        dims[0] = s.dim(1);
                        extraInitializers.add(tensor(b + "@broadcast", dims, values.get(n.in(1).name())));
                        b = b + "@broadcast";
                    }
                    yield node("Add", out, a, b);
                }
                case SOFTMAX -> node("Softmax", out, a).message(5, intAttr("axis", -1));
                default -> throw unsupported(n);
            };
            graph.message(1, node.string(3, "node" + count));
        }
        Value y = g.outputs().get("y");
        if (y == null) throw new IllegalArgumentException("graph '" + g.name() + "' has no output 'y'");
        graph.message(1, new ProtoWriter().string(1, names.get(y)).string(2, "y").string(4, "Identity").string(3, "output"));
        for (Input in : g.inputs()) {
            if (in.role() == Role.INPUT) continue;
            float[] v = values.get(in.name());
            if (v == null) throw new IllegalArgumentException("no value for '" + in.name() + "'");
            long[] dims = new long[in.shape().rank()];
            for (int i = 0; i < dims.length; i++) dims[i] = in.shape().dim(i);
            graph.message(5, tensor(in.name(), dims, v));
        }
        for (ProtoWriter t : extraInitializers) graph.message(5, t);
        graph.message(11, valueInfo("x", x.shape()));
        graph.message(12, valueInfo("y", y.shape()));
        return new ProtoWriter().varint(1, OnnxExport.IR_VERSION).string(2, "smok").string(3, "0.1.0").message(7, graph)
                .message(8, new ProtoWriter().string(1, "").varint(2, OnnxExport.OPSET)).toByteArray();
    }

    /** MaxPool or AveragePool; ceil_mode when the graph's output is larger than floor division gives. */
    private static ProtoWriter pool(Node n, String out, String in) {
        Attrs at = n.attrs();
        int[] k = pair(at, "kernel", 1), pad = pair(at, "padding", 0);
        int[] st = at.has("stride") ? pair(at, "stride", 1) : k;
        Shape xs = n.in(0).shape(), ys = n.out().shape();
        boolean ceil = ys.dim(2) > (xs.dim(2) + 2 * pad[0] - k[0]) / st[0] + 1 || ys.dim(3) > (xs.dim(3) + 2 * pad[1] - k[1]) / st[1] + 1;
        ProtoWriter p = node(n.op() == Op.MAX_POOL ? "MaxPool" : "AveragePool", out, in)
                .message(5, ints("kernel_shape", k)).message(5, ints("strides", st))
                .message(5, ints("pads", pad[0], pad[1], pad[0], pad[1])).message(5, intAttr("ceil_mode", ceil ? 1 : 0));
        if (n.op() == Op.AVG_POOL) p.message(5, intAttr("count_include_pad", at.b("count_include_pad", true) ? 1 : 0));
        return p;
    }

    private static IllegalArgumentException unsupported(Node n) {
        return new IllegalArgumentException("ONNX export: no mapping for " + n.op().name().toLowerCase() + " -> " + n.out().shape().pretty());
    }

    private static int[] pair(Attrs a, String name, int dflt) {
        int[] v = a.ints(name, new int[] {dflt, dflt});
        return v.length == 1 ? new int[] {v[0], v[0]} : v;
    }

    private static ProtoWriter node(String op, String output, String... inputs) {
        ProtoWriter w = new ProtoWriter();
        for (String i : inputs) w.string(1, i);
        return w.string(2, output).string(4, op);
    }

    private static ProtoWriter intAttr(String name, long v) {
        return new ProtoWriter().string(1, name).varint(3, v).varint(20, OnnxExport.ATTR_INT);
    }

    private static ProtoWriter floatAttr(String name, float v) {
        return new ProtoWriter().string(1, name).float32(2, v).varint(20, ATTR_FLOAT);
    }

    private static ProtoWriter ints(String name, int... v) {
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) l[i] = v[i];
        return new ProtoWriter().string(1, name).packedVarints(8, l).varint(20, OnnxExport.ATTR_INTS);
    }

    private static ProtoWriter tensor(String name, long[] dims, float[] values) {
        return new ProtoWriter().packedVarints(1, dims).varint(2, OnnxExport.FLOAT).string(8, name).bytes(9, ProtoWriter.littleEndian(values));
    }

    private static ProtoWriter valueInfo(String name, Shape s) {
        ProtoWriter shape = new ProtoWriter();
        for (int i = 0; i < s.rank(); i++) shape.message(1, new ProtoWriter().varint(1, s.dim(i)));
        ProtoWriter tensorType = new ProtoWriter().varint(1, OnnxExport.FLOAT).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }
}
