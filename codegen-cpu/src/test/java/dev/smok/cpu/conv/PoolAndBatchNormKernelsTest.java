package dev.smok.cpu.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smok.ir.Attrs;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;

import org.junit.jupiter.api.Test;

/**
 * Pooling and batch-norm kernels against the reference interpreter, on odd shapes: stride 2
 * with padding, windows larger than the stride (overlapping gradients), non-square windows,
 * widths that leave vector tails, channel counts that are not multiples of 16, batch 1, and
 * average pooling with and without counting the padding.
 */
class PoolAndBatchNormKernelsTest {
    static final PoolGeometry[] POOLS = {
        PoolGeometry.square(2, 3, 8, 2, 2, 0),
        new PoolGeometry(1, 17, 11, 13, 3, 3, 2, 2, 1, 1, true),
        new PoolGeometry(2, 5, 9, 21, 3, 2, 1, 2, 1, 1, true),
        new PoolGeometry(1, 4, 7, 19, 3, 3, 2, 1, 1, 1, false),
        new PoolGeometry(2, 2, 5, 5, 5, 5, 1, 1, 2, 2, false),
    };

    static final int OFF = 3;

    private static float[] atOffset(float[] a) {
        float[] r = new float[a.length + 2 * OFF];
        System.arraycopy(a, 0, r, OFF, a.length);
        return r;
    }

    private static Attrs attrs(PoolGeometry g) {
        return Attrs.of("kernel", new int[] {g.kh(), g.kw()}, "stride", new int[] {g.strideH(), g.strideW()},
                "padding", new int[] {g.padH(), g.padW()}, "count_include_pad", g.countIncludePad());
    }

    private static Shape in(PoolGeometry g) { return Shape.of(g.n(), g.c(), g.h(), g.w()); }
    private static Shape out(PoolGeometry g) { return Shape.of(g.n(), g.c(), g.outH(), g.outW()); }

    @Test void poolingForwardAndBackward() {
        for (PoolGeometry g : POOLS) {
            float[] x = Oracle.random(g.inputSize(), 11), dy = Oracle.random(g.outputSize(), 12);
            for (boolean max : new boolean[] {true, false}) {
                Op op = max ? Op.MAX_POOL : Op.AVG_POOL;
                float[] y = Oracle.run(op, attrs(g), new Shape[] {in(g)}, x);
                float[] dx = max ? Oracle.run(Op.MAX_POOL_GRAD, attrs(g), new Shape[] {in(g), out(g)}, x, dy)
                        : Oracle.run(Op.AVG_POOL_GRAD, attrs(g).with("input_size", new int[] {g.h(), g.w()}), new Shape[] {out(g)}, dy);
                for (int threads : new int[] {1, 3}) {
                    float[] scratch = new float[threads * Pool2dKernels.scratchPerThread(g)];
                    java.util.Arrays.fill(scratch, Float.NaN);
                    float[] yk = new float[g.outputSize() + 2 * OFF], dxk = new float[g.inputSize() + 2 * OFF];
                    java.util.Arrays.fill(dxk, Float.NaN);
                    Pool2dKernels.forward(max, g, atOffset(x), OFF, yk, OFF, scratch, 0, ParallelFor.SERIAL, threads);
                    Oracle.assertClose(g + (max ? " max" : " avg"), y, yk, OFF, 1e-6);
                    Pool2dKernels.backward(max, g, max ? atOffset(x) : null, OFF, atOffset(dy), OFF, dxk, OFF, scratch, 0, ParallelFor.SERIAL, threads);
                    Oracle.assertClose(g + (max ? " max grad" : " avg grad"), dx, dxk, OFF, 1e-5);
                }
            }
        }
    }

    @Test void batchNormTrainingInferenceAndBackward() {
        int[][] shapes = {{3, 5, 7, 9}, {1, 17, 3, 3}, {8, 19, 1, 1}, {2, 16, 56, 56}};
        for (int[] s : shapes) {
            int n = s[0], c = s[1], inner = s[2] * s[3];
            Shape xs = Shape.of(s), cs = Shape.of(c);
            float[] x = Oracle.random(n * c * inner, 21), dy = Oracle.random(n * c * inner, 22);
            float[] gamma = Oracle.random(c, 23), beta = Oracle.random(c, 24);
            for (int i = 0; i < x.length; i++) x[i] = 3 + 2 * x[i]; // a mean and variance far from 0 and 1
            Attrs eps = Attrs.of("eps", 1e-5f);
            float[] y = Oracle.run(Op.BATCH_NORM_TRAIN, eps, new Shape[] {xs, cs, cs}, x, gamma, beta);
            float[] dx = Oracle.run(Op.BATCH_NORM_INPUT_GRAD, eps, new Shape[] {xs, cs, xs}, x, gamma, dy);
            float[] dgamma = Oracle.run(Op.BATCH_NORM_GAMMA_GRAD, eps, new Shape[] {xs, xs}, x, dy);
            float[] dbeta = Oracle.run(Op.REDUCE_SUM, Attrs.of("axes", new int[] {0, 2, 3}), new Shape[] {xs}, dy);
            for (int threads : new int[] {1, 4}) {
                float[] yk = new float[x.length + OFF], mean = new float[c], invStd = new float[c];
                BatchNormKernels.trainForward(n, c, inner, atOffset(x), OFF, gamma, 0, beta, 0, 1e-5f, yk, OFF, mean, 0, invStd, 0,
                        ParallelFor.SERIAL, threads);
                Oracle.assertClose(xs + " bn train", y, yk, OFF, 1e-4);
                float[] dxk = new float[x.length + OFF], dg = new float[c + OFF], db = new float[c];
                BatchNormKernels.backward(n, c, inner, atOffset(x), OFF, atOffset(dy), OFF, gamma, 0, mean, 0, invStd, 0,
                        dxk, OFF, dg, OFF, db, 0, ParallelFor.SERIAL, threads);
                double t = 2e-5 * Math.sqrt(n * inner);
                Oracle.assertClose(xs + " bn dx", dx, dxk, OFF, 1e-3);
                Oracle.assertClose(xs + " bn dgamma", dgamma, dg, OFF, t);
                Oracle.assertClose(xs + " bn dbeta", dbeta, db, 0, t);
                // running statistics (momentum 0.1) and inference with them
                float[] rm = new float[c], rv = new float[c];
                java.util.Arrays.fill(rv, 1f);
                BatchNormKernels.updateRunning(c, n * inner, mean, 0, invStd, 0, 1e-5f, 0.1f, rm, 0, rv, 0);
                float[] var = Oracle.run(Op.REDUCE_MEAN, Attrs.of("axes", new int[] {0, 2, 3}), new Shape[] {xs},
                        squaredDeviation(x, n, c, inner, mean));
                for (int ch = 0; ch < c; ch++) {
                    assertEquals(0.1f * mean[ch], rm[ch], 1e-5);
                    assertEquals(0.9 + 0.1 * var[ch] * (n * inner) / Math.max(1, n * inner - 1), rv[ch], 1e-4 * (1 + var[ch]));
                }
                float[] yi = Oracle.run(Op.BATCH_NORM, eps, new Shape[] {xs, cs, cs, cs, cs}, x, gamma, beta, rm, rv);
                float[] yik = new float[x.length];
                for (int th = 0; th < threads; th++) {
                    BatchNormKernels.inferenceForward(n, c, inner, x, 0, gamma, 0, beta, 0, rm, 0, rv, 0, 1e-5f, yik, 0, th, threads);
                }
                Oracle.assertClose(xs + " bn inference", yi, yik, 0, 1e-5);
            }
        }
    }

    private static float[] squaredDeviation(float[] x, int n, int c, int inner, float[] mean) {
        float[] r = new float[x.length];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < inner; i++) {
                    float d = x[(b * c + ch) * inner + i] - mean[ch];
                    r[(b * c + ch) * inner + i] = d * d;
                }
        return r;
    }
}
