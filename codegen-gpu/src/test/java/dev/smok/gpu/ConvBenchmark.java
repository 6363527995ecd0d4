package dev.smok.gpu;

import dev.smok.gpu.KernelIr.Kernel;
import dev.smok.ir.Attrs;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.Random;

/**
 * Times the generated convolution kernels on a device, kernel by kernel (no host copies): a
 * 3x3 conv layer (forward, input gradient, weight gradient) and LeNet-5's training step (every
 * kernel of {@link TrainingGraphs#lenet5} at the same batch). Data is random; correctness is
 * {@link GpuSelfCheck}'s job. For {@code gpu/torch_conv.py}, which times the same in PyTorch.
 *
 * <p>Usage: {@code ConvBenchmark [cuda|opencl] [batch] [channels] [size] [iterations]}
 */
public final class ConvBenchmark {
    private ConvBenchmark() {}

    public static void main(String[] args) {
        boolean cuda = args.length == 0 || !args[0].equals("opencl");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int c = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int hw = args.length > 3 ? Integer.parseInt(args[3]) : 14;
        int iters = args.length > 4 ? Integer.parseInt(args[4]) : 20;
        GraphBuilder b = new GraphBuilder("conv" + c);
        Attrs a = Attrs.of("padding", new int[] {1, 1});
        Value x = b.input("x", Shape.of(n, c, hw, hw)), w = b.param("w", Shape.of(c, c, 3, 3)), g = b.input("g", Shape.of(n, c, hw, hw));
        b.output("y", b.op(Op.CONV2D, a, x, w));
        b.output("dx", b.op(Op.CONV2D_INPUT_GRAD, a.with("input_size", new int[] {hw, hw}), g, w));
        b.output("dw", b.op(Op.CONV2D_WEIGHT_GRAD, a.with("kernel", new int[] {3, 3}), x, g));
        double flops = 2.0 * n * c * hw * hw * c * 9;
        System.out.printf("conv %dx%dx%dx%d, %dx%d 3x3 pad 1: %.2f GFLOP per pass%n", n, c, hw, hw, c, c, flops / 1e9);
        time(b.build(), cuda, iters, flops);
        System.out.printf("LeNet-5 training step (Adam), batch %d:%n", n);
        time(TrainingGraphs.lenet5(n), cuda, iters, 0);
    }

    /** Runs every kernel of g's plan once in order, then times each alone and the whole sequence. */
    private static void time(Graph g, boolean cuda, int iters, double flopsPerConv) {
        ExecutionPlan plan = GraphLowering.lower(g, cuda ? "cuda" : "opencl");
        try (DeviceRuntime dev = cuda ? new CudaRuntime() : new OpenClRuntime()) {
            String src = cuda ? PtxEmitter.emit(g.name(), plan.kernels()) : OpenClEmitter.emit(g.name(), plan.kernels());
            long[] kernels = dev.build(src, plan.kernels());
            long[] slots = new long[plan.slotSizes().length];
            Random r = new Random(1);
            for (int s = 0; s < slots.length; s++) {
                slots[s] = dev.alloc(plan.slotSizes()[s]);
                float[] d = new float[plan.slotSizes()[s]];
                for (int i = 0; i < d.length; i++) d[i] = (r.nextFloat() - 0.5f) * 0.1f;
                dev.upload(slots[s], d, 0, d.length);
            }
            long[][] argv = new long[kernels.length][];
            for (int k = 0; k < kernels.length; k++) {
                int[] l = plan.launches().get(k).slots(); // these graphs have no scan: one launch per kernel, in order
                argv[k] = new long[l.length];
                for (int p = 0; p < l.length; p++) argv[k][p] = slots[l[p]];
            }
            for (int k = 0; k < kernels.length; k++) dev.launch(kernels[k], plan.kernels().get(k), argv[k]);
            dev.finish();
            for (int k = 0; k < kernels.length; k++) {
                Kernel kernel = plan.kernels().get(k);
                long t0 = System.nanoTime();
                for (int it = 0; it < iters; it++) dev.launch(kernels[k], kernel, argv[k]);
                dev.finish();
                double ms = (System.nanoTime() - t0) / 1e6 / iters;
                boolean conv = flopsPerConv > 0 && kernel.name().contains("conv2d") && !kernel.name().endsWith("_sum");
                System.out.printf("  %-40s %8.3f ms%s%n", kernel.name(), ms, conv ? String.format("  %7.2f TFLOP/s", flopsPerConv / ms / 1e9) : "");
            }
            long t0 = System.nanoTime();
            for (int it = 0; it < iters; it++) {
                for (int k = 0; k < kernels.length; k++) dev.launch(kernels[k], plan.kernels().get(k), argv[k]);
            }
            dev.finish();
            System.out.printf("  all %d kernels in order: %.3f ms on %s%n", kernels.length, (System.nanoTime() - t0) / 1e6 / iters, dev.describe());
        }
    }
}
