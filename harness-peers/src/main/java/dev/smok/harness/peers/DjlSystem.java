/*
 * DjlSystem: PyTorch (libtorch 2.7.1, CPU) through DJL 0.36, offline, with the natives from the
 * pytorch-native-cpu jar. The network is written with DJL's functional ops (linear, conv2d,
 * maxPool2d, relu) so each op is one libtorch call, as in eager PyTorch; training is autograd
 * plus an in-place SGD update. Zoo networks run Smok's inference graph op for op (DjlGraph).
 */
package dev.smok.harness.peers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;

import dev.smok.harness.BenchSystem;
import dev.smok.harness.NetSpec;
import dev.smok.harness.Outputs;
import dev.smok.harness.ThreadBudget;
import dev.smok.harness.Workload;
import dev.smok.harness.WorkloadData;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code pytorch-djl}: every workload. Inputs are copied from the Java arrays each iteration and
 * outputs copied back (as Smok's {@code predict} does); sgemm keeps A and B resident.
 */
public final class DjlSystem implements BenchSystem {
    static {
        // the offline setup; the launcher and the peers' surefire set them too
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("PYTORCH_VERSION", "2.7.1");
        setIfAbsent("PYTORCH_FLAVOR", "cpu");
        setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(ThreadBudget.count()));
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) System.setProperty(key, value);
    }

    @Override public String name() { return "pytorch-djl"; }

    static Engine engine() { return Engine.getEngine("PyTorch"); }

    @Override public String describe() {
        try {
            return "PyTorch " + engine().getVersion() + " (CPU) via DJL " + Engine.getDjlVersion() + ", intra-op threads "
                    + System.getProperty("ai.djl.pytorch.num_threads", "default") + ", offline=" + System.getProperty("ai.djl.offline");
        } catch (RuntimeException | LinkageError e) {
            return "not available: " + e.getMessage();
        }
    }

    @Override public String unsupported(Workload w, WorkloadData d) {
        try {
            engine();
            return d.graph() == null ? null : DjlGraph.unsupported(d.graph());
        } catch (RuntimeException | LinkageError e) {
            return "not available: " + e.getMessage();
        }
    }

    @Override public Session open(WorkloadData d) {
        NDManager mgr = engine().newBaseManager();
        Workload w = d.workload;
        if (w.kind() == Workload.Kind.SGEMM) {
            NDArray a = mgr.create(d.a, new Shape(w.m(), w.k())), b = mgr.create(d.b, new Shape(w.k(), w.n()));
            return new DjlSession(mgr) {
                @Override public Outputs check() {
                    try (NDScope ignored = new NDScope()) { return new Outputs().put("c", a.matMul(b).toFloatArray()); }
                }
                @Override void iteration() { a.matMul(b); }
            };
        }
        if (w.kind() == Workload.Kind.CONV) {
            NDArray x = mgr.create(d.a, new Shape(w.batch(), w.channels(), w.size(), w.size()));
            NDArray f = mgr.create(d.b, new Shape(w.filters(), w.channels(), 3, 3));
            return new DjlSession(mgr) {
                NDArray conv() { return Conv2d.conv2d(x, f, null, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow(); }
                @Override public Outputs check() {
                    try (NDScope ignored = new NDScope()) { return new Outputs().put("y", conv().toFloatArray()); }
                }
                @Override void iteration() { conv(); }
            };
        }
        if (d.graph() != null) {
            if (w.kind() != Workload.Kind.INFER) throw new IllegalArgumentException("zoo networks: inference only");
            DjlGraph net = new DjlGraph(d.graph(), d.weights, mgr);
            Shape xShape = DjlGraph.shape(d.graph().input("x").shape().dims());
            return new DjlSession(mgr) {
                float[] infer() { return net.forward(mgr.create(d.x, xShape)).toFloatArray(); }
                @Override public Outputs check() {
                    try (NDScope ignored = new NDScope()) { return new Outputs().put("y", infer()); }
                }
                @Override void iteration() { infer(); }
            };
        }
        NetSpec spec = d.spec();
        Map<String, NDArray> params = new LinkedHashMap<>();
        spec.parameterShapes().forEach((name, shape) -> params.put(name, mgr.create(d.weights.get(name), shape(shape))));
        int[] in = spec.inputShape();
        Shape xShape = new Shape(w.batch(), in[0], in[1], in[2]);
        if (w.kind() == Workload.Kind.INFER) {
            return new DjlSession(mgr) {
                @Override public Outputs check() {
                    try (NDScope ignored = new NDScope()) { return new Outputs().put("y", infer()); }
                }
                float[] infer() { return forward(spec, mgr.create(d.x, xShape), params).softmax(1).toFloatArray(); }
                @Override void iteration() { infer(); }
            };
        }
        for (NDArray p : params.values()) p.setRequiresGradient(true);
        float[] oneHot = d.oneHotLabels();
        Shape labelShape = new Shape(w.batch(), spec.classes());
        return new DjlSession(mgr) {
            float step() {
                float loss;
                try (GradientCollector gc = engine().newGradientCollector()) {
                    NDArray logits = forward(spec, mgr.create(d.x, xShape), params);
                    NDArray l = logits.logSoftmax(1).mul(mgr.create(oneHot, labelShape)).sum().neg().div(w.batch());
                    gc.backward(l);
                    loss = l.getFloat();
                }
                // outside the collector autograd is off: update in place, then clear the accumulated gradients
                for (NDArray p : params.values()) {
                    NDArray g = p.getGradient();
                    p.subi(g.mul(WorkloadData.LEARNING_RATE));
                    g.subi(g);
                }
                return loss;
            }
            @Override public Outputs check() {
                try (NDScope ignored = new NDScope()) {
                    float loss = step();
                    Map<String, float[]> after = new LinkedHashMap<>();
                    params.forEach((k, v) -> after.put(k, v.toFloatArray()));
                    return Outputs.trainingStep(loss, d.weights, after);
                }
            }
            @Override void iteration() { step(); }
        };
    }

    /** The network's logits (before the final softmax) for {@code x} [batch, C, H, W]. */
    static NDArray forward(NetSpec spec, NDArray x, Map<String, NDArray> p) {
        NDArray v = x;
        for (NetSpec.Layer l : spec.layers()) {
            v = switch (l) {
                case NetSpec.Dense dl -> Linear.linear(v, p.get(dl.name() + ".weight"), p.get(dl.name() + ".bias")).singletonOrThrow();
                case NetSpec.Conv c -> Conv2d.conv2d(v, p.get(c.name() + ".weight"), p.get(c.name() + ".bias"),
                        new Shape(1, 1), new Shape(c.pad(), c.pad()), new Shape(1, 1)).singletonOrThrow();
                case NetSpec.MaxPool mp -> Pool.maxPool2d(v, new Shape(mp.size(), mp.size()), new Shape(mp.size(), mp.size()), new Shape(0, 0), false);
                case NetSpec.Relu r -> Activation.relu(v);
                case NetSpec.Flatten f -> v.reshape(v.getShape().get(0), -1);
                case NetSpec.Softmax s -> v; // the caller applies softmax (inference) or log-softmax in the loss (training)
            };
        }
        return v;
    }

    static Shape shape(int[] dims) {
        long[] l = new long[dims.length];
        for (int i = 0; i < dims.length; i++) l[i] = dims[i];
        return new Shape(l);
    }

    /** Times {@link #iteration()} with every temporary freed per iteration. */
    private abstract static class DjlSession implements Session {
        final NDManager mgr;

        DjlSession(NDManager mgr) { this.mgr = mgr; }

        abstract void iteration();

        @Override public long timeWindow(int iterations) {
            long t0 = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                try (NDScope ignored = new NDScope()) { iteration(); }
            }
            return System.nanoTime() - t0;
        }

        @Override public int threads() { return Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads", "0")); }

        @Override public void close() { mgr.close(); }
    }
}
