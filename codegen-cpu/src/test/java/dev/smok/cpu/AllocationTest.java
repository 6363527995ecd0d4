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
 * the interpreter), so the test warms up in windows of runs until a window allocates nothing; it
 * fails if that never happens within the warm-up budget (on a loaded 2-core machine C2 can take
 * a minute to compile everything).
 */
class AllocationTest {
    static final int WINDOW = 100, MAX_WINDOWS = 600;

    @ParameterizedTest
    @CsvSource({"false,1,16", "true,2,64"}) // batch 64 at 2 threads: the products run on the worker too
    void steadyStateRunAllocatesNothing(boolean adam, int threads, int batch) {
        Graph g = TrainingGraphs.mlpTrain(batch, adam, 160, 112, 10);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (CpuExecutable ex = new CpuBackend(threads).compile(g, null)) {
            Map<String, float[]> in = Oracle.randomInputs(g, 1, -0.1f, 0.1f, 10);
            in.forEach((k, v) -> ex.buffer(k).copyFrom(v, 0));
            long[] workers = ex.workerThreadIds();
            long caller = -1, pool = -1;
            for (int w = 0; w < MAX_WINDOWS; w++) {
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
            assertEquals(0, caller, "bytes allocated by the calling thread in " + WINDOW + " steady-state runs");
            assertEquals(0, pool, "bytes allocated by worker threads in " + WINDOW + " steady-state runs");
        }
    }
}
