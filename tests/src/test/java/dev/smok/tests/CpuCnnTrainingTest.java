package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.smok.cpu.CpuBackend;
import dev.smok.cpu.CpuExecutable;
import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.frontend.models.Cnns;
import dev.smok.ir.DType;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Role;
import dev.smok.ir.interp.Interpreter;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.optimizer.Pipelines;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * One training step of the convolutional models on the CPU backend equals the reference
 * interpreter: LeNet-5 (conv, pooling, dense; SGD and Adam) and the {@code cnn} model (batch
 * norm, dropout with its step counter), lowered by the standard training pipeline with autodiff.
 * Every output and update is compared with tolerance relative to the largest reference
 * magnitude of that tensor: 2e-4 (float32 against float64 through a whole forward and backward
 * pass; batch norm's backward cancels, so 1e-3 there).
 */
class CpuCnnTrainingTest {
    static Map<String, float[]> inputs(Graph g, long seed, int classes) {
        Random r = new Random(seed);
        Map<String, float[]> m = new HashMap<>();
        for (Input in : g.inputs()) {
            float[] v = new float[in.shape().size()];
            for (int i = 0; i < v.length; i++) {
                if (in.value().dtype() == DType.I32) v[i] = r.nextInt(classes);
                else if (in.role() == Role.STATE && in.name().contains("step")) v[i] = 3;
                else if (in.role() == Role.STATE) v[i] = 0.5f * r.nextFloat(); // moments, running variances: non-negative
                else v[i] = in.role() == Role.INPUT ? r.nextFloat() : (r.nextFloat() - 0.5f) * 0.4f;
            }
            m.put(in.name(), v);
        }
        return m;
    }

    static void sameAsInterpreter(Graph g, Map<String, float[]> in, double tol, int threads) {
        sameAsInterpreter(g, in, tol, threads, true);
    }

    /** The inputs in float64, as the interpreter takes them. */
    static Map<String, double[]> widened(Map<String, float[]> in) {
        Map<String, double[]> out = new HashMap<>();
        in.forEach((k, v) -> {
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) d[i] = v[i];
            out.put(k, d);
        });
        return out;
    }

    /** {@code g} on the CPU backend, with or without kernel fusion, equals the interpreter within {@code tol}. */
    static void sameAsInterpreter(Graph g, Map<String, float[]> in, double tol, int threads, boolean fuse) {
        Map<String, double[]> din = widened(in);
        Interpreter.Result ref = Interpreter.run(g, din);
        try (CpuExecutable ex = new CpuBackend(threads, fuse).compile(g, null)) {
            in.forEach((k, v) -> ex.buffer(k).copyFrom(v, 0));
            ex.run();
            ref.outputs().forEach((k, v) -> compare(g.name() + " output " + k, v, ex.buffer(k).toArray(), tol));
            ref.updates().forEach((k, v) -> compare(g.name() + " update " + k, v, ex.buffer(k).toArray(), tol));
        }
    }

    static void compare(String what, double[] ref, float[] got, double tol) {
        double scale = 1e-6, worst = 0;
        int at = 0;
        for (double v : ref) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < ref.length; i++) {
            double e = Math.abs(got[i] - ref[i]);
            if (!(e <= worst)) { worst = e; at = i; }
        }
        if (!(worst / scale <= tol)) {
            fail(what + ": relative error " + worst / scale + " > " + tol + " at " + at + " (cpu " + got[at] + ", interpreter " + ref[at] + ")");
        }
    }

    private static Graph trainingStep(Network net, int batch, OptimizerSpec opt) {
        return Pipelines.training(opt).run(net.training(batch, Loss.CROSS_ENTROPY));
    }

    @Test void lenet5TrainingStepWithSgdEqualsTheInterpreter() {
        Graph g = trainingStep(Cnns.lenet5(), 2, OptimizerSpec.sgd(0.05f));
        sameAsInterpreter(g, inputs(g, 1, 10), 2e-4, 2);
    }

    @Test void lenet5TrainingStepWithAdamEqualsTheInterpreter() {
        Graph g = trainingStep(Cnns.lenet5(), 3, OptimizerSpec.adam(1e-3f));
        sameAsInterpreter(g, inputs(g, 2, 10), 2e-4, 1);
    }

    @Test void cnnWithBatchNormAndDropoutEqualsTheInterpreter() {
        Graph g = trainingStep(Cnns.cnn(), 2, OptimizerSpec.sgd(0.05f));
        assertTrue(g.nodes().stream().anyMatch(n -> n.op() == dev.smok.ir.Op.DROPOUT), "the cnn training step has dropout");
        sameAsInterpreter(g, inputs(g, 3, 10), 1e-3, 2);
    }
}
