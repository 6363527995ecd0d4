package dev.smok.cpu.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.smok.ir.Attrs;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * The vectorized convolution kernels against the reference interpreter, on shapes that exercise
 * every tile path: rows wider than a 64-column tile with tails, stride 2 with padding (column phases),
 * kernels larger than the stride, channel counts that are not multiples of 4 or 16, batch 1,
 * dilation, groups, depthwise, the 1×1 GEMM path, and the channel-tiled kernel's ragged channel
 * blocks, groups and dilated gradients. Arrays are placed at non-zero offsets.
 */
class Conv2dKernelsTest {
    static final ConvGeometry[] CASES = {
        new ConvGeometry(2, 3, 9, 70, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1),   // wide rows: 4x4 tiles + tails, 5 = 4 + 1 channels
        new ConvGeometry(1, 17, 11, 13, 18, 3, 3, 2, 2, 1, 1, 1, 1, 1), // stride 2 + padding, batch 1, 17 channels
        new ConvGeometry(2, 5, 12, 12, 7, 5, 5, 2, 2, 2, 2, 1, 1, 1),   // kernel larger than the stride
        new ConvGeometry(1, 6, 10, 9, 8, 3, 3, 1, 1, 2, 2, 2, 2, 2),    // dilation 2, groups 2
        new ConvGeometry(2, 8, 7, 7, 8, 3, 3, 1, 2, 1, 1, 1, 1, 8),     // depthwise, stride 1x2
        new ConvGeometry(3, 19, 6, 11, 9, 1, 1, 1, 1, 0, 0, 1, 1, 1),   // 1x1: GEMM over channels, 66 = 64 + 2 pixels
        new ConvGeometry(1, 24, 7, 7, 40, 1, 1, 1, 1, 0, 0, 1, 1, 1),   // 1x1, batch 1 at 7x7: one pixel block, output channels split
        new ConvGeometry(2, 8, 5, 9, 14, 1, 1, 1, 1, 0, 0, 1, 1, 2),    // 1x1 with 2 groups
        new ConvGeometry(1, 4, 5, 6, 3, 3, 2, 1, 1, 0, 3, 1, 1, 1),     // padding wider than the kernel
        new ConvGeometry(2, 16, 56, 56, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1), // the benchmark's row shape
        new ConvGeometry(1, 10, 14, 14, 20, 1, 1, 2, 2, 0, 0, 1, 1, 1), // 1x1 stride 2 (ResNet's downsampling shortcut)
        new ConvGeometry(1, 3, 23, 23, 8, 7, 7, 2, 2, 3, 3, 1, 1, 1),   // 7x7 stride 2 pad 3 (the ImageNet stem)
        new ConvGeometry(2, 4, 16, 19, 5, 3, 3, 3, 3, 2, 1, 1, 2, 1),   // stride 3, column dilation 2: taps in all three phases
        // channel-tiled kernel (16 channels in the lanes): a ragged block of 13, groups with dilation, a stride-2 input gradient
        new ConvGeometry(1, 13, 9, 20, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1),
        new ConvGeometry(2, 32, 8, 11, 32, 3, 3, 1, 1, 2, 1, 2, 1, 2),
        new ConvGeometry(1, 16, 12, 13, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1),
    };

    static final int OFF = 5;

    private static float[] atOffset(float[] a) {
        float[] r = new float[a.length + 2 * OFF];
        System.arraycopy(a, 0, r, OFF, a.length);
        return r;
    }

    private static Shape xShape(ConvGeometry g) { return Shape.of(g.n(), g.c(), g.h(), g.w()); }
    private static Shape wShape(ConvGeometry g) { return Shape.of(g.o(), g.cg(), g.kh(), g.kw()); }
    private static Shape yShape(ConvGeometry g) { return Shape.of(g.n(), g.o(), g.outH(), g.outW()); }

    private static double tol(ConvGeometry g) { return 1e-5 * Math.sqrt(g.cg() * g.kh() * g.kw() * 4.0); }

    @Test void forwardWithAndWithoutBias() {
        for (ConvGeometry g : CASES) {
            float[] x = Oracle.random(g.inputSize(), 1), w = Oracle.random(g.weightSize(), 2), bias = Oracle.random(g.o(), 3);
            float[] expect = Oracle.run(Op.CONV2D, Oracle.convAttrs(g), new Shape[] {xShape(g), wShape(g)}, x, w);
            float[] withBias = Oracle.run(Op.BIAS_ADD, Attrs.NONE, new Shape[] {yShape(g), Shape.of(g.o())}, expect, bias);
            for (int threads : new int[] {1, 3}) {
                float[] y = new float[g.outputSize() + 2 * OFF];
                float[] scratch = new float[OFF + threads * Conv2dKernels.scratchPerThread(g)];
                Conv2dKernels.forward(g, atOffset(x), OFF, atOffset(w), OFF, null, y, OFF, scratch, OFF, ParallelFor.SERIAL, threads);
                Oracle.assertClose(g + " forward", expect, y, OFF, tol(g));
                Conv2dKernels.forward(g, atOffset(x), OFF, atOffset(w), OFF, ConvEpilogue.bias(bias), y, OFF, scratch, OFF, ParallelFor.SERIAL, threads);
                Oracle.assertClose(g + " forward+bias", withBias, y, OFF, tol(g));
            }
        }
    }

    /** Scale, shift and ReLU applied by the kernel equal them applied to the interpreter's convolution. */
    @Test void forwardWithAffineReluEpilogue() {
        for (ConvGeometry g : CASES) {
            float[] x = Oracle.random(g.inputSize(), 11), w = Oracle.random(g.weightSize(), 12);
            float[] scale = Oracle.random(g.o(), 13), shift = Oracle.random(g.o(), 14);
            float[] conv = Oracle.run(Op.CONV2D, Oracle.convAttrs(g), new Shape[] {xShape(g), wShape(g)}, x, w);
            int plane = g.outH() * g.outW();
            float[] expect = new float[conv.length], expectNoRelu = new float[conv.length];
            for (int i = 0; i < conv.length; i++) {
                int oc = i / plane % g.o();
                expectNoRelu[i] = (float) ((double) conv[i] * scale[oc] + shift[oc]);
                expect[i] = Math.max(expectNoRelu[i], 0f);
            }
            for (int threads : new int[] {1, 2}) {
                float[] y = new float[g.outputSize() + 2 * OFF];
                float[] scratch = new float[threads * Conv2dKernels.scratchPerThread(g)];
                Conv2dKernels.forward(g, atOffset(x), OFF, atOffset(w), OFF, new ConvEpilogue(scale, shift, true), y, OFF,
                        scratch, 0, ParallelFor.SERIAL, threads);
                Oracle.assertClose(g + " forward+affine+relu", expect, y, OFF, tol(g));
                Conv2dKernels.forward(g, atOffset(x), OFF, atOffset(w), OFF, new ConvEpilogue(scale, shift, false), y, OFF,
                        scratch, 0, ParallelFor.SERIAL, threads);
                Oracle.assertClose(g + " forward+affine", expectNoRelu, y, OFF, tol(g));
                // a residual of y's shape stored after y in the same array
                float[] res = Oracle.random(g.outputSize(), 15), yr = new float[OFF + 2 * g.outputSize()];
                System.arraycopy(res, 0, yr, OFF + g.outputSize(), res.length);
                Conv2dKernels.forward(g, atOffset(x), OFF, atOffset(w), OFF,
                        new ConvEpilogue(scale, shift, true, g.outputSize(), true), yr, OFF, scratch, 0, ParallelFor.SERIAL, threads);
                float[] expectRes = new float[conv.length];
                for (int i = 0; i < conv.length; i++) expectRes[i] = Math.max(expectNoRelu[i] + res[i], 0f);
                Oracle.assertClose(g + " forward+affine+residual+relu", expectRes, yr, OFF, tol(g));
            }
        }
    }

    @Test void inputGradient() {
        for (ConvGeometry g : CASES) {
            float[] dy = Oracle.random(g.outputSize(), 4), w = Oracle.random(g.weightSize(), 5);
            Attrs a = Oracle.convAttrs(g).with("input_size", new int[] {g.h(), g.w()});
            float[] expect = Oracle.run(Op.CONV2D_INPUT_GRAD, a, new Shape[] {yShape(g), wShape(g)}, dy, w);
            for (int threads : new int[] {1, 2}) {
                float[] dx = new float[g.inputSize() + 2 * OFF];
                java.util.Arrays.fill(dx, Float.NaN); // overwritten, never accumulated into
                float[] scratch = new float[threads * Conv2dKernels.scratchPerThread(g)];
                java.util.Arrays.fill(scratch, Float.NaN); // scratch contents do not matter
                Conv2dKernels.inputGrad(g, atOffset(dy), OFF, atOffset(w), OFF, dx, OFF, scratch, 0, ParallelFor.SERIAL, threads);
                Oracle.assertClose(g + " input grad", expect, dx, OFF, tol(g) * 3);
            }
        }
    }

    @Test void weightAndBiasGradients() {
        for (ConvGeometry g : CASES) {
            float[] x = Oracle.random(g.inputSize(), 6), dy = Oracle.random(g.outputSize(), 7);
            Attrs a = Oracle.convAttrs(g).with("kernel", new int[] {g.kh(), g.kw()});
            float[] expect = Oracle.run(Op.CONV2D_WEIGHT_GRAD, a, new Shape[] {xShape(g), yShape(g)}, x, dy);
            float[] expectBias = Oracle.run(Op.REDUCE_SUM, Attrs.of("axes", new int[] {0, 2, 3}), new Shape[] {yShape(g)}, dy);
            double t = 1e-5 * Math.sqrt(g.n() * g.outH() * g.outW() * 4.0);
            for (int threads : new int[] {1, 3}) {
                float[] dw = new float[g.weightSize() + 2 * OFF];
                java.util.Arrays.fill(dw, Float.NaN);
                float[] scratch = new float[threads * Conv2dKernels.scratchPerThread(g)];
                Conv2dKernels.weightGrad(g, atOffset(x), OFF, atOffset(dy), OFF, dw, OFF, scratch, 0, ParallelFor.SERIAL, threads);
                Oracle.assertClose(g + " weight grad", expect, dw, OFF, t);
                float[] db = new float[g.o() + OFF];
                for (int th = 0; th < threads; th++) Conv2dKernels.biasGrad(g, atOffset(dy), OFF, db, OFF, th, threads);
                Oracle.assertClose(g + " bias grad", expectBias, db, OFF, t);
            }
        }
    }

    @Test void twoRealThreadsGiveTheSerialResult() throws Exception {
        ConvGeometry g = CASES[1];
        float[] x = Oracle.random(g.inputSize(), 8), w = Oracle.random(g.weightSize(), 9);
        float[] serial = new float[g.outputSize()], parallel = new float[g.outputSize()];
        float[] scratch = new float[2 * Conv2dKernels.scratchPerThread(g)];
        Conv2dKernels.forward(g, x, 0, w, 0, null, serial, 0, scratch, 0, ParallelFor.SERIAL, 1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            ParallelFor pf = (tasks, body) -> {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < tasks; t++) { int task = t; fs.add(pool.submit(() -> body.accept(task))); }
                for (Future<?> f : fs) {
                    try { f.get(); } catch (Exception e) { throw new RuntimeException(e); }
                }
            };
            Conv2dKernels.forward(g, x, 0, w, 0, null, parallel, 0, scratch, 0, pf, 2);
        } finally {
            pool.shutdown();
        }
        assertArrayEquals(serial, parallel);
    }
}
