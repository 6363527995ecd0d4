package dev.smok.gpu;

import dev.smok.ir.Executable;
import dev.smok.ir.Op;
import dev.smok.ir.interp.InterpreterBackend;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every op on OpenCL (PoCL in CI) against the reference interpreter, at ragged shapes. */
class OpenClOpsTest {
    static List<OpGraphs.Case> cases() { return OpGraphs.all(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesInterpreter(OpGraphs.Case c) {
        DeviceAssumptions.requireOpenCl();
        try (Executable gpu = new OpenClBackend().compile(c.graph(), null);
             Executable ref = new InterpreterBackend().compile(c.graph(), null)) {
            Feeds.fillAll(c.graph(), 42, gpu, ref);
            gpu.run();
            ref.run();
            for (String out : c.graph().outputs().keySet()) {
                Feeds.assertClose(c.graph().name() + " output " + out, ref.buffer(out), gpu.buffer(out), Feeds.OP_ATOL, Feeds.OP_RTOL);
            }
        }
    }

    /**
     * Every op of the IR compiles on the GPU backends and has a per-op graph here (so it is
     * compared with the interpreter on PoCL and in the PTX simulator, and assembled by ptxas).
     * No op is exempt: every op can reach a backend.
     */
    @Test
    void everyOpIsSupportedAndHasAGraph() {
        Set<Op> untested = EnumSet.noneOf(Op.class), unsupported = EnumSet.noneOf(Op.class);
        for (Op op : Op.values()) {
            if (!GraphLowering.supports(op)) unsupported.add(op);
            else if (!OpGraphs.covered().contains(op)) untested.add(op);
        }
        assertTrue(unsupported.isEmpty(), "ops the GPU backends do not compile: " + unsupported
                + "; add a lowering to GraphLowering (PointwiseOps or a *Templates class)");
        assertTrue(untested.isEmpty(), "supported ops without a per-op test graph: " + untested);
    }
}
