package dev.smok.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Role;
import dev.smok.ir.interp.InterpreterBackend;
import dev.smok.ir.Executable;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

/**
 * Whole graphs against the interpreter: MLP inference and several consecutive training steps
 * (SGD and Adam), where the CPU backend's parameters after each step must match the
 * interpreter's. Tolerance: 1e-4 of each tensor's magnitude after 3 steps (float32 vs float64).
 */
class TrainingStepTest {
    @ParameterizedTest
    @CsvSource({"1,1", "7,1", "64,2", "17,2"})
    void inferenceMatches(int batch, int threads) {
        Graph g = TrainingGraphs.mlpForward(batch, 63, 33, 17, 10);
        Oracle.check(g, Oracle.randomInputs(g, batch, -0.5f, 0.5f, 10), 1e-5, threads);
    }

    @ParameterizedTest
    @CsvSource({"7,false,1", "15,true,1", "64,false,2", "33,true,2"})
    void trainingStepsMatch(int batch, boolean adam, int threads) {
        Graph g = TrainingGraphs.mlpTrain(batch, adam, 200, 130, 31, 10); // at batch 64 the first layer runs on 2 threads
        Map<String, float[]> init = Oracle.randomInputs(g, 42 + batch, -0.3f, 0.3f, 10);
        for (Input in : g.inputs(Role.STATE)) java.util.Arrays.fill(init.get(in.name()), 0f);
        try (CpuExecutable cpu = new CpuBackend(threads).compile(g, null);
             Executable ref = new InterpreterBackend().compile(g, null)) {
            for (var e : init.entrySet()) { cpu.buffer(e.getKey()).copyFrom(e.getValue(), 0); ref.buffer(e.getKey()).copyFrom(e.getValue(), 0); }
            Random r = new Random(batch);
            for (int step = 0; step < 3; step++) {
                float[] x = new float[cpu.buffer("x").size()], l = new float[batch];
                for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() - 0.5f;
                for (int i = 0; i < batch; i++) l[i] = r.nextInt(10);
                cpu.buffer("x").copyFrom(x, 0); ref.buffer("x").copyFrom(x, 0);
                cpu.buffer("labels").copyFrom(l, 0); ref.buffer("labels").copyFrom(l, 0);
                cpu.run();
                ref.run();
                Oracle.compare("loss step " + step, toDouble(ref.buffer("loss").toArray()), cpu.buffer("loss").toArray(), 1e-5);
                for (Input in : g.inputs()) {
                    if (in.role() == Role.INPUT) continue;
                    Oracle.compare(in.name() + " after step " + step, toDouble(ref.buffer(in.name()).toArray()),
                            cpu.buffer(in.name()).toArray(), 1e-4);
                }
            }
        }
    }

    @Test
    void trainingPlanFusesEpiloguesAndReusesMemory() {
        Graph g = TrainingGraphs.mlpTrain(64, false, 784, 512, 512, 10);
        try (CpuExecutable ex = new CpuBackend(2).compile(g, null)) {
            String plan = ex.plan();
            // forward: bias_add and relu run in the epilogue of their matmul
            assertTrue(plan.contains("epilogue") && plan.contains("bias_add") && plan.contains("relu "), plan);
            // backward: relu_grad runs in the epilogue of the input-gradient matmul
            assertTrue(plan.matches("(?s).*gemm 64x512x512 trans_b[^\\n]*\\n    epilogue[^\\n]*relu_grad.*"), plan);
            long inputs = g.inputs().stream().mapToLong(i -> i.shape().size() * 4L).sum();
            long intermediates = 0;
            for (var n : g.nodes()) intermediates += n.out().shape().size() * 4L;
            // fusion keeps values in registers and the linear scan reuses regions: well under half
            assertTrue(ex.arenaBytes() - inputs < intermediates / 2,
                    "arena " + ex.arenaBytes() + ", inputs " + inputs + ", intermediates " + intermediates);
            // every parameter update is done in place by its fused SGD loop
            assertEquals(6, plan.split("written in place", -1).length - 1, plan);
            // the compile plans the arena; the first buffer (or run) allocates it, at the planned size
            assertFalse(ex.arenaAllocated());
            assertEquals(ex.arenaBytes(), ex.buffer("x").data().length * 4L);
            assertTrue(ex.arenaAllocated());
        }
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }
}
