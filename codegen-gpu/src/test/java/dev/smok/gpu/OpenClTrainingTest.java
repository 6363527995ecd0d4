package dev.smok.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.ir.Executable;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Role;
import dev.smok.ir.Tensor;
import dev.smok.ir.interp.InterpreterBackend;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

/**
 * Whole MLP training steps (SGD and Adam) and LeNet-5 training steps (Adam) on OpenCL against the interpreter: several steps on
 * fresh batches, comparing the loss and every parameter and state after each step, then a host
 * edit of a parameter between steps (the lazy host/device synchronization contract).
 */
class OpenClTrainingTest {
    @ParameterizedTest(name = "adam={0}")
    @ValueSource(booleans = {false, true})
    void trainingStepsMatchInterpreter(boolean adam) {
        DeviceAssumptions.requireOpenCl();
        checkSteps(TrainingGraphs.mlp(adam), 6);
    }

    /** LeNet-5 (convolutions, pooling and their gradients) for four Adam steps. */
    @Test
    void lenet5StepsMatchInterpreter() {
        DeviceAssumptions.requireOpenCl();
        checkSteps(TrainingGraphs.lenet5(), 4);
    }

    private static void checkSteps(Graph g, int steps) {
        try (Executable gpu = new OpenClBackend().compile(g, null);
             Executable ref = new InterpreterBackend().compile(g, null)) {
            Feeds.fillAll(g, 7, gpu, ref);
            Random r = new Random(11);
            float first = 0, last = 0;
            for (int step = 0; step < steps; step++) {
                for (Input in : g.inputs(Role.INPUT)) {
                    float[] d = Feeds.data(in, r);
                    gpu.buffer(in.name()).copyFrom(d, 0);
                    ref.buffer(in.name()).copyFrom(d, 0);
                }
                if (step == 3) {
                    // a host write to a parameter between runs must reach the device
                    String name = g.inputs(Role.PARAM).get(0).name();
                    Tensor w = gpu.buffer(name), wr = ref.buffer(name);
                    for (int i = 0; i < w.size(); i++) { w.set(i, w.get(i) * 0.5f); wr.set(i, wr.get(i) * 0.5f); }
                }
                gpu.run();
                ref.run();
                Feeds.assertClose("loss at step " + step, ref.buffer("loss"), gpu.buffer("loss"), Feeds.LOSS_ATOL, Feeds.LOSS_RTOL);
                for (Input in : g.inputs()) {
                    if (in.role() == Role.INPUT) continue;
                    Feeds.assertClose(in.name() + " after step " + step, ref.buffer(in.name()), gpu.buffer(in.name()), Feeds.STATE_ATOL, Feeds.STATE_RTOL);
                }
                assertTrue(Float.isFinite(gpu.buffer("loss").get(0)), "loss not finite at step " + step);
                if (step == 0) first = gpu.buffer("loss").get(0);
                last = gpu.buffer("loss").get(0);
            }
            assertTrue(Float.isFinite(first) && Float.isFinite(last), "loss is not finite: " + first + " -> " + last);
        }
    }
}
