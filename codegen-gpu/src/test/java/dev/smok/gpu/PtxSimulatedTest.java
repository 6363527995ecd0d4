package dev.smok.gpu;

import dev.smok.ir.Executable;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Role;
import dev.smok.ir.interp.InterpreterBackend;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Random;

/**
 * The CUDA backend's path without a GPU: the PTX it would load, run by {@link PtxSimulator}
 * through the same {@link GpuExecutable} (buffer binding, launch geometry, update swaps), against
 * the interpreter, for every per-op graph (convolutions and pooling included) and four MLP training steps. Complements
 * {@link PtxValidationTest} (ptxas accepts the text) and the H100 run (the driver executes it).
 */
class PtxSimulatedTest {
    /** The validated graphs but LeNet-5, whose training step is too slow to simulate thread by thread. */
    static List<Graph> graphs() { return PtxValidationTest.graphs().stream().filter(g -> !g.name().startsWith("lenet")).toList(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphs")
    void simulatedPtxMatchesInterpreter(Graph g) {
        ExecutionPlan plan = GraphLowering.lower(g, "cuda");
        int steps = g.name().startsWith("mlp") ? 4 : 1;
        try (Executable gpu = new GpuExecutable(g, plan, new PtxSimulator(), PtxEmitter.emit(g.name(), plan.kernels()));
             Executable ref = new InterpreterBackend().compile(g, null)) {
            Feeds.fillAll(g, 42, gpu, ref);
            Random r = new Random(3);
            for (int s = 0; s < steps; s++) {
                if (s > 0) {
                    for (Input in : g.inputs(Role.INPUT)) {
                        float[] d = Feeds.data(in, r);
                        gpu.buffer(in.name()).copyFrom(d, 0);
                        ref.buffer(in.name()).copyFrom(d, 0);
                    }
                }
                gpu.run();
                ref.run();
                for (String out : g.outputs().keySet()) {
                    Feeds.assertClose(g.name() + " output " + out + " step " + s, ref.buffer(out), gpu.buffer(out), Feeds.OP_ATOL, Feeds.OP_RTOL);
                }
                for (Input in : g.inputs()) {
                    if (in.role() != Role.INPUT) {
                        Feeds.assertClose(in.name() + " after step " + s, ref.buffer(in.name()), gpu.buffer(in.name()), Feeds.STATE_ATOL, Feeds.STATE_RTOL);
                    }
                }
            }
        }
    }
}
