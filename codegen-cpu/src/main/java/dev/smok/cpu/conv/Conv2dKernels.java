package dev.smok.cpu.conv;

import static dev.smok.cpu.conv.DirectConv.L;
import static dev.smok.cpu.conv.DirectConv.OB;
import static dev.smok.cpu.conv.DirectConv.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Vectorized float32 kernels of 2-D convolution (NCHW) and its gradients, with the semantics
 * of the IR ops conv2d, conv2d_input_grad and conv2d_weight_grad (and bias_add's gradient).
 *
 * <p>Contract shared by every method: tensors are row-major float arrays addressed from an
 * offset — x [n, c, h, w], weight [o, c/groups, kh, kw], y and dy [n, o, outH, outW], bias
 * [o] — with the shapes of a {@link ConvGeometry}. Outputs are <em>overwritten</em>, never
 * accumulated into, and inputs are never written. {@code scratch} is working memory owned by
 * the call: {@link #scratchPerThread} floats for each thread, slice {@code t} using
 * {@code [scratchOff + t·scratchPerThread, …)}; its contents on entry do not matter.
 *
 * <p>Threads: the slice form {@code (…, thread, threads)} computes a fixed disjoint part of the
 * output (forward and input gradient: (image, 4-channel block) items; weight and bias
 * gradients: output-channel ranges), so calling it for every thread in [0, threads) — in any
 * order, on any threads — computes the whole result. The {@link ParallelFor} forms do that.
 *
 * <p>Algorithm: {@link DirectConv}, a register-tiled direct convolution over a zero-padded copy
 * of each image (no im2col). A 1×1 stride-1 unpadded convolution skips the copy and runs as a
 * GEMM over channels straight from x. The input gradient is the same kernel run over the output
 * gradient dilated by the stride, with the kernel flipped and its channel axes swapped. The
 * weight gradient accumulates, per weight, a vectorized dot product of the output gradient with
 * the padded input.
 */
public final class Conv2dKernels {
    private Conv2dKernels() {}

    /** Output channels per work item of the forward pass and the input gradient: two tiles of {@link DirectConv#MB}. */
    static final int ITEM = 2 * DirectConv.MB;

    private static int forwardScratch(ConvGeometry g) {
        return g.pointwise() ? 0 : g.c() * (g.h() + 2 * g.padH()) * (g.w() + 2 * g.padW()) + DirectConv.slack(g.strideW());
    }

    private static int inputGradRows(ConvGeometry g) { return g.h() + (g.kh() - 1) * g.dilationH(); }
    private static int inputGradRowStride(ConvGeometry g) { return g.w() + (g.kw() - 1) * g.dilationW(); }

    private static int inputGradScratch(ConvGeometry g) {
        return g.weightSize() + g.o() * inputGradRows(g) * inputGradRowStride(g) + DirectConv.slack(1);
    }

    private static int weightGradScratch(ConvGeometry g) {
        return g.c() * (g.h() + 2 * g.padH()) * (g.w() + 2 * g.padW()) + DirectConv.slack(g.strideW());
    }

    /** Floats of scratch each thread needs, for any of this class's methods on {@code g}. */
    public static int scratchPerThread(ConvGeometry g) {
        return Math.max(forwardScratch(g), Math.max(inputGradScratch(g), weightGradScratch(g)));
    }

    // ---- forward -------------------------------------------------------------------------------

    /**
     * y = epilogue(conv2d(x, weight)): the epilogue (bias, per-channel affine, ReLU; null for
     * none) is applied in registers before each store. Writes y completely.
     */
    public static void forward(ConvGeometry g, float[] x, int xOff, float[] weight, int wOff, ConvEpilogue epilogue,
                               float[] y, int yOff, float[] scratch, int scratchOff, int thread, int threads) {
        int blocks = (g.og() + ITEM - 1) / ITEM, items = g.n() * g.groups() * blocks;
        int begin = ParallelFor.sliceBegin(items, thread, threads), end = ParallelFor.sliceBegin(items, thread + 1, threads);
        int ho = g.outH(), wo = g.outW();
        int buf = scratchOff + thread * scratchPerThread(g);
        boolean direct = g.pointwise();
        int channelStep = direct ? g.h() * g.w() : g.w() + 2 * g.padW(), rowStep = direct ? channelStep : g.c() * channelStep;
        int prepared = -1;
        for (int item = begin; item < end; item++) {
            int img = item / (g.groups() * blocks), rest = item % (g.groups() * blocks);
            int grp = rest / blocks, block = rest % blocks;
            float[] in;
            int inOff;
            if (direct) {
                in = x;
                inOff = xOff + img * g.c() * g.h() * g.w();
            } else {
                if (prepared != img) {
                    DirectConv.pad(x, xOff + img * g.c() * g.h() * g.w(), g.c(), g.h(), g.w(), g.padH(), g.padW(), scratch, buf,
                            DirectConv.slack(g.strideW()));
                    prepared = img;
                }
                in = scratch;
                inOff = buf;
            }
            int ocFirst = grp * g.og() + block * ITEM, ocCount = Math.min(ITEM, g.og() - block * ITEM);
            DirectConv.convolve(in, inOff, channelStep, rowStep, !direct, weight, wOff, g.cg(), direct ? 1 : g.kh(), direct ? 1 : g.kw(),
                    direct ? 1 : g.strideH(), g.strideW(), g.dilationH(), g.dilationW(), epilogue,
                    y, yOff + img * g.o() * ho * wo, direct ? 1 : ho, direct ? ho * wo : wo, ocFirst, ocCount, grp * g.cg(),
                    buf + forwardScratch(g) - DirectConv.TILE_BUF);
        }
    }

    /** {@link #forward} on {@code threads} slices run by {@code pool}. */
    public static void forward(ConvGeometry g, float[] x, int xOff, float[] weight, int wOff, ConvEpilogue epilogue,
                               float[] y, int yOff, float[] scratch, int scratchOff, ParallelFor pool, int threads) {
        pool.run(threads, t -> forward(g, x, xOff, weight, wOff, epilogue, y, yOff, scratch, scratchOff, t, threads));
    }

    // ---- input gradient ------------------------------------------------------------------------

    /** dx = ∂L/∂x given dy = ∂L/∂y: the transposed convolution of dy with the weight. Writes dx completely. */
    public static void inputGrad(ConvGeometry g, float[] dy, int dyOff, float[] weight, int wOff, float[] dx, int dxOff,
                                 float[] scratch, int scratchOff, int thread, int threads) {
        int blocks = (g.cg() + ITEM - 1) / ITEM, items = g.n() * g.groups() * blocks;
        int begin = ParallelFor.sliceBegin(items, thread, threads), end = ParallelFor.sliceBegin(items, thread + 1, threads);
        if (begin == end) return;
        int base = scratchOff + thread * scratchPerThread(g);
        int flipped = base, buf = base + g.weightSize();
        flipKernel(g, weight, wOff, scratch, flipped);
        int ho = g.outH(), wo = g.outW(), rows = inputGradRows(g), rowStride = inputGradRowStride(g);
        int shiftH = (g.kh() - 1) * g.dilationH() - g.padH(), shiftW = (g.kw() - 1) * g.dilationW() - g.padW();
        int prepared = -1;
        for (int item = begin; item < end; item++) {
            int img = item / (g.groups() * blocks), rest = item % (g.groups() * blocks);
            int grp = rest / blocks, block = rest % blocks;
            if (prepared != img) {
                DirectConv.dilate(dy, dyOff + img * g.o() * ho * wo, g.o(), ho, wo, g.strideH(), g.strideW(), shiftH, shiftW,
                        scratch, buf, rows, rowStride, DirectConv.slack(1));
                prepared = img;
            }
            int cFirst = grp * g.cg() + block * ITEM, cCount = Math.min(ITEM, g.cg() - block * ITEM);
            DirectConv.convolve(scratch, buf, rowStride, g.o() * rowStride, true, scratch, flipped, g.og(), g.kh(), g.kw(), 1, 1,
                    g.dilationH(), g.dilationW(), null, dx, dxOff + img * g.c() * g.h() * g.w(), g.h(), g.w(),
                    cFirst, cCount, grp * g.og(), buf + g.o() * rows * rowStride + DirectConv.slack(1) - DirectConv.TILE_BUF);
        }
    }

    /** {@link #inputGrad} on {@code threads} slices run by {@code pool}. */
    public static void inputGrad(ConvGeometry g, float[] dy, int dyOff, float[] weight, int wOff, float[] dx, int dxOff,
                                 float[] scratch, int scratchOff, ParallelFor pool, int threads) {
        pool.run(threads, t -> inputGrad(g, dy, dyOff, weight, wOff, dx, dxOff, scratch, scratchOff, t, threads));
    }

    /** w'[c][o′][i][j] = w[grp·og + o′][c − grp·cg][kh−1−i][kw−1−j]: a weight [c, og, kh, kw] with the same groups. */
    private static void flipKernel(ConvGeometry g, float[] w, int wOff, float[] out, int outOff) {
        int kh = g.kh(), kw = g.kw(), kk = kh * kw;
        for (int c = 0; c < g.c(); c++) {
            int grp = c / g.cg(), ci = c % g.cg();
            for (int oo = 0; oo < g.og(); oo++) {
                int src = wOff + ((grp * g.og() + oo) * g.cg() + ci) * kk, dst = outOff + (c * g.og() + oo) * kk;
                for (int t = 0; t < kk; t++) out[dst + t] = w[src + kk - 1 - t];
            }
        }
    }

    // ---- weight gradient -----------------------------------------------------------------------

    /**
     * dweight = ∂L/∂weight given x and dy, summed over the batch. Slice t owns output channels
     * [t·o/threads, (t+1)·o/threads) and writes those rows of dweight completely.
     */
    public static void weightGrad(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff,
                                  float[] scratch, int scratchOff, int thread, int threads) {
        int ocBegin = ParallelFor.sliceBegin(g.o(), thread, threads), ocEnd = ParallelFor.sliceBegin(g.o(), thread + 1, threads);
        if (ocBegin == ocEnd) return;
        int kk = g.kh() * g.kw(), perOc = g.cg() * kk;
        java.util.Arrays.fill(dw, dwOff + ocBegin * perOc, dwOff + ocEnd * perOc, 0f);
        int buf = scratchOff + thread * scratchPerThread(g);
        int channelStep = g.w() + 2 * g.padW(), rowStep = g.c() * channelStep;
        int ho = g.outH(), wo = g.outW();
        int[] gather = g.strideW() == 1 ? null : DirectConv.gatherIndices(g.strideW());
        for (int img = 0; img < g.n(); img++) {
            DirectConv.pad(x, xOff + img * g.c() * g.h() * g.w(), g.c(), g.h(), g.w(), g.padH(), g.padW(), scratch, buf,
                    DirectConv.slack(g.strideW()));
            int dyImg = dyOff + img * g.o() * ho * wo;
            for (int oc = ocBegin; oc < ocEnd; ) {
                int grp = oc / g.og();
                int count = Math.min(OB, Math.min(ocEnd, (grp + 1) * g.og()) - oc);
                for (int ci = 0; ci < g.cg(); ci++) {
                    int inPlane = buf + (grp * g.cg() + ci) * channelStep;
                    for (int i = 0; i < g.kh(); i++)
                        for (int j = 0; j < g.kw(); j++) {
                            int tap = (ci * g.kh() + i) * g.kw() + j;
                            int in0 = inPlane + i * g.dilationH() * rowStep + j * g.dilationW();
                            if (count == OB && j + 1 < g.kw()) {
                                dot4x2(g, dy, dyImg + oc * ho * wo, ho * wo, scratch, in0, g.dilationW(), rowStep, gather,
                                        dw, dwOff + oc * perOc + tap, perOc);
                                j++;
                            } else if (count == OB) {
                                dot4(g, dy, dyImg + oc * ho * wo, ho * wo, scratch, in0, rowStep, gather, dw, dwOff + oc * perOc + tap, perOc);
                            } else {
                                for (int k = 0; k < count; k++) {
                                    dw[dwOff + (oc + k) * perOc + tap] += dot1(g, dy, dyImg + (oc + k) * ho * wo, scratch, in0, rowStep, gather);
                                }
                            }
                        }
                }
                oc += count;
            }
        }
    }

    /** {@link #weightGrad} on {@code threads} slices run by {@code pool}. */
    public static void weightGrad(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff,
                                  float[] scratch, int scratchOff, ParallelFor pool, int threads) {
        pool.run(threads, t -> weightGrad(g, x, xOff, dy, dyOff, dw, dwOff, scratch, scratchOff, t, threads));
    }

    /** dw[at + k·perOc] += Σ_{oh,ow} dy_k[oh][ow] · in[oh·sh·rowStride + ow·sw] for the 4 channels k. */
    private static void dot4(ConvGeometry g, float[] dy, int dy0, int dyPlane, float[] in, int in0, int rowStride, int[] gather,
                             float[] dw, int at, int perOc) {
        int ho = g.outH(), wo = g.outW(), sh = g.strideH(), sw = g.strideW();
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int oh = 0; oh < ho; oh++) {
            int d = dy0 + oh * wo, r = in0 + oh * sh * rowStride;
            for (int ow = 0; ow < wo; ow += L) {
                int n = Math.min(L, wo - ow);
                FloatVector xv = DirectConv.load(in, r + ow * sw, sw, gather, L);
                if (n == L) {
                    s0 = FloatVector.fromArray(S, dy, d + ow).fma(xv, s0);
                    s1 = FloatVector.fromArray(S, dy, d + ow + dyPlane).fma(xv, s1);
                    s2 = FloatVector.fromArray(S, dy, d + ow + 2 * dyPlane).fma(xv, s2);
                    s3 = FloatVector.fromArray(S, dy, d + ow + 3 * dyPlane).fma(xv, s3);
                } else {
                    VectorMask<Float> m = S.indexInRange(0, n);
                    s0 = FloatVector.fromArray(S, dy, d + ow, m).fma(xv, s0);
                    s1 = FloatVector.fromArray(S, dy, d + ow + dyPlane, m).fma(xv, s1);
                    s2 = FloatVector.fromArray(S, dy, d + ow + 2 * dyPlane, m).fma(xv, s2);
                    s3 = FloatVector.fromArray(S, dy, d + ow + 3 * dyPlane, m).fma(xv, s3);
                }
            }
        }
        dw[at] += s0.reduceLanes(VectorOperators.ADD);
        dw[at + perOc] += s1.reduceLanes(VectorOperators.ADD);
        dw[at + 2 * perOc] += s2.reduceLanes(VectorOperators.ADD);
        dw[at + 3 * perOc] += s3.reduceLanes(VectorOperators.ADD);
    }

    /**
     * {@link #dot4} for two neighbouring taps (input offsets in0 and in0 + tapStep, weights at
     * and at + 1) at once: each output-gradient vector is loaded once for both, so the loop does
     * 8 FMAs per 4 dy loads and 2 input loads instead of 4 per 5.
     */
    private static void dot4x2(ConvGeometry g, float[] dy, int dy0, int dyPlane, float[] in, int in0, int tapStep, int rowStride,
                               int[] gather, float[] dw, int at, int perOc) {
        int ho = g.outH(), wo = g.outW(), sh = g.strideH(), sw = g.strideW();
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
        for (int oh = 0; oh < ho; oh++) {
            int d = dy0 + oh * wo, r = in0 + oh * sh * rowStride;
            for (int ow = 0; ow < wo; ow += L) {
                FloatVector xa = DirectConv.load(in, r + ow * sw, sw, gather, L);
                FloatVector xb = DirectConv.load(in, r + ow * sw + tapStep, sw, gather, L);
                FloatVector d0, d1, d2, d3;
                if (ow + L <= wo) {
                    d0 = FloatVector.fromArray(S, dy, d + ow);
                    d1 = FloatVector.fromArray(S, dy, d + ow + dyPlane);
                    d2 = FloatVector.fromArray(S, dy, d + ow + 2 * dyPlane);
                    d3 = FloatVector.fromArray(S, dy, d + ow + 3 * dyPlane);
                } else { // the row's tail: lanes past its end read as zero
                    VectorMask<Float> m = S.indexInRange(0, wo - ow);
                    d0 = FloatVector.fromArray(S, dy, d + ow, m);
                    d1 = FloatVector.fromArray(S, dy, d + ow + dyPlane, m);
                    d2 = FloatVector.fromArray(S, dy, d + ow + 2 * dyPlane, m);
                    d3 = FloatVector.fromArray(S, dy, d + ow + 3 * dyPlane, m);
                }
                s0 = d0.fma(xa, s0); t0 = d0.fma(xb, t0);
                s1 = d1.fma(xa, s1); t1 = d1.fma(xb, t1);
                s2 = d2.fma(xa, s2); t2 = d2.fma(xb, t2);
                s3 = d3.fma(xa, s3); t3 = d3.fma(xb, t3);
            }
        }
        dw[at] += s0.reduceLanes(VectorOperators.ADD);
        dw[at + 1] += t0.reduceLanes(VectorOperators.ADD);
        dw[at + perOc] += s1.reduceLanes(VectorOperators.ADD);
        dw[at + perOc + 1] += t1.reduceLanes(VectorOperators.ADD);
        dw[at + 2 * perOc] += s2.reduceLanes(VectorOperators.ADD);
        dw[at + 2 * perOc + 1] += t2.reduceLanes(VectorOperators.ADD);
        dw[at + 3 * perOc] += s3.reduceLanes(VectorOperators.ADD);
        dw[at + 3 * perOc + 1] += t3.reduceLanes(VectorOperators.ADD);
    }

    private static float dot1(ConvGeometry g, float[] dy, int dy0, float[] in, int in0, int rowStride, int[] gather) {
        int ho = g.outH(), wo = g.outW(), sh = g.strideH(), sw = g.strideW();
        FloatVector s = FloatVector.zero(S);
        for (int oh = 0; oh < ho; oh++) {
            int d = dy0 + oh * wo, r = in0 + oh * sh * rowStride;
            for (int ow = 0; ow < wo; ow += L) {
                int n = Math.min(L, wo - ow);
                FloatVector dv = n == L ? FloatVector.fromArray(S, dy, d + ow) : FloatVector.fromArray(S, dy, d + ow, S.indexInRange(0, n));
                s = dv.fma(DirectConv.load(in, r + ow * sw, sw, gather, L), s);
            }
        }
        return s.reduceLanes(VectorOperators.ADD);
    }

    // ---- bias gradient -------------------------------------------------------------------------

    /** dbias[k] = Σ_{n,oh,ow} dy[n][k][oh][ow]. Slice t owns channels [t·o/threads, (t+1)·o/threads). */
    public static void biasGrad(ConvGeometry g, float[] dy, int dyOff, float[] db, int dbOff, int thread, int threads) {
        int begin = ParallelFor.sliceBegin(g.o(), thread, threads), end = ParallelFor.sliceBegin(g.o(), thread + 1, threads);
        int plane = g.outH() * g.outW();
        for (int oc = begin; oc < end; oc++) {
            float sum = 0;
            for (int img = 0; img < g.n(); img++) sum += VectorMath.sum(dy, dyOff + (img * g.o() + oc) * plane, plane);
            db[dbOff + oc] = sum;
        }
    }
}
