package dev.smok.gpu;

import dev.smok.ir.Executable;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;
import dev.smok.ir.interp.InterpreterBackend;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GEMM kernel at every tiling the backend may choose (or a tuning run may force with
 * {@code smok.gpu.gemmTiling}), on a ragged 257x300x37 product in all four transpose layouts:
 * the vectorized shared-memory path (4 | per) and the scalar one, on the PTX simulator always and
 * on OpenCL where a device is present. The per-op graphs only reach the small tilings.
 */
class GemmTilingTest {
    private static Graph products() {
        GraphBuilder b = new GraphBuilder("gemm_tilings");
        int m = 257, n = 300, k = 37;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Value a = b.input("a" + ta + tb, ta ? Shape.of(k, m) : Shape.of(m, k));
                Value w = b.input("b" + ta + tb, tb ? Shape.of(n, k) : Shape.of(k, n));
                b.output("c" + ta + tb, b.matmul(a, w, ta, tb));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"16x2x16", "16x4x16", "16x8x8", "16x8x16", "8x8x16"})
    void ptxSimulatorMatchesInterpreter(String tiling) {
        Graph g = products();
        check(tiling, g, () -> {
            ExecutionPlan plan = GraphLowering.lower(g, "cuda");
            return new GpuExecutable(g, plan, new PtxSimulator(), PtxEmitter.emit(g.name(), plan.kernels()));
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"16x4x16", "16x8x8"}) // the two vectorized tilings the backend picks itself; PoCL builds are slow
    void openClMatchesInterpreter(String tiling) {
        DeviceAssumptions.requireOpenCl();
        Graph g = products();
        check(tiling, g, () -> new OpenClBackend().compile(g, null));
    }

    private static void check(String tiling, Graph g, Supplier<Executable> compile) {
        System.setProperty("smok.gpu.gemmTiling", tiling);
        try (Executable gpu = compile.get(); Executable ref = new InterpreterBackend().compile(g, null)) {
            assertTrue(GraphLowering.lower(g, "cuda").kernels().stream().allMatch(k -> k.blockX() == Integer.parseInt(tiling.split("x")[0])));
            Feeds.fillAll(g, 7, gpu, ref);
            gpu.run();
            ref.run();
            for (String out : g.outputs().keySet()) {
                Feeds.assertClose(tiling + " " + out, ref.buffer(out), gpu.buffer(out), Feeds.OP_ATOL, Feeds.OP_RTOL);
            }
        } finally {
            System.clearProperty("smok.gpu.gemmTiling");
        }
    }
}
