/*
 * OnnxRuntimeSystem: ONNX Runtime (CPU execution provider) running the network Smok exports
 * (dev.smok.harness.onnx.OnnxExport) with the same weights. Inference and sgemm only: ONNX
 * Runtime's Java API has no training. Zoo networks are exported from Smok's inference graph
 * (OnnxGraphExport), the conv workload is one Conv node.
 */
package dev.smok.harness.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import dev.smok.harness.BenchSystem;
import dev.smok.harness.Outputs;
import dev.smok.harness.ThreadBudget;
import dev.smok.harness.Workload;
import dev.smok.harness.WorkloadData;
import dev.smok.harness.onnx.OnnxExport;
import dev.smok.harness.onnx.OnnxGraphExport;
import dev.smok.ir.Shape;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * {@code onnxruntime}: all graph optimizations, {@link ThreadBudget#count()} intra-op threads,
 * sequential execution. An inference iteration wraps the Java input in a tensor, runs, and copies
 * the output into a Java array; sgemm keeps A and B as resident tensors.
 */
public final class OnnxRuntimeSystem implements BenchSystem {
    @Override public String name() { return "onnxruntime"; }

    @Override public String describe() {
        try {
            return "ONNX Runtime " + OrtEnvironment.getEnvironment().getVersion() + " (CPU EP), intra-op threads "
                    + ThreadBudget.count() + ", model from Smok's ONNX export (opset " + OnnxExport.OPSET + ")";
        } catch (RuntimeException | LinkageError e) {
            return "not available: " + e.getMessage();
        }
    }

    @Override public String unsupported(Workload w, WorkloadData d) {
        return w.kind() == Workload.Kind.TRAIN ? "n/a: inference only" : null;
    }

    /** Session options shared by every model: all optimizations, the peers' thread count. */
    static OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setIntraOpNumThreads(ThreadBudget.count());
        o.setInterOpNumThreads(1);
        return o;
    }

    @Override public Session open(WorkloadData d) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Workload w = d.workload;
        if (w.kind() == Workload.Kind.SGEMM) {
            OrtSession s = env.createSession(OnnxExport.sgemm(w.m(), w.k(), w.n()), options());
            OnnxTensor a = OnnxTensor.createTensor(env, FloatBuffer.wrap(d.a), new long[] {w.m(), w.k()});
            OnnxTensor b = OnnxTensor.createTensor(env, FloatBuffer.wrap(d.b), new long[] {w.k(), w.n()});
            return kernelSession(s, "c", a, b);
        }
        if (w.kind() == Workload.Kind.CONV) {
            OrtSession s = env.createSession(OnnxExport.conv3x3(w.batch(), w.channels(), w.size(), w.filters()), options());
            OnnxTensor a = OnnxTensor.createTensor(env, FloatBuffer.wrap(d.a), new long[] {w.batch(), w.channels(), w.size(), w.size()});
            OnnxTensor b = OnnxTensor.createTensor(env, FloatBuffer.wrap(d.b), new long[] {w.filters(), w.channels(), 3, 3});
            return kernelSession(s, "y", a, b);
        }
        byte[] model = d.graph() != null ? OnnxGraphExport.graph(d.graph(), d.weights) : OnnxExport.network(d.spec(), d.weights, w.batch());
        OrtSession s = env.createSession(model, options());
        long[] shape;
        if (d.graph() != null) {
            shape = new long[] {w.batch(), 0, 0, 0};
            Shape xs = d.graph().input("x").shape();
            for (int i = 1; i < 4; i++) shape[i] = xs.dim(i);
        } else {
            int[] in = d.spec().inputShape();
            shape = new long[] {w.batch(), in[0], in[1], in[2]};
        }
        return new OrtSessionBase(s) {
            float[] infer() throws OrtException {
                try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(d.x), shape);
                     OrtSession.Result r = s.run(Map.of("x", x))) {
                    return floats((OnnxTensor) r.get(0));
                }
            }
            @Override public Outputs check() throws OrtException { return new Outputs().put("y", infer()); }
            @Override void iteration() throws OrtException { infer(); }
        };
    }

    /** A one-node model with resident inputs {@code a} and {@code b}; output {@code out}. */
    private static Session kernelSession(OrtSession s, String out, OnnxTensor a, OnnxTensor b) {
        Map<String, OnnxTensor> inputs = Map.of("a", a, "b", b);
        return new OrtSessionBase(s) {
            @Override public Outputs check() throws OrtException {
                try (OrtSession.Result r = s.run(inputs)) { return new Outputs().put(out, floats((OnnxTensor) r.get(0))); }
            }
            @Override void iteration() throws OrtException { s.run(inputs).close(); }
            @Override public void close() throws OrtException { a.close(); b.close(); super.close(); }
        };
    }

    static float[] floats(OnnxTensor t) {
        FloatBuffer fb = t.getFloatBuffer();
        float[] v = new float[fb.remaining()];
        fb.get(v);
        return v;
    }

    private abstract static class OrtSessionBase implements Session {
        final OrtSession session;

        OrtSessionBase(OrtSession session) { this.session = session; }

        abstract void iteration() throws OrtException;

        @Override public long timeWindow(int iterations) throws OrtException {
            long t0 = System.nanoTime();
            for (int i = 0; i < iterations; i++) iteration();
            return System.nanoTime() - t0;
        }

        @Override public int threads() { return ThreadBudget.count(); }

        @Override public void close() throws OrtException { session.close(); }
    }
}
