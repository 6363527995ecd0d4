package dev.smok.cpu;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * A quick throughput check of the GEMM microkernel alone (no JMH, asserts nothing): GFLOP/s of
 * {@link GemmKernel}'s MR x NR microkernel running down an MC x KC block of packed A (in L2) against
 * one KC x NR panel of packed B (in L1), the way the blocked loop nest calls it. Timed in thread
 * CPU time (time spent waiting for a core on a loaded machine is left out), in rounds of 0.25 s;
 * prints the median and the best of the rounds after the first three (C2 warm-up). Compare with
 * {@code dev.smok.bench.FmaPeak}. Run after {@code mvn -pl ir,codegen-cpu -am test-compile}:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp ir/target/classes:codegen-cpu/target/classes:codegen-cpu/target/test-classes \
 *      dev.smok.cpu.MicrokernelThroughput [rounds]
 * </pre>
 */
public final class MicrokernelThroughput {
    private MicrokernelThroughput() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int mr = GemmKernel.MR, nr = GemmKernel.NR, kc = GemmKernel.KC, mc = GemmKernel.MC;
        float[] pa = new float[mc * kc], pb = new float[kc * nr], c = new float[mc * nr];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < pa.length; i++) pa[i] = r.nextFloat() * 1e-3f;
        for (int i = 0; i < pb.length; i++) pb[i] = r.nextFloat() * 1e-3f;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] gflops = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long flops = 0, t0 = mx.getCurrentThreadCpuTime(), t;
            do {
                for (int ir = 0; ir < mc; ir += mr) {
                    if (GemmKernel.NV == 4) GemmKernel.kernel6x4v(pa, ir * kc, pb, 0, kc, c, ir * nr, nr, false);
                    else GemmKernel.kernel6x2v(pa, ir * kc, pb, 0, kc, c, ir * nr, nr, false);
                }
                flops += 2L * mc * nr * kc;
            } while ((t = mx.getCurrentThreadCpuTime()) - t0 < 250_000_000L);
            gflops[round] = flops / ((t - t0) * 1e-9) / 1e9;
        }
        double[] steady = Arrays.copyOfRange(gflops, Math.min(3, rounds - 1), rounds);
        Arrays.sort(steady);
        System.out.printf("microkernel %dx%d (KC %d, MC %d): median %.1f GFLOP/s, best %.1f (thread CPU time, %d rounds)%n",
                mr, nr, kc, mc, steady[steady.length / 2], steady[steady.length - 1], steady.length);
    }
}
