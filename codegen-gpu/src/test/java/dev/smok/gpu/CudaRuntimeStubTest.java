package dev.smok.gpu;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.smok.gpu.KernelIr.Kernel;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CUDA driver bindings against a fake libcuda (src/test/c/fake_libcuda.c, built with gcc into
 * target/): argument order of the copies, module loading and its error log, kernel lookup, and the
 * grid, block and kernelParams that cuLaunchKernel receives. Skipped without gcc, or when a real
 * libcuda was already bound in this JVM.
 */
class CudaRuntimeStubTest {
    private static Path fake;

    @BeforeAll
    static void buildFake() throws Exception {
        Path src = Path.of("src", "test", "c", "fake_libcuda.c");
        Path dir = Files.createDirectories(Path.of("target", "fake-cuda"));
        fake = dir.resolve("libcuda.so.1").toAbsolutePath();
        Process p = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O1", "-o", fake.toString(), src.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            System.out.println("[codegen-gpu] skipping fake-libcuda tests, gcc failed: " + log);
            fake = null;
        }
        if (fake != null) System.setProperty(CudaRuntime.LIBRARY_PROPERTY, fake.toString());
    }

    private static CudaRuntime runtime() {
        assumeTrue(fake != null, "gcc not available to build the fake libcuda");
        CudaRuntime rt = new CudaRuntime();
        assumeTrue(rt.describe().contains("Fake CUDA device"), "a real libcuda is bound in this JVM: " + rt.describe());
        return rt;
    }

    @Test
    void copiesRoundTrip() {
        try (CudaRuntime rt = runtime()) {
            float[] data = {1, 2, 3, -4.5f, 5e-8f};
            long buf = rt.alloc(data.length);
            rt.upload(buf, data, 1, 4);
            float[] back = new float[6];
            rt.download(buf, back, 2, 4);
            assertArrayEquals(new float[] {0, 0, 2, 3, -4.5f, 5e-8f}, back);
        }
    }

    @Test
    void launchPassesGeometryAndBufferPointers() throws Throwable {
        try (CudaRuntime rt = runtime()) {
            var g = TrainingGraphs.mlp(false);
            ExecutionPlan plan = GraphLowering.lower(g, "cuda");
            long[] handles = rt.build(PtxEmitter.emit(g.name(), plan.kernels()), plan.kernels());
            assertEquals(plan.kernels().size(), handles.length);
            Kernel k = plan.kernels().get(0);
            assertTrue(k.params() >= 3, k.name());
            long[] bufs = new long[k.params()];
            for (int i = 0; i < bufs.length; i++) bufs[i] = rt.alloc(16);
            var lib = NativeLibrary.open(fake.toString(), "");
            MethodHandle launches = lib.function("fake_launches", FunctionDescriptor.of(JAVA_INT));
            MethodHandle geometry = lib.function("fake_last_geometry", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            MethodHandle param = lib.function("fake_last_param", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
            int before = (int) launches.invokeExact();
            rt.launch(handles[0], k, bufs);
            rt.finish();
            assertEquals(before + 1, (int) launches.invokeExact());
            int[] expected = {k.groupsX(), k.groupsY(), 1, k.blockX(), k.blockY(), 1};
            for (int i = 0; i < 6; i++) assertEquals(expected[i], (int) geometry.invokeExact(i), "geometry " + i);
            for (int i = 0; i < 3; i++) assertEquals(bufs[i], (long) param.invokeExact(i), "kernel parameter " + i);
        }
    }

    /** The whole CUDA executable path (no kernel runs on the fake, so values are not checked). */
    @Test
    void trainingExecutableRunsThroughTheDriverBindings() {
        runtime().close();
        try (var exe = new CudaBackend().compile(TrainingGraphs.mlp(true), null)) {
            Feeds.fillAll(exe.graph(), 1, exe);
            for (int step = 0; step < 3; step++) exe.run();
            assertEquals(TrainingGraphs.D * TrainingGraphs.H, exe.buffer("w1").size());
        }
    }

    @Test
    void rejectedModuleReportsErrorNameAndJitLog() {
        try (CudaRuntime rt = runtime()) {
            GpuException e = assertThrows(GpuException.class, () -> rt.build("// empty module", List.of()));
            assertTrue(e.getMessage().contains("CUDA_ERROR_INVALID_PTX") && e.getMessage().contains("no .entry"), e.getMessage());
        }
    }
}
