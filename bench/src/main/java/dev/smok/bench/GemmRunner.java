package dev.smok.bench;

import dev.smok.cpu.CpuExecutable;

/**
 * Times Smok's generated GEMM on shapes given as MxNxK arguments and prints one line per shape:
 * {@code smok MxNxK <GFLOP/s>}. Options: {@code --threads T} (default 2), {@code --warmup S}
 * seconds per shape (default 3), {@code --cpu-time} (with {@code --threads 1} only: time the
 * calling thread's CPU time instead of the wall clock, so that on a loaded machine the time the
 * thread waited for a core is left out; cache contention from other processes is not). Used by
 * {@code bench/gemm-vs-numpy.sh}.
 */
public final class GemmRunner {
    private GemmRunner() {}

    public static void main(String[] args) {
        int threads = 2;
        double warmup = 3;
        boolean cpuTime = false;
        java.util.List<String> shapes = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--cpu-time" -> cpuTime = true;
                default -> shapes.add(args[i]);
            }
        }
        if (cpuTime && threads != 1) {
            throw new IllegalArgumentException("--cpu-time times the calling thread only; add --threads 1 (got --threads " + threads + ")");
        }
        for (String shape : shapes) {
            int[] s = BenchSupport.parseShape(shape);
            try (CpuExecutable ex = BenchSupport.compile(BenchSupport.gemm(s[0], s[1], s[2]), threads)) {
                double sec = cpuTime ? cpuSecondsPerRun(ex, warmup, 7) : BenchSupport.secondsPerRun(ex::run, warmup, 7);
                System.out.printf("smok %s %.1f%n", shape, 2.0 * s[0] * s[1] * s[2] / sec / 1e9);
            }
        }
    }

    /** Median CPU seconds of the calling thread per run over {@code reps} batches of about 150 ms each, after a warm-up. */
    static double cpuSecondsPerRun(CpuExecutable ex, double warmupSeconds, int reps) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
        while (System.nanoTime() < end) ex.run();
        double[] samples = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = mx.getCurrentThreadCpuTime(), t;
            int runs = 0;
            do {
                ex.run();
                runs++;
            } while ((t = mx.getCurrentThreadCpuTime()) - t0 < 150_000_000L);
            samples[r] = (t - t0) / 1e9 / runs;
        }
        java.util.Arrays.sort(samples);
        return samples[reps / 2];
    }
}
