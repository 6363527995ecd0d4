package dev.smok.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.frontend.Network;
import dev.smok.harness.onnx.OnnxExport;
import dev.smok.harness.onnx.OnnxModel;
import dev.smok.ir.Tensor;
import dev.smok.runtime.Model;
import dev.smok.runtime.Options;
import dev.smok.runtime.Smok;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The ONNX export read back: structure (ops, attributes, weights, shapes) and numbers — the
 * parsed model, evaluated by {@link OnnxEval}, matches Smok's interpreter on the same inputs.
 */
class OnnxExportTest {
    static final NetSpec SMALL = new NetSpec("small", new int[] {1, 4, 4}, List.of(new NetSpec.Flatten(),
            new NetSpec.Dense("fc1", 16, 8), new NetSpec.Relu(), new NetSpec.Dense("fc2", 8, 3), new NetSpec.Softmax()));

    static Network smallSmok() {
        return Network.sequential("small", 1, 4, 4).flatten().dense(8).name("fc1").relu().dense(3).name("fc2").softmax();
    }

    static Map<String, float[]> weights(Network net) {
        Map<String, float[]> w = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : net.initialParameters().entrySet()) w.put(e.getKey(), e.getValue().toArray());
        // non-zero biases, so a dropped or misplaced bias shows
        SplittableRandom r = new SplittableRandom(3);
        for (var e : w.entrySet()) if (e.getKey().endsWith(".bias")) for (int i = 0; i < e.getValue().length; i++) e.getValue()[i] = (float) r.nextDouble(-0.5, 0.5);
        return w;
    }

    static float[] input(int n) {
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextDouble();
        return x;
    }

    @Test void mlpExportHasTheExpectedStructure() {
        Network net = smallSmok();
        assertEquals(null, WorkloadData.mismatch(SMALL, net));
        Map<String, float[]> w = weights(net);
        OnnxModel m = OnnxModel.parse(OnnxExport.network(SMALL, w, 2));
        assertEquals(OnnxExport.IR_VERSION, m.irVersion());
        assertEquals(OnnxExport.OPSET, m.opset());
        assertEquals("smok", m.producer());
        assertEquals(List.of("Flatten", "Gemm", "Relu", "Gemm", "Softmax", "Identity"), m.nodes().stream().map(OnnxModel.Node::opType).toList());
        OnnxModel.Node gemm = m.nodes().get(1);
        assertEquals(List.of("t0", "fc1.weight", "fc1.bias"), gemm.inputs());
        assertEquals(1, gemm.attr("transB", 0));
        assertEquals(1, m.nodes().get(4).attr("axis", -1));
        assertArrayEquals(new long[] {8, 16}, m.initializers().get("fc1.weight").dims());
        assertArrayEquals(w.get("fc1.weight"), m.initializers().get("fc1.weight").values());
        assertArrayEquals(w.get("fc2.bias"), m.initializers().get("fc2.bias").values());
        assertArrayEquals(new long[] {2, 1, 4, 4}, m.inputs().get("x"));
        assertArrayEquals(new long[] {2, 3}, m.outputs().get("y"));
    }

    @Test void parsedExportComputesWhatSmoksInterpreterComputes() {
        Network net = smallSmok();
        Map<String, float[]> w = weights(net);
        int batch = 5;
        float[] x = input(batch * 16);
        float[] onnx = OnnxEval.run(OnnxModel.parse(OnnxExport.network(SMALL, w, batch)), x);
        float[] smok;
        try (Model model = Smok.compile(net, new Options().backend("interpreter").batch(batch))) {
            model.inferenceExecutable(); // compile, then overwrite the initial weights with ours
            w.forEach((k, v) -> model.inferenceExecutable().buffer(k).copyFrom(v, 0));
            smok = model.predict(x, batch);
        }
        Outputs.Agreement a = new Outputs().put("y", smok).compare(new Outputs().put("y", onnx), 1e-5);
        assertTrue(a.agrees(), a.detail());
        // and the harness's own reference agrees with both
        assertTrue(References.forward(SMALL, w, x, batch).compare(new Outputs().put("y", onnx), 1e-5).agrees());
    }

    @Test void aTransposedWeightIsCaught() {
        Network net = smallSmok();
        Map<String, float[]> w = weights(net);
        int batch = 3;
        float[] x = input(batch * 16);
        Outputs reference = References.forward(SMALL, w, x, batch);
        // the classic export bug: writing W as [in, out] (DL4J's layout) instead of [out, in]
        Map<String, float[]> wrong = new LinkedHashMap<>(w);
        float[] t = new float[8 * 3];
        for (int o = 0; o < 3; o++) for (int i = 0; i < 8; i++) t[i * 3 + o] = w.get("fc2.weight")[o * 8 + i];
        wrong.put("fc2.weight", t);
        float[] onnx = OnnxEval.run(OnnxModel.parse(OnnxExport.network(SMALL, wrong, batch)), x);
        assertFalse(reference.compare(new Outputs().put("y", onnx), 1e-3).agrees());
    }

    @Test void lenetExportHasConvolutionsAndPools() {
        NetSpec spec = NetSpec.lenet5();
        OnnxModel m = OnnxModel.parse(OnnxExport.network(spec, spec.initialWeights(1), 4));
        assertEquals(List.of("Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm", "Relu", "Gemm", "Softmax", "Identity"),
                m.nodes().stream().map(OnnxModel.Node::opType).toList());
        OnnxModel.Node conv1 = m.nodes().get(0);
        assertArrayEquals(new long[] {2, 2, 2, 2}, conv1.attributes().get("pads"));
        assertArrayEquals(new long[] {5, 5}, conv1.attributes().get("kernel_shape"));
        assertArrayEquals(new long[] {2, 2}, m.nodes().get(2).attributes().get("strides"));
        assertArrayEquals(new long[] {16, 6, 5, 5}, m.initializers().get("conv2d2.weight").dims());
        assertEquals(16 * 6 * 25, m.initializers().get("conv2d2.weight").values().length);
        assertEquals(61_706, spec.parameterShapes().values().stream().mapToInt(d -> { int n = 1; for (int x : d) n *= x; return n; }).sum());
    }

    @Test void sgemmExportIsOneMatMul() {
        OnnxModel m = OnnxModel.parse(OnnxExport.sgemm(3, 5, 7));
        assertEquals(1, m.nodes().size());
        assertEquals("MatMul", m.nodes().getFirst().opType());
        assertArrayEquals(new long[] {3, 5}, m.inputs().get("a"));
        assertArrayEquals(new long[] {3, 7}, m.outputs().get("c"));
    }

    @Test void graphExportFoldsBiasesAndCarriesBatchNormStatistics() {
        var net = GraphWorkloadsTest.mixed();
        var g = net.inference(2);
        Map<String, float[]> values = GraphWorkloadsTest.values(net, 7);
        OnnxModel m = OnnxModel.parse(dev.smok.harness.onnx.OnnxGraphExport.graph(g, values));
        List<String> ops = m.nodes().stream().map(OnnxModel.Node::opType).toList();
        assertEquals(List.of("Conv", "BatchNormalization", "Relu", "MaxPool", "LRN", "Conv", "Relu", "AveragePool", "Conv", "Concat", "Add",
                "GlobalAveragePool", "Flatten", "Gemm", "Softmax", "Identity"), ops);
        OnnxModel.Node stem = m.nodes().get(0), bn = m.nodes().get(1);
        assertEquals(2, stem.inputs().size()); // bias(false)
        assertArrayEquals(new long[] {2, 2}, stem.attributes().get("strides"));
        assertArrayEquals(new long[] {1, 1, 1, 1}, stem.attributes().get("pads"));
        assertEquals(3, m.nodes().get(5).inputs().size()); // the 1x1 conv's bias folded in, no bias Add
        assertEquals(3, m.nodes().get(13).inputs().size()); // dense: Gemm with C
        assertTrue(bn.inputs().get(3).endsWith(".running_mean") && bn.inputs().get(4).endsWith(".running_var"), bn.inputs().toString());
        for (var in : g.inputs()) {
            if (in.role() == dev.smok.ir.Role.INPUT) continue;
            assertArrayEquals(values.get(in.name()), m.initializers().get(in.name()).values(), in.name());
        }
        assertArrayEquals(new long[] {2, 3, 17, 17}, m.inputs().get("x"));
        assertArrayEquals(new long[] {2, 5}, m.outputs().get("y"));
    }
}
