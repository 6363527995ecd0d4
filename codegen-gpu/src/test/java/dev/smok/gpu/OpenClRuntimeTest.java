package dev.smok.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.gpu.KernelIr.Kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;

/** The OpenCL binding itself: copies round-trip, dumps, and a bad kernel reports the error name and log. */
class OpenClRuntimeTest {
    @Test
    void uploadDownloadRoundTrip() {
        DeviceAssumptions.requireOpenCl();
        try (OpenClRuntime rt = new OpenClRuntime()) {
            float[] data = {1, -2.5f, 3e-7f, Float.MAX_VALUE, 0, 7};
            long buf = rt.alloc(data.length);
            rt.upload(buf, data, 0, data.length);
            float[] back = new float[data.length + 2];
            rt.download(buf, back, 2, data.length);
            float[] expected = new float[back.length];
            System.arraycopy(data, 0, expected, 2, data.length);
            assertArrayEquals(expected, back);
        }
    }

    @Test
    void compileDumpsIrOpenClAndPtx(@TempDir Path dir) throws Exception {
        DeviceAssumptions.requireOpenCl();
        try (var exe = new OpenClBackend().compile(TrainingGraphs.mlp(true), dir)) {
            assertTrue(exe.graph().name().equals("mlp_adam"));
            assertTrue(Files.readString(dir.resolve("mlp_adam.cl")).contains("__kernel"));
            assertTrue(Files.readString(dir.resolve("mlp_adam.ptx")).contains(".entry"));
            assertTrue(Files.readString(dir.resolve("mlp_adam.ir")).contains("adam_update"));
        }
    }

    @Test
    void buildFailureNamesTheErrorAndShowsTheLog() {
        DeviceAssumptions.requireOpenCl();
        Kernel k = new Kernel("broken", 0, List.of(), List.of(), 1, 1, 1, 1);
        try (OpenClRuntime rt = new OpenClRuntime()) {
            GpuException e = assertThrows(GpuException.class,
                    () -> rt.build("__kernel void broken() { undeclared_variable = 1; }", List.of(k)));
            assertTrue(e.getMessage().contains("CL_BUILD_PROGRAM_FAILURE"), e.getMessage());
            assertTrue(e.getMessage().contains("undeclared_variable"), "no build log in: " + e.getMessage());
        }
    }
}
