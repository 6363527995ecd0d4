package dev.smok.bench;

import dev.smok.cpu.CpuBackend;
import dev.smok.cpu.CpuExecutable;
import dev.smok.ir.Executable;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Input;
import dev.smok.ir.Shape;
import dev.smok.ir.Tensor;

import java.util.Random;

/** Graphs and inputs shared by the benchmarks and the comparison harnesses. */
public final class BenchSupport {
    private BenchSupport() {}

    /** A graph computing one product c = a · b of shapes [m,k] · [k,n]. */
    public static Graph gemm(int m, int n, int k) {
        GraphBuilder b = new GraphBuilder("gemm_" + m + "x" + n + "x" + k);
        b.output("c", b.matmul(b.input("a", Shape.of(m, k)), b.param("b", Shape.of(k, n))));
        return b.build();
    }

    /** Fills every input, parameter and state with small random values (labels with classes 0..9). */
    public static void fill(Executable ex, long seed) {
        Random r = new Random(seed);
        for (Input in : ex.graph().inputs()) {
            Tensor t = ex.buffer(in.name());
            boolean labels = in.value().dtype() == dev.smok.ir.DType.I32;
            boolean counter = in.name().equals("step");
            for (int i = 0; i < t.size(); i++) {
                t.set(i, labels ? r.nextInt(10) : counter ? 0f : (r.nextFloat() - 0.5f) * 0.1f);
            }
        }
    }

    /** Compiles on the CPU backend with {@code threads} threads and fills the inputs. */
    public static CpuExecutable compile(Graph g, int threads) {
        CpuExecutable ex = new CpuBackend(threads).compile(g, null);
        fill(ex, 1);
        return ex;
    }

    /** Parses "MxNxK". */
    public static int[] parseShape(String s) {
        String[] p = s.split("x");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
    }

    /**
     * Median seconds per run over {@code reps} timed batches after warming up for
     * {@code warmupSeconds}; each batch runs enough iterations to last about 50 ms.
     */
    public static double secondsPerRun(Runnable run, double warmupSeconds, int reps) {
        long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
        int iters = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() < end) { run.run(); iters++; }
        double per = (System.nanoTime() - t0) / 1e9 / Math.max(iters, 1);
        int batch = (int) Math.max(1, Math.min(100_000, 0.05 / per));
        double[] samples = new double[reps];
        for (int r = 0; r < reps; r++) {
            long s = System.nanoTime();
            for (int i = 0; i < batch; i++) run.run();
            samples[r] = (System.nanoTime() - s) / 1e9 / batch;
        }
        java.util.Arrays.sort(samples);
        return samples[reps / 2];
    }
}
