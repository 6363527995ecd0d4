/*
 * SmokSystem: Smok itself, once per backend name. The list of backends is data: a backend
 * appears in the report as soon as Backends.byName resolves it ("cpu" once codegen-cpu lands),
 * and as a "not available" row until then.
 */
package dev.smok.harness;

import dev.smok.ir.Attrs;
import dev.smok.ir.Executable;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Input;
import dev.smok.ir.Op;
import dev.smok.ir.Role;
import dev.smok.ir.Shape;
import dev.smok.ir.Tensor;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.runtime.Backends;
import dev.smok.runtime.Model;
import dev.smok.runtime.Options;
import dev.smok.runtime.Smok;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Smok with one backend ({@code smok-cpu}, {@code smok-interpreter}). Training is plain SGD at
 * {@link WorkloadData#LEARNING_RATE} with softmax cross-entropy; inference is
 * {@link Model#predict}. The interpreter only takes workloads that are
 * {@link Workload#smallEnoughForInterpreter() small enough}.
 */
public final class SmokSystem implements BenchSystem {
    /** Backends timed by the harness, fastest first; the first one available is the baseline of the ratios. */
    public static final List<String> BACKENDS = List.of("cpu", "interpreter");

    private final String backend;

    public SmokSystem(String backend) { this.backend = backend; }

    @Override public String name() { return "smok-" + backend; }

    @Override public String describe() {
        String why = backendUnavailable();
        return why != null ? "not available: " + why
                : "Smok 0.1.0, backend " + backend + ", JDK " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " processors";
    }

    /** Why the backend cannot be created, or null. */
    private String backendUnavailable() {
        try {
            Backends.byName(backend);
            return null;
        } catch (RuntimeException | LinkageError e) {
            return e.getMessage();
        }
    }

    @Override public String unsupported(Workload w, WorkloadData data) {
        String why = backendUnavailable();
        if (why != null) return "not available: " + why;
        if (backend.equals("interpreter") && !w.smallEnoughForInterpreter()) return "skipped: too slow for the interpreter";
        if (!w.isKernel() && data.smokNetwork() == null) return "not available: " + data.smokUnavailable();
        return null;
    }

    @Override public Session open(WorkloadData d) {
        Workload w = d.workload;
        if (w.isKernel()) return kernel(w, d);
        Model model = Smok.compile(d.smokNetwork(), new Options().backend(backend).batch(w.batch())
                .optimizer(OptimizerSpec.sgd(WorkloadData.LEARNING_RATE)));
        if (d.graph() != null) model.setParameters(tensors(d.graph(), d.weights)); // the zoo's random batch-norm values
        boolean train = w.kind() == Workload.Kind.TRAIN;
        return new Session() {
            @Override public Outputs check() {
                if (!train) return new Outputs().put("y", model.predict(d.x, w.batch()));
                float loss = model.trainStep(d.x, d.labels);
                Map<String, float[]> after = new LinkedHashMap<>();
                for (Map.Entry<String, Tensor> e : model.parameters().entrySet()) after.put(e.getKey(), e.getValue().toArray());
                return Outputs.trainingStep(loss, d.weights, after);
            }

            @Override public long timeWindow(int iterations) {
                long t0 = System.nanoTime();
                float sink = 0;
                for (int i = 0; i < iterations; i++) {
                    if (train) sink += model.trainStep(d.x, d.labels);
                    else sink += model.predict(d.x, w.batch())[0];
                }
                long t = System.nanoTime() - t0;
                if (Float.isNaN(sink)) throw new IllegalStateException(name() + " produced NaN while timing " + w.id());
                return t;
            }

            @Override public int threads() { return 0; }
            @Override public void close() { model.close(); }
        };
    }

    /** Sgemm ({@code c = a·b}) or conv ({@code y = conv2d(x, w)}) as a one-op graph. */
    private Session kernel(Workload w, WorkloadData d) {
        GraphBuilder g = new GraphBuilder(w.id());
        boolean sgemm = w.kind() == Workload.Kind.SGEMM;
        String out = sgemm ? "c" : "y";
        if (sgemm) {
            g.output(out, g.matmul(g.input("a", Shape.of(w.m(), w.k())), g.input("b", Shape.of(w.k(), w.n()))));
        } else {
            var x = g.input("a", Shape.of(w.batch(), w.channels(), w.size(), w.size()));
            var f = g.input("b", Shape.of(w.filters(), w.channels(), 3, 3));
            g.output(out, g.op(Op.CONV2D, Attrs.of("stride", new int[] {1, 1}, "padding", new int[] {1, 1}), x, f));
        }
        Executable exe = Backends.byName(backend).compile(g.build(), null);
        exe.buffer("a").copyFrom(d.a, 0);
        exe.buffer("b").copyFrom(d.b, 0);
        return new Session() {
            @Override public Outputs check() { exe.run(); return new Outputs().put(out, exe.buffer(out).toArray()); }
            @Override public long timeWindow(int iterations) {
                long t0 = System.nanoTime();
                for (int i = 0; i < iterations; i++) exe.run();
                return System.nanoTime() - t0;
            }
            @Override public int threads() { return 0; }
            @Override public void close() { exe.close(); }
        };
    }

    /** {@code values} as tensors shaped like the graph's parameters and states. */
    static Map<String, Tensor> tensors(Graph g, Map<String, float[]> values) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Input in : g.inputs()) {
            if (in.role() != Role.INPUT) m.put(in.name(), new Tensor(in.shape(), values.get(in.name()).clone(), 0));
        }
        return m;
    }
}
