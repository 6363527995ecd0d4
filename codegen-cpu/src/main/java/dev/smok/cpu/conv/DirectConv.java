package dev.smok.cpu.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled direct convolution that every convolution kernel of this package runs.
 *
 * <p>It reads a <em>prepared</em> input: a stack of planes {@code [channels][rows][rowStride]}
 * in which output pixel (oh, ow) of tap (i, j) reads row {@code oh·sh + i·dh}, column
 * {@code ow·sw + j·dw}, with no bounds checks — the caller has already applied padding
 * (a zero-padded copy of the image for the forward pass, a zero-dilated and shifted copy of
 * the output gradient for the input gradient). No im2col matrix is ever built: the extra
 * memory is one padded image.
 *
 * <p>Tiling: a tile is 4 output channels × 4 vectors of consecutive output columns (64 pixels
 * with 16-lane vectors) of one output row, held in 16 accumulators. For every input channel
 * and tap the tile loads 4 input vectors and broadcasts 4 weights, then issues 16 FMAs, so the
 * loop is bound by FMA throughput rather than loads. Row tails, strides other than 1 (loaded by
 * gathers) and output-channel tails use narrower 4×1 and 1×1 tiles with masks.
 */
final class DirectConv {
    private DirectConv() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Output channels per register tile. */
    static final int OB = 4;

    /** Slack after a prepared buffer so vector tiles may read past the last row. */
    static int slack(int sw) { return 4 * L * sw + L; }

    /**
     * Output channels {@code [ocFirst, ocFirst + ocCount)} of one image. Weights of output
     * channel oc start at {@code wOff + oc·cg·kh·kw} ([cg][kh][kw]); it reads input planes
     * {@code inFirst .. inFirst + cg − 1}; output plane oc starts at {@code outOff + oc·ho·wo}
     * and is overwritten. {@code overrunSafe}: rows may be read past their end (prepared
     * buffers have slack); when false, partial vectors use masked loads.
     */
    static void convolve(float[] in, int inOff, int rows, int rowStride, boolean overrunSafe,
                         float[] w, int wOff, int cg, int kh, int kw, int sh, int sw, int dh, int dw,
                         float[] bias, int biasOff, float[] out, int outOff, int ho, int wo,
                         int ocFirst, int ocCount, int inFirst) {
        int plane = rows * rowStride;
        int base = inOff + inFirst * plane;
        int[] gather = sw == 1 ? null : gatherIndices(sw);
        int end = ocFirst + ocCount, oc = ocFirst;
        for (; oc + OB <= end; oc += OB) {
            for (int oh = 0; oh < ho; oh++) {
                int xRow = base + oh * sh * rowStride;
                for (int ow0 = 0; ow0 < wo; ow0 += OB * L) {
                    int left = wo - ow0;
                    if (sw == 1 && (left >= OB * L || (overrunSafe && left > (OB - 1) * L))) {
                        tile4x4(in, xRow + ow0, plane, rowStride, w, wOff + oc * cg * kh * kw, cg, kh, kw, dh, dw,
                                bias, biasOff + oc, out, outOff + (oc * ho + oh) * wo + ow0, ho * wo, left);
                    } else {
                        for (int v = ow0; v < Math.min(wo, ow0 + OB * L); v += L) {
                            tile4x1(in, xRow + v * sw, plane, rowStride, w, wOff + oc * cg * kh * kw, cg, kh, kw, dh, dw, sw, gather,
                                    bias, biasOff + oc, out, outOff + (oc * ho + oh) * wo + v, ho * wo, Math.min(L, wo - v));
                        }
                    }
                }
            }
        }
        for (; oc < end; oc++) {
            for (int oh = 0; oh < ho; oh++) {
                int xRow = base + oh * sh * rowStride;
                for (int v = 0; v < wo; v += L) {
                    tile1x1(in, xRow + v * sw, plane, rowStride, w, wOff + oc * cg * kh * kw, cg, kh, kw, dh, dw, sw, gather,
                            bias, biasOff + oc, out, outOff + (oc * ho + oh) * wo + v, Math.min(L, wo - v));
                }
            }
        }
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

    private static FloatVector start(float[] bias, int at) {
        return bias == null ? FloatVector.zero(S) : FloatVector.broadcast(S, bias[at]);
    }

    /** 4 channels × 4 vectors; stride 1; {@code left} valid columns from the tile start (> 3L). */
    private static void tile4x4(float[] in, int x0, int plane, int rowStride, float[] w, int w0, int cg, int kh, int kw,
                                int dh, int dw, float[] bias, int b0, float[] out, int o0, int outPlane, int left) {
        FloatVector a00 = start(bias, b0), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = start(bias, b0 + 1), a11 = a10, a12 = a10, a13 = a10;
        FloatVector a20 = start(bias, b0 + 2), a21 = a20, a22 = a20, a23 = a20;
        FloatVector a30 = start(bias, b0 + 3), a31 = a30, a32 = a30, a33 = a30;
        int kk = kh * kw, wStride = cg * kk;
        for (int ci = 0; ci < cg; ci++) {
            for (int i = 0; i < kh; i++) {
                int xr = x0 + ci * plane + i * dh * rowStride;
                int wr = w0 + ci * kk + i * kw;
                for (int j = 0; j < kw; j++) {
                    int xo = xr + j * dw;
                    FloatVector x0v = FloatVector.fromArray(S, in, xo);
                    FloatVector x1v = FloatVector.fromArray(S, in, xo + L);
                    FloatVector x2v = FloatVector.fromArray(S, in, xo + 2 * L);
                    FloatVector x3v = FloatVector.fromArray(S, in, xo + 3 * L);
                    int wj = wr + j;
                    FloatVector b = FloatVector.broadcast(S, w[wj]);
                    a00 = x0v.fma(b, a00); a01 = x1v.fma(b, a01); a02 = x2v.fma(b, a02); a03 = x3v.fma(b, a03);
                    b = FloatVector.broadcast(S, w[wj + wStride]);
                    a10 = x0v.fma(b, a10); a11 = x1v.fma(b, a11); a12 = x2v.fma(b, a12); a13 = x3v.fma(b, a13);
                    b = FloatVector.broadcast(S, w[wj + 2 * wStride]);
                    a20 = x0v.fma(b, a20); a21 = x1v.fma(b, a21); a22 = x2v.fma(b, a22); a23 = x3v.fma(b, a23);
                    b = FloatVector.broadcast(S, w[wj + 3 * wStride]);
                    a30 = x0v.fma(b, a30); a31 = x1v.fma(b, a31); a32 = x2v.fma(b, a32); a33 = x3v.fma(b, a33);
                }
            }
        }
        store4(a00, a01, a02, a03, out, o0, left);
        store4(a10, a11, a12, a13, out, o0 + outPlane, left);
        store4(a20, a21, a22, a23, out, o0 + 2 * outPlane, left);
        store4(a30, a31, a32, a33, out, o0 + 3 * outPlane, left);
    }

    private static void store4(FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3, float[] out, int o, int left) {
        v0.intoArray(out, o);
        v1.intoArray(out, o + L);
        v2.intoArray(out, o + 2 * L);
        if (left >= 4 * L) v3.intoArray(out, o + 3 * L);
        else v3.intoArray(out, o + 3 * L, S.indexInRange(0, left - 3 * L));
    }

    /**
     * One vector of {@code n} valid columns starting at input offset {@code at} (gathered when
     * strided). A strided input is always a prepared buffer with {@link #slack}, so the gather is
     * unmasked: lanes past {@code n} read slack and are never stored. (A masked gather is not an
     * intrinsic on AVX2; its fallback allocates on every call.)
     */
    static FloatVector load(float[] in, int at, int sw, int[] gather, int n) {
        if (sw == 1) return n == L ? FloatVector.fromArray(S, in, at) : FloatVector.fromArray(S, in, at, S.indexInRange(0, n));
        return FloatVector.fromArray(S, in, at, gather, 0);
    }

    private static void store(FloatVector v, float[] out, int o, int n) {
        if (n == L) v.intoArray(out, o);
        else v.intoArray(out, o, S.indexInRange(0, n));
    }

    /** 4 channels × 1 vector of {@code n} valid columns, any stride. */
    private static void tile4x1(float[] in, int x0, int plane, int rowStride, float[] w, int w0, int cg, int kh, int kw,
                                int dh, int dw, int sw, int[] gather, float[] bias, int b0, float[] out, int o0, int outPlane, int n) {
        FloatVector a0 = start(bias, b0), a1 = start(bias, b0 + 1), a2 = start(bias, b0 + 2), a3 = start(bias, b0 + 3);
        int kk = kh * kw, wStride = cg * kk;
        for (int ci = 0; ci < cg; ci++) {
            for (int i = 0; i < kh; i++) {
                int xr = x0 + ci * plane + i * dh * rowStride;
                int wr = w0 + ci * kk + i * kw;
                for (int j = 0; j < kw; j++) {
                    FloatVector x = load(in, xr + j * dw, sw, gather, n);
                    int wj = wr + j;
                    a0 = x.fma(FloatVector.broadcast(S, w[wj]), a0);
                    a1 = x.fma(FloatVector.broadcast(S, w[wj + wStride]), a1);
                    a2 = x.fma(FloatVector.broadcast(S, w[wj + 2 * wStride]), a2);
                    a3 = x.fma(FloatVector.broadcast(S, w[wj + 3 * wStride]), a3);
                }
            }
        }
        store(a0, out, o0, n);
        store(a1, out, o0 + outPlane, n);
        store(a2, out, o0 + 2 * outPlane, n);
        store(a3, out, o0 + 3 * outPlane, n);
    }

    /** 1 channel × 1 vector: the output-channel tail. */
    private static void tile1x1(float[] in, int x0, int plane, int rowStride, float[] w, int w0, int cg, int kh, int kw,
                                int dh, int dw, int sw, int[] gather, float[] bias, int b0, float[] out, int o0, int n) {
        FloatVector a = start(bias, b0);
        int kk = kh * kw;
        for (int ci = 0; ci < cg; ci++) {
            for (int i = 0; i < kh; i++) {
                int xr = x0 + ci * plane + i * dh * rowStride;
                int wr = w0 + ci * kk + i * kw;
                for (int j = 0; j < kw; j++) a = load(in, xr + j * dw, sw, gather, n).fma(FloatVector.broadcast(S, w[wr + j]), a);
            }
        }
        store(a, out, o0, n);
    }

    // ---- preparing inputs ------------------------------------------------------------------------

    /**
     * Copies {@code channels} planes of h×w from {@code x} into {@code buf} with {@code padH} zero
     * rows above and below and {@code padW} zero columns left and right (rowStride w + 2·padW),
     * then zeroes {@code slack} more floats.
     */
    static void pad(float[] x, int xOff, int channels, int h, int w, int padH, int padW, float[] buf, int bufOff, int slack) {
        int rows = h + 2 * padH, rowStride = w + 2 * padW;
        for (int c = 0; c < channels; c++) {
            int p = bufOff + c * rows * rowStride;
            java.util.Arrays.fill(buf, p, p + padH * rowStride, 0f);
            for (int r = 0; r < h; r++) {
                int d = p + (r + padH) * rowStride;
                if (padW > 0) {
                    java.util.Arrays.fill(buf, d, d + padW, 0f);
                    java.util.Arrays.fill(buf, d + padW + w, d + rowStride, 0f);
                }
                System.arraycopy(x, xOff + (c * h + r) * w, buf, d + padW, w);
            }
            java.util.Arrays.fill(buf, p + (padH + h) * rowStride, p + rows * rowStride, 0f);
        }
        int endAt = bufOff + channels * rows * rowStride;
        java.util.Arrays.fill(buf, endAt, endAt + slack, 0f);
    }

    /**
     * Writes buf[c][u][v] = g[c][(u − shiftH)/sh][(v − shiftW)/sw] where both divisions are exact
     * and in range, else 0, for u < rows and v < rowStride, then {@code slack} zeros: the output
     * gradient dilated by the stride and shifted, so the input gradient becomes a stride-1
     * correlation with the flipped kernel. Shifts may be negative (padding wider than the kernel).
     */
    static void dilate(float[] g, int gOff, int channels, int ho, int wo, int sh, int sw, int shiftH, int shiftW,
                       float[] buf, int bufOff, int rows, int rowStride, int slack) {
        java.util.Arrays.fill(buf, bufOff, bufOff + channels * rows * rowStride + slack, 0f);
        for (int c = 0; c < channels; c++) {
            for (int oh = 0; oh < ho; oh++) {
                int u = oh * sh + shiftH;
                if (u < 0 || u >= rows) continue;
                int src = gOff + (c * ho + oh) * wo, dst = bufOff + (c * rows + u) * rowStride;
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
