package dev.smok.cpu.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled direct convolution with pixels in the vector lanes: strided convolutions, the
 * 1×1 path, and stride-1 ones with too few channels per group for {@link ChannelTiledConv}.
 *
 * <p>It reads a <em>prepared</em> input addressed by a channel step and a row step (element
 * (c, r, col) at {@code c·channelStep + r·rowStep + col}) in which output pixel (oh, ow) of tap (i, j) reads row {@code oh·sh + i·dh}, column
 * {@code ow·sw + j·dw}, with no bounds checks — the caller has already applied padding
 * (a zero-padded copy of the image for the forward pass, a zero-dilated and shifted copy of
 * the output gradient for the input gradient). No im2col matrix is ever built: the extra
 * memory is one padded image. Prepared copies interleave channels within each row
 * ({@code [rows][channels][rowStride]}), so the input rows one output row reads are one
 * contiguous block (few TLB pages) instead of one strip per channel plane.
 *
 * <p>Tiling: on a prepared input with stride 1, a tile is 6 output channels × 2 vectors of
 * consecutive output columns (16 pixels with AVX2's 8 lanes, 32 with AVX-512's 16) of one output
 * row, held in 12 accumulators ({@link #tile6}). The (channel, kernel row, kernel column) taps
 * are flattened into one loop over a precomputed offset table, with the weights of each output
 * channel contiguous in the same order; each step loads 2 input vectors, broadcasts 6 weights
 * and issues 12 FMAs. 12 accumulators, 2 inputs and a broadcast are 15 of AVX2's 16 registers;
 * the disassembled loop ({@code scripts/jit-loop.py}) spills no vector register. A row's last
 * tile is computed whole (the prepared buffer has slack) and parked before its valid columns are
 * copied; a last block of fewer than 6 channels repeats a channel's weights and keeps the valid
 * ones. Strided convolutions (inputs loaded by gathers) and an unprepared input's last columns
 * (the 1×1 fast path; masked loads) use 4 × 1 and 1 × 1 tiles.
 *
 * <p>{@link #weightTile} is the weight gradient's tile: 5 taps × 2 vectors of output channels
 * over a transposed output gradient (see {@link Conv2dKernels#weightGrad}).
 */
final class DirectConv {
    private DirectConv() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Output channels per register tile. */
    static final int OB = 4;
    /** Vectors of output columns per wide tile. */
    static final int WV = 2;
    /** Output channels per block of the transposed output gradient ({@link #weightTile}): 2 vectors. */
    static final int TW = 2 * L;
    /**
     * Taps per register tile of the weight gradient ({@link #weightTile}): 5 × 2 vectors, 10
     * accumulators; with 6 (12 accumulators) C2 kept three of them on the stack.
     */
    static final int WT = 5;
    /** Output channels per register tile of the stride-1 main path ({@link #tile6}). */
    static final int MB = 6;

    /** Slack after a prepared buffer so vector tiles may read past the last row. */
    static int slack(int sw) { return (WV + 1) * L * sw + L + TILE_BUF; }

    /** Floats at the very end of a prepared buffer's slack where {@link #tile6} parks a partial tile. */
    static final int TILE_BUF = MB * WV * L;

    /**
     * Output channels {@code [ocFirst, ocFirst + ocCount)} of one image. Weights of output
     * channel oc start at {@code wOff + oc·cg·kh·kw} ([cg][kh][kw]); it reads input channels
     * {@code inFirst .. inFirst + cg − 1} (element (c, r, col) at inOff + c·channelStep + r·rowStep + col); output plane oc starts at {@code outOff + oc·ho·wo}
     * and is overwritten. {@code overrunSafe}: rows may be read past their end (prepared
     * buffers have slack); when false, partial vectors use masked loads. {@code park[tileBuf ..]}:
     * {@link #TILE_BUF} floats that no tile reads (on a prepared input, the last ones of its slack),
     * where partial tiles are parked.
     */
    static void convolve(float[] in, int inOff, int channelStep, int rowStep, boolean overrunSafe,
                         float[] w, int wOff, int cg, int kh, int kw, int sh, int sw, int dh, int dw,
                         ConvEpilogue ep, float[] out, int outOff, int ho, int wo,
                         int ocFirst, int ocCount, int inFirst, float[] park, int tileBuf) {
        convolve(in, inOff, channelStep, rowStep, overrunSafe, 0, w, wOff, cg, kh, kw, sh, sw, dh, dw, ep, out, outOff, ho, wo,
                ocFirst, ocCount, inFirst, park, tileBuf);
    }

    /**
     * {@link #convolve} on an input whose rows may be split into column phases ({@link #padPhased}):
     * {@code phaseLen} > 0 says each channel's row is {@code sw} phases of {@code phaseLen} columns,
     * so a strided convolution reads consecutive columns of one phase per tap and runs the
     * stride-1 tile ({@link #tile6}) instead of gathers.
     */
    static void convolve(float[] in, int inOff, int channelStep, int rowStep, boolean overrunSafe, int phaseLen,
                         float[] w, int wOff, int cg, int kh, int kw, int sh, int sw, int dh, int dw,
                         ConvEpilogue ep, float[] out, int outOff, int ho, int wo,
                         int ocFirst, int ocCount, int inFirst, float[] park, int tileBuf) {
        int plane = channelStep, rowStride = rowStep;
        int base = inOff + inFirst * plane;
        boolean unitStride = sw == 1 || phaseLen > 0; // consecutive output columns read consecutive floats
        int[] gather = unitStride ? null : gatherIndices(sw);
        int[] taps = TAPS.get().offsets(cg, kh, kw, plane, dh * rowStride, dw, phaseLen > 0 ? sw : 1, phaseLen);
        int end = ocFirst + ocCount, wStride = cg * kh * kw, outPlane = ho * wo;
        for (int oc = ocFirst, count; oc < end; oc += count) {
            count = Math.min(unitStride ? MB : OB, end - oc);
            for (int oh = 0; oh < ho; oh++) {
                int xRow = base + oh * sh * rowStride, outRow = outOff + (oc * ho + oh) * wo;
                for (int ow0 = 0; ow0 < wo; ow0 += WV * L) {
                    int left = Math.min(WV * L, wo - ow0);
                    if (unitStride && (left == WV * L || overrunSafe)) {
                        tile6(in, xRow + ow0, taps, w, wOff + oc * wStride, wStride, ep, oc, count, out, outRow + ow0, outPlane,
                                left, park, tileBuf);
                        continue;
                    }
                    // strided (gathers), or an unprepared input's last columns (masks): one vector at a time
                    for (int v = ow0; v < ow0 + left; v += L) {
                        int n = Math.min(L, ow0 + left - v), k = 0;
                        for (; k + OB <= count; k += OB) {
                            tile4x1(in, xRow + v * sw, plane, rowStride, w, wOff + (oc + k) * wStride, cg, kh, kw, dh, dw, sw, gather,
                                    ep, oc + k, out, outRow + k * outPlane + v, outPlane, n);
                        }
                        for (; k < count; k++) {
                            tile1x1(in, xRow + v * sw, plane, rowStride, w, wOff + (oc + k) * wStride, cg, kh, kw, dh, dw, sw, gather,
                                    ep, oc + k, out, outRow + k * outPlane + v, n);
                        }
                    }
                }
            }
        }
    }

    /**
     * Tap offsets per thread, computed once per geometry: a network has a handful of conv shapes
     * and the kernels run on fixed worker threads, so steady-state calls allocate nothing.
     */
    private static final ThreadLocal<TapCache> TAPS = ThreadLocal.withInitial(TapCache::new);

    private static final class TapCache {
        private final int[][] keys = new int[64][], values = new int[64][];
        private int next;

        int[] offsets(int cg, int kh, int kw, int channelStep, int rowStep, int colStep, int phases, int phaseLen) {
            for (int i = 0; i < keys.length && keys[i] != null; i++) {
                int[] k = keys[i];
                if (k[0] == cg && k[1] == kh && k[2] == kw && k[3] == channelStep && k[4] == rowStep && k[5] == colStep
                        && k[6] == phases && k[7] == phaseLen) return values[i];
            }
            int slot = next++ % keys.length;
            keys[slot] = new int[] {cg, kh, kw, channelStep, rowStep, colStep, phases, phaseLen};
            values[slot] = tapOffsets(cg, kh, kw, channelStep, rowStep, colStep, phases, phaseLen);
            return values[slot];
        }
    }

    /** {@link #tapOffsets} of an unphased input, from a per-thread cache (steady-state calls allocate nothing). */
    static int[] taps(int cg, int kh, int kw, int channelStep, int rowStep, int colStep) {
        return TAPS.get().offsets(cg, kh, kw, channelStep, rowStep, colStep, 1, 0);
    }

    /**
     * Input offset of every (channel, kernel row, kernel column) tap, in weight order. With
     * {@code phases} (the stride) > 1 the rows are split into column phases of {@code phaseLen}
     * ({@link #padPhased}): column offset j·colStep lies in phase (j·colStep) mod phases, at
     * (j·colStep) / phases within it.
     */
    static int[] tapOffsets(int cg, int kh, int kw, int channelStep, int rowStep, int colStep, int phases, int phaseLen) {
        int[] t = new int[cg * kh * kw];
        for (int c = 0, k = 0; c < cg; c++)
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++) {
                    int col = j * colStep;
                    t[k++] = c * channelStep + i * rowStep + (col % phases) * phaseLen + col / phases;
                }
        return t;
    }

    /** Gather offsets of strides 0..7, built once: kernels ask for them on every call and must not allocate. */
    private static final int[][] GATHER = new int[8][];
    static {
        for (int s = 0; s < GATHER.length; s++) GATHER[s] = newGatherIndices(s);
    }

    static int[] gatherIndices(int stride) {
        return stride < GATHER.length ? GATHER[stride] : newGatherIndices(stride);
    }

    private static int[] newGatherIndices(int stride) {
        int[] idx = new int[L];
        for (int i = 0; i < L; i++) idx[i] = i * stride;
        return idx;
    }

    // The tiles below call no method that takes or returns a vector: whether C2 inlines a helper
    // depends on the budget left by the call chain that inlined the tile (it differs between a
    // benchmark and the generated schedule), and a vector crossing a call that was not inlined is
    // boxed, which allocates on every call. Epilogues therefore run on the stored values
    // ({@link ConvEpilogue#applyInPlace}).

    /**
     * {@code count} (1 to 6) output channels × 2 vectors; stride 1. {@code left} valid columns from
     * the tile start (1 to 2·L; fewer than 2·L only on a prepared input, whose slack the whole tile
     * may read). Fewer than 6 channels repeat the last one's weights. A whole tile (6 channels, 2·L
     * columns) is stored in place; any other is parked at {@code park[tileBuf ..]} and its valid part copied.
     * 12 accumulators, 2 input vectors and a broadcast fit AVX2's 16 registers.
     */
    private static void tile6(float[] in, int x0, int[] taps, float[] w, int w0, int wStride,
                              ConvEpilogue ep, int oc, int count, float[] out, int o0, int outPlane, int left,
                              float[] park, int tileBuf) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00,
                a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
        int last = count - 1, w1 = w0 + Math.min(1, last) * wStride, w2 = w0 + Math.min(2, last) * wStride,
                w3 = w0 + Math.min(3, last) * wStride, w4 = w0 + Math.min(4, last) * wStride, w5 = w0 + last * wStride;
        for (int t = 0; t < wStride; t++) {
            int xo = x0 + taps[t];
            FloatVector x0v = FloatVector.fromArray(S, in, xo);
            FloatVector x1v = FloatVector.fromArray(S, in, xo + L);
            FloatVector b = FloatVector.broadcast(S, w[w0 + t]);
            a00 = x0v.fma(b, a00); a01 = x1v.fma(b, a01);
            b = FloatVector.broadcast(S, w[w1 + t]);
            a10 = x0v.fma(b, a10); a11 = x1v.fma(b, a11);
            b = FloatVector.broadcast(S, w[w2 + t]);
            a20 = x0v.fma(b, a20); a21 = x1v.fma(b, a21);
            b = FloatVector.broadcast(S, w[w3 + t]);
            a30 = x0v.fma(b, a30); a31 = x1v.fma(b, a31);
            b = FloatVector.broadcast(S, w[w4 + t]);
            a40 = x0v.fma(b, a40); a41 = x1v.fma(b, a41);
            b = FloatVector.broadcast(S, w[w5 + t]);
            a50 = x0v.fma(b, a50); a51 = x1v.fma(b, a51);
        }
        boolean whole = left == WV * L && count == MB;
        float[] dst = whole ? out : park;
        int d = whole ? o0 : tileBuf, dStep = whole ? outPlane : WV * L;
        a00.intoArray(dst, d); a01.intoArray(dst, d + L);
        a10.intoArray(dst, d + dStep); a11.intoArray(dst, d + dStep + L);
        a20.intoArray(dst, d + 2 * dStep); a21.intoArray(dst, d + 2 * dStep + L);
        a30.intoArray(dst, d + 3 * dStep); a31.intoArray(dst, d + 3 * dStep + L);
        a40.intoArray(dst, d + 4 * dStep); a41.intoArray(dst, d + 4 * dStep + L);
        a50.intoArray(dst, d + 5 * dStep); a51.intoArray(dst, d + 5 * dStep + L);
        if (!whole) {
            for (int k = 0; k < count; k++) System.arraycopy(park, tileBuf + k * WV * L, out, o0 + k * outPlane, left);
        }
        if (ep != null) {
            for (int k = 0; k < count; k++) ep.applyInPlace(oc + k, out, o0 + k * outPlane, left);
        }
    }

    /**
     * 4 channels × 1 vector of {@code n} valid columns, any stride. A strided input is always a
     * prepared buffer with {@link #slack}, so the gather is unmasked: lanes past {@code n} read
     * slack and are never stored. (A masked gather is not an intrinsic on AVX2; its fallback
     * allocates on every call.)
     */
    private static void tile4x1(float[] in, int x0, int plane, int rowStride, float[] w, int w0, int cg, int kh, int kw,
                                int dh, int dw, int sw, int[] gather, ConvEpilogue ep, int oc, float[] out, int o0, int outPlane, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        VectorMask<Float> m = S.indexInRange(0, n);
        int kk = kh * kw, wStride = cg * kk;
        for (int ci = 0; ci < cg; ci++) {
            for (int i = 0; i < kh; i++) {
                int xr = x0 + ci * plane + i * dh * rowStride;
                int wr = w0 + ci * kk + i * kw;
                for (int j = 0; j < kw; j++) {
                    int at = xr + j * dw;
                    FloatVector x = sw != 1 ? FloatVector.fromArray(S, in, at, gather, 0)
                            : n == L ? FloatVector.fromArray(S, in, at) : FloatVector.fromArray(S, in, at, m);
                    int wj = wr + j;
                    a0 = x.fma(FloatVector.broadcast(S, w[wj]), a0);
                    a1 = x.fma(FloatVector.broadcast(S, w[wj + wStride]), a1);
                    a2 = x.fma(FloatVector.broadcast(S, w[wj + 2 * wStride]), a2);
                    a3 = x.fma(FloatVector.broadcast(S, w[wj + 3 * wStride]), a3);
                }
            }
        }
        if (n == L) {
            a0.intoArray(out, o0); a1.intoArray(out, o0 + outPlane);
            a2.intoArray(out, o0 + 2 * outPlane); a3.intoArray(out, o0 + 3 * outPlane);
        } else {
            a0.intoArray(out, o0, m); a1.intoArray(out, o0 + outPlane, m);
            a2.intoArray(out, o0 + 2 * outPlane, m); a3.intoArray(out, o0 + 3 * outPlane, m);
        }
        if (ep != null) {
            for (int k = 0; k < OB; k++) ep.applyInPlace(oc + k, out, o0 + k * outPlane, n);
        }
    }

    /** 1 channel × 1 vector: the output-channel tail. */
    private static void tile1x1(float[] in, int x0, int plane, int rowStride, float[] w, int w0, int cg, int kh, int kw,
                                int dh, int dw, int sw, int[] gather, ConvEpilogue ep, int oc, float[] out, int o0, int n) {
        FloatVector a = FloatVector.zero(S);
        VectorMask<Float> m = S.indexInRange(0, n);
        int kk = kh * kw;
        for (int ci = 0; ci < cg; ci++) {
            for (int i = 0; i < kh; i++) {
                int xr = x0 + ci * plane + i * dh * rowStride;
                int wr = w0 + ci * kk + i * kw;
                for (int j = 0; j < kw; j++) {
                    int at = xr + j * dw;
                    FloatVector x = sw != 1 ? FloatVector.fromArray(S, in, at, gather, 0)
                            : n == L ? FloatVector.fromArray(S, in, at) : FloatVector.fromArray(S, in, at, m);
                    a = x.fma(FloatVector.broadcast(S, w[wr + j]), a);
                }
            }
        }
        if (n == L) a.intoArray(out, o0);
        else a.intoArray(out, o0, m);
        if (ep != null) ep.applyInPlace(oc, out, o0, n);
    }

    /**
     * The weight gradient's register tile: for the {@link #WT} taps whose input offsets are {@code off0..off4}
     * and 2 vectors of output channels, sums[k·sumStride + lane] (+)= Σ over the output pixels
     * (oh, ow) of in[off_k + oh·rowStep + ow·colStep] · dyT[(oh·wo + ow)·{@link #TW} + lane] (one
     * block of 2·L output channels of the transposed output gradient, pixel after pixel).
     * {@code fresh}: start from zero instead of the stored sums.
     */
    static void weightTile(float[] buf, int off0, int off1, int off2, int off3, int off4, int rowStep, int colStep,
                           int ho, int wo, int dyT, int sums, int sumStride, boolean fresh) {
        FloatVector a00, a01, a10, a11, a20, a21, a30, a31, a40, a41;
        if (fresh) {
            a00 = FloatVector.zero(S); a01 = a00; a10 = a00; a11 = a00; a20 = a00; a21 = a00;
            a30 = a00; a31 = a00; a40 = a00; a41 = a00;
        } else {
            a00 = FloatVector.fromArray(S, buf, sums); a01 = FloatVector.fromArray(S, buf, sums + L);
            a10 = FloatVector.fromArray(S, buf, sums + sumStride); a11 = FloatVector.fromArray(S, buf, sums + sumStride + L);
            a20 = FloatVector.fromArray(S, buf, sums + 2 * sumStride); a21 = FloatVector.fromArray(S, buf, sums + 2 * sumStride + L);
            a30 = FloatVector.fromArray(S, buf, sums + 3 * sumStride); a31 = FloatVector.fromArray(S, buf, sums + 3 * sumStride + L);
            a40 = FloatVector.fromArray(S, buf, sums + 4 * sumStride); a41 = FloatVector.fromArray(S, buf, sums + 4 * sumStride + L);
        }
        int o1 = off1 - off0, o2 = off2 - off0, o3 = off3 - off0, o4 = off4 - off0;
        for (int oh = 0; oh < ho; oh++) {
            int x = off0 + oh * rowStep, d = dyT + oh * wo * TW;
            // The output gradient's index is linear in ow with a constant scale, so C2 hoists its bounds checks.
            for (int ow = 0; ow < wo; ow++) {
                int xi = x + ow * colStep, di = d + ow * TW;
                FloatVector d0 = FloatVector.fromArray(S, buf, di), d1 = FloatVector.fromArray(S, buf, di + L);
                FloatVector b = FloatVector.broadcast(S, buf[xi]);
                a00 = d0.fma(b, a00); a01 = d1.fma(b, a01);
                b = FloatVector.broadcast(S, buf[xi + o1]);
                a10 = d0.fma(b, a10); a11 = d1.fma(b, a11);
                b = FloatVector.broadcast(S, buf[xi + o2]);
                a20 = d0.fma(b, a20); a21 = d1.fma(b, a21);
                b = FloatVector.broadcast(S, buf[xi + o3]);
                a30 = d0.fma(b, a30); a31 = d1.fma(b, a31);
                b = FloatVector.broadcast(S, buf[xi + o4]);
                a40 = d0.fma(b, a40); a41 = d1.fma(b, a41);
            }
        }
        a00.intoArray(buf, sums); a01.intoArray(buf, sums + L);
        a10.intoArray(buf, sums + sumStride); a11.intoArray(buf, sums + sumStride + L);
        a20.intoArray(buf, sums + 2 * sumStride); a21.intoArray(buf, sums + 2 * sumStride + L);
        a30.intoArray(buf, sums + 3 * sumStride); a31.intoArray(buf, sums + 3 * sumStride + L);
        a40.intoArray(buf, sums + 4 * sumStride); a41.intoArray(buf, sums + 4 * sumStride + L);
    }

    // ---- preparing inputs ------------------------------------------------------------------------

    /**
     * Copies {@code channels} planes of h×w from {@code x} into {@code buf} in the interleaved
     * layout [h + 2·padH][channels][w + 2·padW], with zero rows above and below and zero
     * columns left and right, then zeroes {@code slack} more floats. Channel step
     * w + 2·padW, row step channels·(w + 2·padW).
     */
    static void pad(float[] x, int xOff, int channels, int h, int w, int padH, int padW, float[] buf, int bufOff, int slack) {
        int rows = h + 2 * padH, rowStride = w + 2 * padW, rowStep = channels * rowStride;
        java.util.Arrays.fill(buf, bufOff, bufOff + padH * rowStep, 0f);
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < channels; c++) {
                int d = bufOff + (r + padH) * rowStep + c * rowStride;
                if (padW > 0) {
                    java.util.Arrays.fill(buf, d, d + padW, 0f);
                    java.util.Arrays.fill(buf, d + padW + w, d + rowStride, 0f);
                }
                System.arraycopy(x, xOff + (c * h + r) * w, buf, d + padW, w);
            }
        }
        java.util.Arrays.fill(buf, bufOff + (padH + h) * rowStep, bufOff + rows * rowStep + slack, 0f);
    }

    /** Columns per phase of a padded row of {@code rowStride} columns split into {@code sw} phases. */
    static int phaseLen(int rowStride, int sw) { return (rowStride + sw - 1) / sw; }

    /**
     * {@link #pad} for a convolution with column stride {@code sw} > 1: each channel's padded row
     * of w + 2·padW columns is stored as {@code sw} phases of {@link #phaseLen} columns, padded
     * column v at phase v mod sw, position v / sw ([h + 2·padH][channels][sw][phaseLen]; channel
     * step sw·phaseLen). Output column ow of tap column offset d then reads phase d mod sw at
     * ow + d / sw: consecutive output columns read consecutive floats, as in a stride-1 convolution.
     */
    static void padPhased(float[] x, int xOff, int channels, int h, int w, int padH, int padW, int sw,
                          float[] buf, int bufOff, int slack) {
        int rows = h + 2 * padH, phaseLen = phaseLen(w + 2 * padW, sw), channelStep = sw * phaseLen, rowStep = channels * channelStep;
        java.util.Arrays.fill(buf, bufOff, bufOff + rows * rowStep + slack, 0f);
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < channels; c++) {
                int d = bufOff + (r + padH) * rowStep + c * channelStep, src = xOff + (c * h + r) * w;
                for (int p = 0; p < sw; p++) {
                    // padded columns v = p, p + sw, ... hold input columns v − padW where 0 <= v − padW < w
                    int first = p >= padW ? 0 : (padW - p + sw - 1) / sw, dst = d + p * phaseLen;
                    for (int k = first, col = k * sw + p - padW; col < w; k++, col += sw) buf[dst + k] = x[src + col];
                }
            }
        }
    }

    /**
     * Writes buf[bufOff + c·channelStep + u·rowStep + v] = g[c][(u − shiftH)/sh][(v − shiftW)/sw] where both divisions are exact
     * and in range, else 0, for u < rows and v < rowStride, then {@code slack} zeros (steps: rowStride and
     * channels·rowStride interleave channels like {@link #pad}; rows·rowStride and rowStride make planes): the output
     * gradient dilated by the stride and shifted, so the input gradient becomes a stride-1
     * correlation with the flipped kernel. Shifts may be negative (padding wider than the kernel).
     */
    static void dilate(float[] g, int gOff, int channels, int ho, int wo, int sh, int sw, int shiftH, int shiftW,
                       float[] buf, int bufOff, int channelStep, int rowStep, int rows, int rowStride, int slack) {
        java.util.Arrays.fill(buf, bufOff, bufOff + channels * rows * rowStride + slack, 0f);
        for (int c = 0; c < channels; c++) {
            for (int oh = 0; oh < ho; oh++) {
                int u = oh * sh + shiftH;
                if (u < 0 || u >= rows) continue;
                int src = gOff + (c * ho + oh) * wo, dst = bufOff + c * channelStep + u * rowStep;
                if (sw == 1 && shiftW >= 0 && shiftW + wo <= rowStride) {
                    System.arraycopy(g, src, buf, dst + shiftW, wo);
                    continue;
                }
                for (int ow = 0; ow < wo; ow++) {
                    int v = ow * sw + shiftW;
                    if (v >= 0 && v < rowStride) buf[dst + v] = g[src + ow];
                }
            }
        }
    }
}
