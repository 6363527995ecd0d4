package dev.smok.bench;

import dev.smok.cpu.CpuBackend;
import dev.smok.cpu.CpuExecutable;
import dev.smok.ir.Executable;
import dev.smok.ir.Graph;
import dev.smok.ir.interp.InterpreterBackend;

import java.lang.management.ManagementFactory;

/**
 * Prints, in one run, the CPU backend's numbers for the goals of its issue:
 * compile time of the MLP 784-512-512-10 training graph (first compile after JVM start and a
 * warm compile), the training step at batch 64 against the reference interpreter, inference at
 * batch 1, bytes allocated per steady-state step (calling thread and workers), and GEMM GFLOP/s.
 * Args: {@code --threads T} (default 2), {@code --skip-gemm}.
 */
public final class GoalsReport {
    private GoalsReport() {}

    public static void main(String[] args) {
        int threads = 2;
        boolean gemm = true;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--threads")) threads = Integer.parseInt(args[++i]);
            if (args[i].equals("--skip-gemm")) gemm = false;
        }
        Graph train = MlpGraphs.mlpTrain(64, false, 784, 512, 512, 10);
        Graph infer = MlpGraphs.mlpForward(1, 784, 512, 512, 10);

        long t0 = System.nanoTime();
        CpuExecutable first = new CpuBackend(threads).compile(train, null);
        double coldMs = (System.nanoTime() - t0) / 1e6;
        first.close();
        double warmMs = Double.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            long s = System.nanoTime();
            new CpuBackend(threads).compile(train, null).close();
            warmMs = Math.min(warmMs, (System.nanoTime() - s) / 1e6);
        }
        System.out.printf("compile mlp 784-512-512-10 train graph: first %.1f ms, warm %.1f ms%n", coldMs, warmMs);

        try (CpuExecutable step = BenchSupport.compile(train, threads);
             CpuExecutable inf = BenchSupport.compile(infer, threads)) {
            System.out.printf("plan: training step %d kernels, arena %d bytes; inference %d kernels, arena %d bytes%n",
                    step.kernelCount(), step.arenaBytes(), inf.kernelCount(), inf.arenaBytes());
            double stepSec = BenchSupport.secondsPerRun(step::run, 8, 9);
            int warm = warmUntilAllocationFree(step, 100, 5000);
            long[] alloc = allocatedPerRun(step, 200);
            Executable ref = new InterpreterBackend().compile(train, null);
            BenchSupport.fill(ref, 1);
            ref.run();
            long s = System.nanoTime();
            int refRuns = 3;
            for (int i = 0; i < refRuns; i++) ref.run();
            double refSec = (System.nanoTime() - s) / 1e9 / refRuns;
            System.out.printf("train step batch 64: smok %.1f us, interpreter %.1f us, speed-up %.1fx%n",
                    stepSec * 1e6, refSec * 1e6, refSec / stepSec);
            System.out.printf("bytes allocated per steady-state training step: caller %d, workers %d (%s)%n", alloc[0], alloc[1],
                    warm >= 0 ? "first allocation-free window of 100 steps after " + warm + " steps"
                              : "no allocation-free window of 100 steps within 5,000: C2 has not compiled every kernel yet");
            double infSec = BenchSupport.secondsPerRun(inf::run, 5, 9);
            long[] inAlloc = allocatedPerRun(inf, 2000);
            long[] offers0 = inf.workerOfferCounts();
            double[] q = runQuantiles(inf, 20_000);
            long[] offers1 = inf.workerOfferCounts();
            System.out.printf("inference batch 1: %.1f us per run; single runs: fastest %.1f us, 10%% under %.1f us, median %.1f us; "
                    + "bytes per run: caller %d, workers %d%n", infSec * 1e6, q[0] * 1e6, q[1] * 1e6, q[2] * 1e6, inAlloc[0], inAlloc[1]);
            long offers = offers1[0] - offers0[0], missed = offers1[1] - offers0[1];
            System.out.printf("inference batch 1: the worker took %d of %d offers of parallel work (%.1f%%; the caller ran the rest alone)%n",
                    offers - missed, offers, offers == 0 ? 0 : 100.0 * (offers - missed) / offers);
        }
        if (gemm) GemmRunner.main(new String[] {"--threads", Integer.toString(threads), "1024x1024x1024", "64x784x512", "256x4096x4096"});
    }

    /**
     * {fastest, 10th percentile, median} seconds of {@code runs} single runs, timed one by one: on
     * a loaded machine the fast runs are the ones no other process interrupted.
     */
    static double[] runQuantiles(CpuExecutable ex, int runs) {
        long[] t = new long[runs];
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            ex.run();
            t[i] = System.nanoTime() - s;
        }
        java.util.Arrays.sort(t);
        return new double[] {t[0] / 1e9, t[runs / 10] / 1e9, t[runs / 2] / 1e9};
    }

    /**
     * Runs {@code ex} in windows of {@code window} runs until a window allocates no byte on any
     * thread (C2 has compiled every kernel; before that the Vector API boxes vectors), at most
     * {@code maxRuns} runs. Returns the runs of this warm-up before that window (the timing before
     * it ran more), or -1 if no window was allocation-free.
     */
    static int warmUntilAllocationFree(CpuExecutable ex, int window, int maxRuns) {
        for (int done = 0; done < maxRuns; done += window) {
            long[] a = allocatedPerRun(ex, window);
            if (a[0] == 0 && a[1] == 0) return done;
        }
        return -1;
    }

    /** {caller bytes, worker bytes} per run, over {@code runs} runs, rounded up (any byte allocated shows). */
    static long[] allocatedPerRun(CpuExecutable ex, int runs) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = ex.workerThreadIds();
        long[] w0 = mx.getThreadAllocatedBytes(ids);
        long c0 = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < runs; i++) ex.run();
        long c1 = mx.getCurrentThreadAllocatedBytes();
        long[] w1 = mx.getThreadAllocatedBytes(ids);
        long w = 0;
        for (int i = 0; i < ids.length; i++) w += w1[i] - w0[i];
        return new long[] {Math.ceilDiv(c1 - c0, runs), Math.ceilDiv(w, runs)};
    }
}
