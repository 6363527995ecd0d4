package dev.smok.cpu.conv;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A quick throughput check (no JMH, asserts nothing): GFLOP/s of the 3×3 convolution of a batch
 * of 32 images, 64 → 64 channels, 56×56, padding 1, forward and both gradients, on two threads
 * of a fixed pool driving {@link ParallelFor}. Run after {@code mvn -pl ir,codegen-cpu -am test-compile}:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp ir/target/classes:codegen-cpu/target/classes:codegen-cpu/target/test-classes \
 *      dev.smok.cpu.conv.ConvThroughput [threads] [seconds per kernel]
 * </pre>
 */
public final class ConvThroughput {
    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        ConvGeometry g = ConvGeometry.square(32, 64, 56, 64, 3, 1, 1);
        float[] x = Oracle.random(g.inputSize(), 1), w = Oracle.random(g.weightSize(), 2), b = Oracle.random(g.o(), 3);
        float[] y = new float[g.outputSize()], dx = new float[g.inputSize()], dw = new float[g.weightSize()];
        float[] scratch = new float[threads * Conv2dKernels.scratchPerThread(g)];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ParallelFor pf = (tasks, body) -> {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < tasks; t++) { int task = t; fs.add(pool.submit(() -> body.accept(task))); }
            for (Future<?> f : fs) {
                try { f.get(); } catch (Exception e) { throw new RuntimeException(e); }
            }
        };
        System.out.printf("%s, %d threads, %d-lane vectors, %.2f GFLOP per pass%n", g, threads, DirectConv.L, 2e-9 * g.macs());
        measure("forward", g, seconds, () -> Conv2dKernels.forward(g, x, 0, w, 0, ConvEpilogue.bias(b), y, 0, scratch, 0, pf, threads));
        measure("input grad", g, seconds, () -> Conv2dKernels.inputGrad(g, y, 0, w, 0, dx, 0, scratch, 0, pf, threads));
        measure("weight grad", g, seconds, () -> Conv2dKernels.weightGrad(g, x, 0, y, 0, dw, 0, scratch, 0, pf, threads));
        pool.shutdown();
    }

    private static void measure(String what, ConvGeometry g, double seconds, Runnable r) {
        for (int i = 0; i < 3; i++) r.run(); // warm-up and JIT
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        double best = Double.MAX_VALUE, total = 0;
        int runs = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end || runs < 3) {
            long t0 = System.nanoTime();
            r.run();
            double dt = (System.nanoTime() - t0) * 1e-9;
            best = Math.min(best, dt);
            total += dt;
            runs++;
        }
        double cpu = (os.getProcessCpuTime() - cpu0) * 1e-9;
        double flop = 2.0 * g.macs();
        // on a shared machine the wall-clock rate understates the kernel; the CPU-time rate
        // (FLOP per second of CPU this process got, all threads) shows what each core achieves
        System.out.printf("%-12s best %7.2f ms  %6.1f GFLOP/s   mean %7.2f ms  %6.1f GFLOP/s  (%d runs)  %6.1f GFLOP per CPU-second%n",
                what, best * 1e3, flop / best * 1e-9, total / runs * 1e3, flop / (total / runs) * 1e-9, runs, flop * runs / cpu * 1e-9);
    }
}
