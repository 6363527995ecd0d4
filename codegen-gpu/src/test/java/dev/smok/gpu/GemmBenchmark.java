package dev.smok.gpu;

import dev.smok.gpu.KernelIr.Kernel;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Shape;

import java.util.Random;

/**
 * Times the generated GEMM kernel alone (no host copies) for an n x n x n float32 product and
 * checks sampled entries against float64 dot products. For {@code gpu/run-on-h100.sh}, next to
 * PyTorch with TF32 off.
 *
 * <p>Usage: {@code GemmBenchmark [cuda|opencl] [n] [iterations]}
 */
public final class GemmBenchmark {
    private GemmBenchmark() {}

    public static void main(String[] args) {
        boolean cuda = args.length == 0 || !args[0].equals("opencl");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        int iters = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        GraphBuilder b = new GraphBuilder("gemm" + n);
        b.output("c", b.matmul(b.param("a", Shape.of(n, n)), b.param("b", Shape.of(n, n))));
        Graph g = b.build();
        ExecutionPlan plan = GraphLowering.lower(g, cuda ? "cuda" : "opencl");
        if (plan.kernels().size() != 1) throw new IllegalStateException("expected one GEMM kernel, got " + plan.kernels().size());
        Kernel k = plan.kernels().get(0);
        try (DeviceRuntime dev = cuda ? new CudaRuntime() : new OpenClRuntime()) {
            String src = cuda ? PtxEmitter.emit(g.name(), plan.kernels()) : OpenClEmitter.emit(g.name(), plan.kernels());
            long kernel = dev.build(src, plan.kernels())[0];
            long[] slots = new long[plan.slotSizes().length];
            for (int s = 0; s < slots.length; s++) slots[s] = dev.alloc(plan.slotSizes()[s]);
            Random r = new Random(1);
            float[] a = new float[n * n], bm = new float[n * n];
            for (int i = 0; i < a.length; i++) { a[i] = 2 * r.nextFloat() - 1; bm[i] = 2 * r.nextFloat() - 1; }
            dev.upload(slots[plan.inputSlots().get("a")], a, 0, a.length);
            dev.upload(slots[plan.inputSlots().get("b")], bm, 0, bm.length);
            long[] argv = new long[plan.launches().get(0).slots().length];
            for (int p = 0; p < argv.length; p++) argv[p] = slots[plan.launches().get(0).slots()[p]];
            dev.launch(kernel, k, argv);
            dev.finish();
            long t0 = System.nanoTime();
            for (int it = 0; it < iters; it++) dev.launch(kernel, k, argv);
            dev.finish();
            double sec = (System.nanoTime() - t0) / 1e9 / iters;
            float[] c = new float[n * n];
            dev.download(slots[plan.outputSlots().get("c")], c, 0, c.length);
            double worst = 0;
            for (int s = 0; s < 64; s++) {
                int i = r.nextInt(n), j = r.nextInt(n);
                double ref = 0;
                for (int p = 0; p < n; p++) ref += (double) a[i * n + p] * bm[p * n + j];
                worst = Math.max(worst, Math.abs(ref - c[i * n + j]) / Math.sqrt(n));
            }
            System.out.printf("smok %s gemm %d^3 fp32: %.3f ms, %.2f TFLOP/s, max sampled error/sqrt(n) %.2e on %s%n",
                    cuda ? "cuda" : "opencl", n, sec * 1e3, 2.0 * n * n * n / sec / 1e12, worst, dev.describe());
            if (worst > 1e-4) {
                System.out.println("GEMM result is WRONG");
                System.exit(1);
            }
        }
    }
}
