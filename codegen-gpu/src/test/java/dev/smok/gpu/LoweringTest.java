package dev.smok.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** Lowering decisions and errors that need no device. */
class LoweringTest {
    @Test
    void elementwiseChainIsOneKernel() {
        GraphBuilder b = new GraphBuilder("chain");
        Value x = b.input("x", Shape.of(7, 17)), y = b.input("y", Shape.of(17)), z = b.input("z", Shape.of(7, 17));
        b.output("out", b.relu(b.add(b.mul(x, y), b.tanh(z))));
        ExecutionPlan p = GraphLowering.lower(b.build(), "opencl");
        assertEquals(1, p.kernels().size(), OpenClEmitter.emit("chain", p.kernels()));
    }

    @Test
    void matmulBiasReluIsOneGemmKernel() {
        GraphBuilder b = new GraphBuilder("dense");
        Value x = b.input("x", Shape.of(5, 3));
        Value w = b.param("w", Shape.of(3, 4)), bias = b.param("b", Shape.of(4));
        b.output("out", b.relu(b.biasAdd(b.matmul(x, w), bias)));
        ExecutionPlan p = GraphLowering.lower(b.build(), "opencl");
        assertEquals(1, p.kernels().size());
        assertTrue(p.kernels().get(0).name().matches(".*matmul\\d+_bias_relu"), p.kernels().get(0).name());
    }

    @Test
    void fusedGemmRunsAfterALateBias() {
        GraphBuilder b = new GraphBuilder("late");
        Value mm = b.matmul(b.input("x", Shape.of(9, 5)), b.input("w", Shape.of(5, 7)));
        Value bias = b.relu(b.input("b", Shape.of(7)));
        b.output("out", b.biasAdd(mm, bias));
        ExecutionPlan p = GraphLowering.lower(b.build(), "opencl");
        assertEquals(1, p.kernels().size(), "relu of the bias is inlined into the GEMM epilogue");
        assertTrue(p.kernels().get(0).name().matches(".*matmul\\d+_bias"), p.kernels().get(0).name());
    }

    @Test
    void trainingStepAppliesUpdatesBySwapping() {
        Graph g = TrainingGraphs.mlp(true);
        ExecutionPlan p = GraphLowering.lower(g, "opencl");
        assertEquals(g.updates().size(), p.swaps().size());
        for (var k : p.kernels()) assertTrue(!k.name().contains("copy"), "unexpected copy kernel " + k.name());
    }

    @Test
    void dumpsOpenClAndPtxEvenWithoutCuda(@TempDir Path dir) throws Exception {
        Graph g = TrainingGraphs.mlp(false);
        try {
            new CudaBackend().compile(g, dir).close();
        } catch (GpuException e) {
            assertTrue(e.getMessage().contains("libcuda.so.1") || e.getMessage().contains("CUDA"), e.getMessage());
            System.out.println("[codegen-gpu] cuda backend unavailable here, as expected without a GPU: " + e.getMessage());
        }
        assertTrue(Files.readString(dir.resolve("mlp_sgd.cl")).contains("__kernel"));
        assertTrue(Files.readString(dir.resolve("mlp_sgd.ptx")).contains(".entry"));
        assertTrue(Files.readString(dir.resolve("mlp_sgd.ir")).contains("softmax_xent"));
    }

    @Test
    void missingLibraryIsAClearError() {
        GpuException e = assertThrows(GpuException.class, () -> NativeLibrary.open("libsmok-no-such-lib.so.1", "install the thing"));
        assertTrue(e.getMessage().contains("libsmok-no-such-lib.so.1") && e.getMessage().contains("install the thing"), e.getMessage());
    }
}
