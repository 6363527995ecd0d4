package dev.smok.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smok.ir.Graph;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * A steady-state run allocates zero bytes of Java heap, on the calling thread and on every
 * worker thread. Before C2 has compiled the kernels, the Vector API allocates (boxed vectors in
 * C1 and the interpreter), so the test warms up in windows of runs until a window allocates
 * nothing; it fails if that never happens within the warm-up budget (on a loaded 2-core machine
 * C2 can take a minute to compile everything).
 *
 * <p>The MLP 784-512-512-10 at batch 64 has fused loops of 1 and 10 elements (a constant, the
 * last bias's SGD update) that run once per step: HotSpot leaves such a loop in C1 for thousands
 * of steps, where vector code allocated 1,296 bytes per step. Its budget, 3,000 steps, is below
 * the invocations after which HotSpot compiles a once-per-step loop with C2, so the case fails
 * unless small loops are scalar ({@link FusedLoopEmitter#SCALAR_MAX_ELEMENTS}).
 */
class AllocationTest {
    static final int WINDOW = 100;

    @ParameterizedTest
    @CsvSource({
            "false,1,16,160 112 10,600",
            "true,2,64,160 112 10,600", // batch 64 at 2 threads: the products run on the worker too
            "false,2,64,784 512 512 10,30"})
    void steadyStateRunAllocatesNothing(boolean adam, int threads, int batch, String layers, int maxWindows) {
        int[] dims = java.util.Arrays.stream(layers.split(" ")).mapToInt(Integer::parseInt).toArray();
        Graph g = TrainingGraphs.mlpTrain(batch, adam, dims);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (CpuExecutable ex = new CpuBackend(threads).compile(g, null)) {
            Map<String, float[]> in = Oracle.randomInputs(g, 1, -0.1f, 0.1f, 10);
            in.forEach((k, v) -> ex.buffer(k).copyFrom(v, 0));
            long[] workers = ex.workerThreadIds();
            long caller = -1, pool = -1;
            for (int w = 0; w < maxWindows; w++) {
                long[] w0 = mx.getThreadAllocatedBytes(workers);
                long c0 = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < WINDOW; i++) ex.run();
                long c1 = mx.getCurrentThreadAllocatedBytes();
                long[] w1 = mx.getThreadAllocatedBytes(workers);
                caller = c1 - c0;
                pool = 0;
                for (int i = 0; i < workers.length; i++) pool += w1[i] - w0[i];
                if (caller == 0 && pool == 0 && w >= 3) break;
            }
            assertEquals(0, caller, "bytes allocated by the calling thread in " + WINDOW + " steady-state runs of MLP " + layers);
            assertEquals(0, pool, "bytes allocated by worker threads in " + WINDOW + " steady-state runs");
        }
    }
}
