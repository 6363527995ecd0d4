package dev.smok.cpu.conv;

import static dev.smok.cpu.conv.DirectConv.L;
import static dev.smok.cpu.conv.DirectConv.WT;
import static dev.smok.cpu.conv.DirectConv.S;


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
 * output (forward and input gradient: (image, block of 12 channels) items on {@link DirectConv}, (image,
 * group, band of pixels) items on {@link ChannelTiledConv}; weight gradient:
 * (group, block of 5 taps) items; bias gradient: output-channel ranges), so calling it for every thread in [0, threads) — in any
 * order, on any threads — computes the whole result. The {@link ParallelFor} forms do that.
 *
 * <p>Algorithm: register-tiled direct convolutions over a zero-padded copy of each image (no
 * im2col). A stride-1 convolution runs on {@link ChannelTiledConv} (output channels in the vector
 * lanes) when its output channels per group fill that kernel's 16-channel blocks to at least 80%;
 * strided ones, narrow ones (LeNet's 6 channels) and the 1×1 path, a GEMM over channels straight
 * from x without a copy, run on {@link DirectConv} (pixels in the lanes). The input gradient is a
 * stride-1 correlation over the output gradient dilated by the stride, with the kernel flipped and
 * its channel axes swapped, on the same two kernels by the same rule (input channels per group). The
 * weight gradient is a product over the output pixels of the padded input (5 taps broadcast at
 * a time) with the output gradient transposed to pixel-major rows of output channels
 * ({@link #weightGrad}).
 */
public final class Conv2dKernels {
    private Conv2dKernels() {}

    /** Output channels per work item of the forward pass and the input gradient: two tiles of {@link DirectConv#MB}. */
    static final int ITEM = 2 * DirectConv.MB;

    private static int forwardScratch(ConvGeometry g) {
        if (channelTiledForward(g)) {
            return packedWeights(g.groups(), g.og(), g.cg(), g) + ChannelTiledConv.sumsSize()
                    + g.c() * (g.h() + 2 * g.padH()) * (g.w() + 2 * g.padW()) + ChannelTiledConv.SLACK;
        }
        return g.pointwise() ? DirectConv.TILE_BUF : g.c() * (g.h() + 2 * g.padH()) * forwardChannelStep(g) + DirectConv.slack(g.strideW());
    }

    /** Floats per channel and row of the prepared forward input: the padded row, in column phases when strided. */
    private static int forwardChannelStep(ConvGeometry g) {
        int rowStride = g.w() + 2 * g.padW();
        return g.strideW() == 1 ? rowStride : g.strideW() * DirectConv.phaseLen(rowStride, g.strideW());
    }

    /** Whether the forward pass runs on {@link ChannelTiledConv}: stride 1, not a plain 1×1, output channels that fill its tiles. */
    static boolean channelTiledForward(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && !g.pointwise() && ChannelTiledConv.suits(g.og());
    }

    /** Whether the input gradient runs on {@link ChannelTiledConv}: input channels per group that fill its tiles. */
    static boolean channelTiledInputGrad(ConvGeometry g) { return ChannelTiledConv.suits(g.cg()); }

    /** Floats of {@link ChannelTiledConv}'s packed weights: per group, {@code outs} channels (padded) × {@code ins}·kh·kw taps. */
    private static int packedWeights(int groups, int outs, int ins, ConvGeometry g) {
        return groups * ChannelTiledConv.padded(outs) * ins * g.kh() * g.kw();
    }

    private static int inputGradRows(ConvGeometry g) { return g.h() + (g.kh() - 1) * g.dilationH(); }
    private static int inputGradRowStride(ConvGeometry g) { return g.w() + (g.kw() - 1) * g.dilationW(); }

    private static int inputGradScratch(ConvGeometry g) {
        if (channelTiledInputGrad(g)) {
            return packedWeights(g.groups(), g.cg(), g.og(), g) + ChannelTiledConv.sumsSize()
                    + g.o() * inputGradRows(g) * inputGradRowStride(g) + ChannelTiledConv.SLACK;
        }
        return g.weightSize() + g.o() * inputGradRows(g) * inputGradRowStride(g) + DirectConv.slack(1);
    }

    private static int weightGradScratch(ConvGeometry g) {
        int tapBlocks = (g.cg() * g.kh() * g.kw() + WT - 1) / WT;
        return paddedInput(g) + g.outH() * g.outW() * ocPadded(g) + g.groups() * tapBlocks * WT * ocPadded(g);
    }

    /** Floats of scratch each thread needs, for any of this class's methods on {@code g}. */
    public static int scratchPerThread(ConvGeometry g) {
        return Math.max(forwardScratch(g), Math.max(inputGradScratch(g), weightGradScratch(g)));
    }

    // ---- forward -------------------------------------------------------------------------------

    /**
     * y = epilogue(conv2d(x, weight)): the epilogue (bias, per-channel affine, ReLU; null for
     * none) is applied to each output tile right after it is stored, while it is in L1. Writes y completely.
     */
    public static void forward(ConvGeometry g, float[] x, int xOff, float[] weight, int wOff, ConvEpilogue epilogue,
                               float[] y, int yOff, float[] scratch, int scratchOff, int thread, int threads) {
        if (channelTiledForward(g)) {
            forwardChannelTiled(g, x, xOff, weight, wOff, epilogue, y, yOff, scratch, scratchOff, thread, threads);
            return;
        }
        int blocks = (g.og() + ITEM - 1) / ITEM, items = g.n() * g.groups() * blocks;
        int begin = ParallelFor.sliceBegin(items, thread, threads), end = ParallelFor.sliceBegin(items, thread + 1, threads);
        int ho = g.outH(), wo = g.outW();
        int buf = scratchOff + thread * scratchPerThread(g);
        boolean direct = g.pointwise(), phased = !direct && g.strideW() > 1;
        int channelStep = direct ? g.h() * g.w() : forwardChannelStep(g), rowStep = direct ? channelStep : g.c() * channelStep;
        int phaseLen = phased ? DirectConv.phaseLen(g.w() + 2 * g.padW(), g.strideW()) : 0;
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
                    int xImg = xOff + img * g.c() * g.h() * g.w();
                    if (phased) {
                        DirectConv.padPhased(x, xImg, g.c(), g.h(), g.w(), g.padH(), g.padW(), g.strideW(), scratch, buf,
                                DirectConv.slack(g.strideW()));
                    } else {
                        DirectConv.pad(x, xImg, g.c(), g.h(), g.w(), g.padH(), g.padW(), scratch, buf, DirectConv.slack(g.strideW()));
                    }
                    prepared = img;
                }
                in = scratch;
                inOff = buf;
            }
            int ocFirst = grp * g.og() + block * ITEM, ocCount = Math.min(ITEM, g.og() - block * ITEM);
            DirectConv.convolve(in, inOff, channelStep, rowStep, !direct, phaseLen, weight, wOff, g.cg(), direct ? 1 : g.kh(), direct ? 1 : g.kw(),
                    direct ? 1 : g.strideH(), g.strideW(), g.dilationH(), g.dilationW(), epilogue,
                    y, yOff + img * g.o() * ho * wo, direct ? 1 : ho, direct ? ho * wo : wo, ocFirst, ocCount, grp * g.cg(),
                    scratch, buf + forwardScratch(g) - DirectConv.TILE_BUF);
        }
    }

    /**
     * The forward pass on {@link ChannelTiledConv}: work items are (image, group, band of output
     * pixels), each covering all the group's output channels; each slice packs the weights once into
     * its scratch and pads each image it meets once.
     */
    private static void forwardChannelTiled(ConvGeometry g, float[] x, int xOff, float[] weight, int wOff, ConvEpilogue epilogue,
                                            float[] y, int yOff, float[] scratch, int scratchOff, int thread, int threads) {
        int ho = g.outH(), wo = g.outW(), pitch = g.w() + 2 * g.padW(), plane = (g.h() + 2 * g.padH()) * pitch;
        int pixels = ChannelTiledConv.pixels(ho, wo, pitch), bands = ChannelTiledConv.bands(g.n() * g.groups(), pixels, threads);
        int items = g.n() * g.groups() * bands;
        int begin = ParallelFor.sliceBegin(items, thread, threads), end = ParallelFor.sliceBegin(items, thread + 1, threads);
        if (begin == end) return;
        int taps = g.cg() * g.kh() * g.kw(), groupWeights = ChannelTiledConv.padded(g.og()) * taps;
        int packed = scratchOff + thread * scratchPerThread(g), sums = packed + packedWeights(g.groups(), g.og(), g.cg(), g);
        int buf = sums + ChannelTiledConv.sumsSize();
        ChannelTiledConv.packForward(g, weight, wOff, scratch, packed);
        int[] offsets = DirectConv.taps(g.cg(), g.kh(), g.kw(), plane, g.dilationH() * pitch, g.dilationW());
        int prepared = -1;
        for (int item = begin; item < end; item++) {
            int img = item / (g.groups() * bands), grp = item / bands % g.groups(), band = item % bands;
            if (prepared != img) {
                ChannelTiledConv.pad(x, xOff + img * g.c() * g.h() * g.w(), g.c(), g.h(), g.w(), g.padH(), g.padW(), scratch, buf);
                prepared = img;
            }
            int oc = grp * g.og();
            ChannelTiledConv.convolve(scratch, buf + grp * g.cg() * plane, pitch, offsets, taps, g.kh() * g.kw(),
                    scratch, packed + grp * groupWeights, y, yOff + (img * g.o() + oc) * ho * wo, ho * wo, ho, wo,
                    ChannelTiledConv.bandBegin(pixels, band, bands), ChannelTiledConv.bandBegin(pixels, band + 1, bands), g.og(),
                    epilogue, oc, scratch, sums);
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
        if (channelTiledInputGrad(g)) {
            inputGradChannelTiled(g, dy, dyOff, weight, wOff, dx, dxOff, scratch, scratchOff, thread, threads);
            return;
        }
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
                        scratch, buf, rowStride, g.o() * rowStride, rows, rowStride, DirectConv.slack(1));
                prepared = img;
            }
            int cFirst = grp * g.cg() + block * ITEM, cCount = Math.min(ITEM, g.cg() - block * ITEM);
            DirectConv.convolve(scratch, buf, rowStride, g.o() * rowStride, true, scratch, flipped, g.og(), g.kh(), g.kw(), 1, 1,
                    g.dilationH(), g.dilationW(), null, dx, dxOff + img * g.c() * g.h() * g.w(), g.h(), g.w(),
                    cFirst, cCount, grp * g.og(), scratch, buf + g.o() * rows * rowStride + DirectConv.slack(1) - DirectConv.TILE_BUF);
        }
    }

    /**
     * The input gradient on {@link ChannelTiledConv}: a stride-1 correlation over the output gradient
     * dilated by the stride into planes, with the kernel flipped and packed so that the input channels
     * of a group are the tile's lanes; work items are (image, group, band of input pixels).
     */
    private static void inputGradChannelTiled(ConvGeometry g, float[] dy, int dyOff, float[] weight, int wOff, float[] dx, int dxOff,
                                              float[] scratch, int scratchOff, int thread, int threads) {
        int rows = inputGradRows(g), pitch = inputGradRowStride(g), plane = rows * pitch;
        int pixels = ChannelTiledConv.pixels(g.h(), g.w(), pitch), bands = ChannelTiledConv.bands(g.n() * g.groups(), pixels, threads);
        int items = g.n() * g.groups() * bands;
        int begin = ParallelFor.sliceBegin(items, thread, threads), end = ParallelFor.sliceBegin(items, thread + 1, threads);
        if (begin == end) return;
        int taps = g.og() * g.kh() * g.kw(), groupWeights = ChannelTiledConv.padded(g.cg()) * taps, ho = g.outH(), wo = g.outW();
        int packed = scratchOff + thread * scratchPerThread(g), sums = packed + packedWeights(g.groups(), g.cg(), g.og(), g);
        int buf = sums + ChannelTiledConv.sumsSize();
        ChannelTiledConv.packInputGrad(g, weight, wOff, scratch, packed);
        int shiftH = (g.kh() - 1) * g.dilationH() - g.padH(), shiftW = (g.kw() - 1) * g.dilationW() - g.padW();
        int[] offsets = DirectConv.taps(g.og(), g.kh(), g.kw(), plane, g.dilationH() * pitch, g.dilationW());
        int prepared = -1;
        for (int item = begin; item < end; item++) {
            int img = item / (g.groups() * bands), grp = item / bands % g.groups(), band = item % bands;
            if (prepared != img) {
                DirectConv.dilate(dy, dyOff + img * g.o() * ho * wo, g.o(), ho, wo, g.strideH(), g.strideW(), shiftH, shiftW,
                        scratch, buf, plane, pitch, rows, pitch, ChannelTiledConv.SLACK);
                prepared = img;
            }
            int c = grp * g.cg();
            ChannelTiledConv.convolve(scratch, buf + grp * g.og() * plane, pitch, offsets, taps, g.kh() * g.kw(),
                    scratch, packed + grp * groupWeights, dx, dxOff + (img * g.c() + c) * g.h() * g.w(), g.h() * g.w(),
                    g.h(), g.w(), ChannelTiledConv.bandBegin(pixels, band, bands), ChannelTiledConv.bandBegin(pixels, band + 1, bands),
                    g.cg(), null, 0, scratch, sums);
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
     * dweight = ∂L/∂weight given x and dy, summed over the batch, as a product over the output
     * pixels: dWᵀ[tap][oc] = Σ_pixels x[tap shifted to the pixel] · dyᵀ[pixel][oc], where a tap is
     * one (input channel, kernel row, kernel column) of a group. The output gradient of each image is
     * transposed to pixel-major rows of output channels (padded with zeros to whole register
     * tiles), so the register tile is {@link DirectConv#WT} taps × 2 vectors of output channels:
     * per pixel 2 vector loads, 5 broadcast input values (strides and dilations only change
     * their offsets) and 12 FMAs, with the sums kept in registers over a whole image. Slice t owns
     * a range of (group, block of 5 taps) items and writes those entries of dweight completely.
     */
    public static void weightGrad(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff,
                                  float[] scratch, int scratchOff, int thread, int threads) {
        int kk = g.kh() * g.kw(), taps = g.cg() * kk, tapBlocks = (taps + WT - 1) / WT, items = g.groups() * tapBlocks;
        int begin = ParallelFor.sliceBegin(items, thread, threads), end = ParallelFor.sliceBegin(items, thread + 1, threads);
        if (begin == end) return;
        int ho = g.outH(), wo = g.outW(), ocPad = ocPadded(g), plane = ho * wo;
        int padded = paddedInput(g), xBuf = scratchOff + thread * scratchPerThread(g);
        int dyT = xBuf + padded, acc = dyT + plane * ocPad;
        int channelStep = g.w() + 2 * g.padW(), rowStep = g.c() * channelStep;
        for (int img = 0; img < g.n(); img++) {
            DirectConv.pad(x, xOff + img * g.c() * g.h() * g.w(), g.c(), g.h(), g.w(), g.padH(), g.padW(), scratch, xBuf,
                    DirectConv.slack(g.strideW()));
            // Per group: its output gradient transposed once, then block after block of 2·L output
            // channels (one block of the transposed gradient stays in L2 while every tap block of
            // this slice sweeps it).
            for (int grpBegin = begin; grpBegin < end; ) {
                int grp = grpBegin / tapBlocks, grpEnd = Math.min(end, (grp + 1) * tapBlocks);
                transposeGroup(g, dy, dyOff + (img * g.o() + grp * g.og()) * plane, scratch, dyT, ocPad);
                int base = xBuf + grp * g.cg() * channelStep;
                for (int ob = 0; ob < ocPad; ob += DirectConv.TW) {
                    for (int item = grpBegin; item < grpEnd; item++) {
                        // a short last block repeats its last tap; those sums are dropped
                        int first = (item % tapBlocks) * WT, last = Math.min(WT, taps - first) - 1;
                        int t0 = tapOffset(g, first, base, rowStep), t1 = tapOffset(g, first + Math.min(1, last), base, rowStep),
                                t2 = tapOffset(g, first + Math.min(2, last), base, rowStep),
                                t3 = tapOffset(g, first + Math.min(3, last), base, rowStep),
                                t4 = tapOffset(g, first + Math.min(4, last), base, rowStep);
                        DirectConv.weightTile(scratch, t0, t1, t2, t3, t4, g.strideH() * rowStep, g.strideW(), ho, wo,
                                dyT + ob * plane, acc + (item - begin) * WT * ocPad + ob, ocPad, img == 0);
                    }
                }
                grpBegin = grpEnd;
            }
        }
        for (int item = begin; item < end; item++) {
            int grp = item / tapBlocks, first = (item % tapBlocks) * WT, count = Math.min(WT, taps - first);
            int sums = acc + (item - begin) * WT * ocPad;
            for (int k = 0; k < count; k++)
                for (int oc = 0; oc < g.og(); oc++) {
                    dw[dwOff + (grp * g.og() + oc) * taps + first + k] = scratch[sums + k * ocPad + oc];
                }
        }
    }

    /** Offset of tap (channel of the group, kernel row, kernel column) in the padded image whose group starts at {@code base}. */
    private static int tapOffset(ConvGeometry g, int tap, int base, int rowStep) {
        int kk = g.kh() * g.kw(), ci = tap / kk, i = tap % kk / g.kw(), j = tap % g.kw();
        return base + ci * (g.w() + 2 * g.padW()) + i * g.dilationH() * rowStep + j * g.dilationW();
    }

    /** Output channels of a group rounded up to whole weight-gradient tiles (2 vectors). */
    private static int ocPadded(ConvGeometry g) { return (g.og() + 2 * L - 1) / (2 * L) * (2 * L); }

    /** Floats of one zero-padded image in {@link DirectConv#pad}'s layout, with slack. */
    private static int paddedInput(ConvGeometry g) {
        return g.c() * (g.h() + 2 * g.padH()) * (g.w() + 2 * g.padW()) + DirectConv.slack(g.strideW());
    }

    /**
     * The og channels of one group's output gradient, pixel-major in blocks of {@link DirectConv#TW}
     * channels: out[(oc / TW)·plane·TW + p·TW + oc % TW] = dy[oc·plane + p], zero for og ≤ oc < ocPad.
     */
    private static void transposeGroup(ConvGeometry g, float[] dy, int from, float[] out, int at, int ocPad) {
        int plane = g.outH() * g.outW(), og = g.og(), tw = DirectConv.TW;
        for (int ob = 0; ob < ocPad; ob += tw) {
            int block = at + ob * plane, n = Math.min(tw, og - ob);
            for (int p = 0; p < plane; p++) {
                int row = block + p * tw;
                for (int k = 0; k < n; k++) out[row + k] = dy[from + (ob + k) * plane + p];
                for (int k = Math.max(n, 0); k < tw; k++) out[row + k] = 0f;
            }
        }
    }

    /** {@link #weightGrad} on {@code threads} slices run by {@code pool}. */
    public static void weightGrad(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff,
                                  float[] scratch, int scratchOff, ParallelFor pool, int threads) {
        pool.run(threads, t -> weightGrad(g, x, xOff, dy, dyOff, dw, dwOff, scratch, scratchOff, t, threads));
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
