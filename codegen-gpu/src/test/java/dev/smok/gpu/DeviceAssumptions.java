package dev.smok.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Skips device tests with a printed reason when OpenCL or ptxas is absent, unless the
 * environment demands them ({@code SMOK_REQUIRE_OPENCL=1}, {@code SMOK_REQUIRE_PTXAS=1}; CI sets
 * both), in which case their absence fails the test.
 */
final class DeviceAssumptions {
    private DeviceAssumptions() {}

    private static Boolean openCl;
    private static String openClWhy = "";

    static synchronized void requireOpenCl() {
        if (openCl == null) {
            try (OpenClRuntime r = new OpenClRuntime()) {
                System.out.println("[codegen-gpu] OpenCL device: " + r.describe());
                openCl = true;
            } catch (GpuException e) {
                openCl = false;
                openClWhy = e.getMessage();
            }
        }
        if (!openCl) {
            if ("1".equals(System.getenv("SMOK_REQUIRE_OPENCL"))) throw new AssertionError("OpenCL required but unavailable: " + openClWhy);
            System.out.println("[codegen-gpu] skipping OpenCL test: " + openClWhy);
            assumeTrue(false, openClWhy);
        }
    }

    /** The ptxas executable ($PTXAS, /usr/local/bin/ptxas, /usr/local/cuda/bin/ptxas), or a skip. */
    static Path ptxas() {
        String env = System.getenv("PTXAS");
        for (String p : new String[] {env, "/usr/local/bin/ptxas", "/usr/local/cuda/bin/ptxas"}) {
            if (p != null && Files.isExecutable(Path.of(p))) return Path.of(p);
        }
        String why = "ptxas not found (set PTXAS or install the CUDA toolkit); PTX is not validated";
        if ("1".equals(System.getenv("SMOK_REQUIRE_PTXAS"))) throw new AssertionError(why);
        System.out.println("[codegen-gpu] skipping: " + why);
        assumeTrue(false, why);
        return null;
    }
}
