package dev.smok.harness;

import dev.smok.harness.onnx.OnnxModel;

import java.util.HashMap;
import java.util.Map;

/**
 * A tiny evaluator for the dense ONNX graphs the export writes (Flatten, Gemm with transB,
 * Relu, Softmax over axis 1, Identity), used to check exported numbers without ONNX Runtime.
 * Tensors are [rows, cols] row-major; Flatten keeps the batch as rows.
 */
final class OnnxEval {
    private OnnxEval() {}

    record Mat(int rows, int cols, float[] v) {}

    static float[] run(OnnxModel m, float[] x) {
        long[] in = m.inputs().get("x");
        int batch = (int) in[0];
        Map<String, Mat> env = new HashMap<>();
        env.put("x", new Mat(batch, x.length / batch, x));
        for (OnnxModel.Node n : m.nodes()) {
            Mat a = env.get(n.inputs().getFirst());
            Mat out = switch (n.opType()) {
                case "Flatten", "Identity" -> a;
                case "Relu" -> { float[] v = a.v().clone(); for (int i = 0; i < v.length; i++) v[i] = Math.max(0, v[i]); yield new Mat(a.rows(), a.cols(), v); }
                case "Softmax" -> {
                    float[] v = a.v().clone();
                    for (int r = 0; r < a.rows(); r++) {
                        double max = Double.NEGATIVE_INFINITY, sum = 0;
                        for (int c = 0; c < a.cols(); c++) max = Math.max(max, v[r * a.cols() + c]);
                        for (int c = 0; c < a.cols(); c++) sum += Math.exp(v[r * a.cols() + c] - max);
                        for (int c = 0; c < a.cols(); c++) v[r * a.cols() + c] = (float) (Math.exp(v[r * a.cols() + c] - max) / sum);
                    }
                    yield new Mat(a.rows(), a.cols(), v);
                }
                case "Gemm" -> {
                    OnnxModel.Initializer w = m.initializers().get(n.inputs().get(1)), b = m.initializers().get(n.inputs().get(2));
                    boolean transB = n.attr("transB", 0) == 1;
                    int k = a.cols(), outs = (int) (transB ? w.dims()[0] : w.dims()[1]);
                    if ((transB ? w.dims()[1] : w.dims()[0]) != k) throw new IllegalArgumentException("Gemm: inner dimensions differ");
                    float[] v = new float[a.rows() * outs];
                    for (int r = 0; r < a.rows(); r++) {
                        for (int o = 0; o < outs; o++) {
                            double acc = b.values()[o];
                            for (int i = 0; i < k; i++) acc += (double) a.v()[r * k + i] * (transB ? w.values()[o * k + i] : w.values()[i * outs + o]);
                            v[r * outs + o] = (float) acc;
                        }
                    }
                    yield new Mat(a.rows(), outs, v);
                }
                default -> throw new IllegalArgumentException("OnnxEval does not implement " + n.opType());
            };
            env.put(n.outputs().getFirst(), out);
        }
        return env.get("y").v();
    }
}
