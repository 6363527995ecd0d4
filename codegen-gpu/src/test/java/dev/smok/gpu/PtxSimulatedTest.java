package dev.smok.gpu;

import dev.smok.ir.Executable;
import dev.smok.ir.Graph;
import dev.smok.ir.interp.InterpreterBackend;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

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
            Feeds.assertStepsMatch(g, gpu, ref, steps, 3);
        }
    }
}
