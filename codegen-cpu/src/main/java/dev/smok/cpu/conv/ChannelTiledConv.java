package dev.smok.cpu.conv;

import static dev.smok.cpu.conv.DirectConv.L;
import static dev.smok.cpu.conv.DirectConv.S;

import jdk.incubator.vector.FloatVector;

/**
 * The stride-1 direct convolution with output channels in the vector lanes: the forward pass of
 * every stride-1 convolution that is not a plain 1×1, and the input gradient of every
 * convolution (a stride-1 correlation over the dilated output gradient, see
 * {@link Conv2dKernels#inputGrad}).
 *
 * <p>Input: a <em>planar</em> prepared image, channel after channel, each a plane of rows of
 * {@code pitch} floats with the padding already in it ({@link #pad}). With stride 1, output
 * pixel (oh, ow) of tap (c, i, j) reads element {@code c·plane + (oh + i·dh)·pitch + ow + j·dw},
 * so numbering the output pixels q = oh·pitch + ow (a row of {@code pitch} positions of which
 * the first {@code wo} are real) makes every tap a constant offset from q: the kernel runs over q
 * in one flat range, rows and all, and drops the {@code pitch − wo} positions at the end of each
 * row when it stores (under 4% of the work on a 56×56 image padded by 1).
 *
 * <p>Register tile: {@link #PX} = 5 consecutive pixels × 2 vectors of output channels ({@link #OCB},
 * 16 with AVX2), 10 accumulators (with 6 pixels C2 spills). Per tap it broadcasts the 5 input
 * values (adjacent floats) and loads 2 vectors of weights packed tap-major ({@link #packForward}:
 * one stream per block of {@link #OCB} output channels, zero past the last channel), for 10 FMAs; every address is a
 * constant offset from the tap's input offset or linear in the tap, so the loop holds no index
 * arithmetic beyond one table read. Earlier tiles with pixels in the lanes broadcast 6 weights
 * from 6 streams, and their loop ran at 40% of the FMA peak.
 *
 * <p>Cache blocking: the sums of a chunk of {@link #CHUNK} pixels stay in a small buffer (in L1)
 * while the taps are applied in passes of about {@link #PASS_TAPS} (whole input channels), so one
 * pass touches its block of packed weights (9 KiB), a few rows of its input channels and the
 * sums, all in L1. After the last pass the chunk's real pixels are transposed into the NCHW
 * output, the epilogue applied on the way; then the same chunk goes through the next block of
 * output channels, its input rows still in L2.
 */
final class ChannelTiledConv {
    private ChannelTiledConv() {}

    /** Output channels per register tile: 2 vectors. */
    static final int OCB = 2 * L;
    /** Pixels per register tile. */
    static final int PX = 5;
    /** Pixels per chunk whose sums are kept between tap passes (a multiple of {@link #PX}). */
    static final int CHUNK = 16 * PX;
    /** Taps per pass over a chunk, rounded down to whole input channels (at least one). */
    static final int PASS_TAPS = 144;
    /** Floats after a prepared input that the last tile of a row range may read. */
    static final int SLACK = PX + L;

    /** Floats of the sums buffer one call needs. */
    static int sumsSize() { return CHUNK * OCB; }

    /** {@code channels} rounded up to whole tiles. */
    static int padded(int channels) { return (channels + OCB - 1) / OCB * OCB; }

    /**
     * Whether this kernel should compute {@code channels} output channels: the tile always
     * computes {@link #OCB} of them, so a group whose count is far from a multiple wastes work
     * (6 channels would compute 16); those stay on {@link DirectConv}'s 6-channel tiles.
     */
    static boolean suits(int channels) { return padded(channels) * 4 <= channels * 5; }

    /**
     * Output channels {@code [0, channels)} of one image (one group), pixels [q0, q1) of the flat
     * numbering (chunk-aligned q0), over all taps. {@code in[inOff ..]}: the group's first input
     * channel of a planar prepared image of row pitch {@code pitch}; {@code taps[0 .. tapCount)}:
     * input offsets of the taps in weight order ({@code kk} per input channel);
     * {@code w[wOff + (b·tapCount + t)·OCB + lane]}: the packed weight of tap t and output channel
     * b·OCB + lane. Output channel k's plane starts at {@code out[outOff + k·outPlane]} (ho × wo)
     * and its pixels in the range are overwritten, then the epilogue of channel {@code epOc + k} is
     * applied to them. {@code sums[sumsOff ..]}: {@link #sumsSize} floats of scratch.
     *
     * <p>Each chunk of pixels goes through every block of {@link #OCB} channels before the next, so
     * the chunk's input rows (all input channels) stay in L2 across the blocks and each input
     * element comes from further out only once, with the packed weights of the group kept in L2.
     */
    static void convolve(float[] in, int inOff, int pitch, int[] taps, int tapCount, int kk, float[] w, int wOff,
                         float[] out, int outOff, int outPlane, int ho, int wo, int q0, int q1, int channels,
                         ConvEpilogue ep, int epOc, float[] sums, int sumsOff) {
        int pass = Math.max(1, PASS_TAPS / kk) * kk, blockWeights = tapCount * OCB;
        for (int c0 = q0; c0 < q1; c0 += CHUNK) {
            int n = Math.min(CHUNK, q1 - c0);
            for (int oc = 0; oc < channels; oc += OCB) {
                int wb = wOff + oc / OCB * blockWeights;
                for (int t0 = 0; t0 < tapCount; t0 += pass) {
                    int t1 = Math.min(tapCount, t0 + pass);
                    for (int p = 0; p < n; p += PX) tile(in, inOff + c0 + p, taps, t0, t1, w, wb, sums, sumsOff + p * OCB, t0 == 0);
                }
                store(sums, sumsOff, c0, n, pitch, wo, out, outOff + oc * outPlane, outPlane, Math.min(OCB, channels - oc), ep, epOc + oc);
            }
        }
    }

    /** Pixels of the flat numbering that {@link #convolve} covers for an ho × wo output of row pitch {@code pitch}. */
    static int pixels(int ho, int wo, int pitch) { return (ho - 1) * pitch + wo; }

    /** Start of band {@code band} of {@code bands} of those pixels, in whole chunks ({@code pixels} for band = bands). */
    static int bandBegin(int pixels, int band, int bands) {
        return Math.min(pixels, ParallelFor.sliceBegin((pixels + CHUNK - 1) / CHUNK, band, bands) * CHUNK);
    }

    /**
     * Bands to split each image's pixels into so that {@code threads} slices get about as much work
     * each (at least two items per thread, never a band below a few chunks).
     */
    static int bands(int images, int pixels, int threads) {
        int want = (2 * threads + images - 1) / images;
        return Math.max(1, Math.min(want, pixels / (4 * CHUNK)));
    }

    // No method here takes or returns a vector (see the note in DirectConv): the tile reads and
    // writes its sums through the buffer.

    /**
     * Adds taps [t0, t1) of pixels x0 .. x0 + 5 to the 6 × {@link #OCB} sums at {@code sums[s ..]}
     * (pixel-major: pixel p's channels at s + p·OCB), or starts them from zero when {@code fresh}.
     */
    private static void tile(float[] in, int x0, int[] taps, int t0, int t1, float[] w, int w0,
                             float[] sums, int s, boolean fresh) {
        FloatVector a00, a01, a10, a11, a20, a21, a30, a31, a40, a41;
        if (fresh) {
            a00 = FloatVector.zero(S); a01 = a00; a10 = a00; a11 = a00; a20 = a00; a21 = a00;
            a30 = a00; a31 = a00; a40 = a00; a41 = a00;
        } else {
            a00 = FloatVector.fromArray(S, sums, s); a01 = FloatVector.fromArray(S, sums, s + L);
            a10 = FloatVector.fromArray(S, sums, s + OCB); a11 = FloatVector.fromArray(S, sums, s + OCB + L);
            a20 = FloatVector.fromArray(S, sums, s + 2 * OCB); a21 = FloatVector.fromArray(S, sums, s + 2 * OCB + L);
            a30 = FloatVector.fromArray(S, sums, s + 3 * OCB); a31 = FloatVector.fromArray(S, sums, s + 3 * OCB + L);
            a40 = FloatVector.fromArray(S, sums, s + 4 * OCB); a41 = FloatVector.fromArray(S, sums, s + 4 * OCB + L);
        }
        for (int t = t0; t < t1; t++) {
            int x = x0 + taps[t], wt = w0 + t * OCB;
            FloatVector w0v = FloatVector.fromArray(S, w, wt), w1v = FloatVector.fromArray(S, w, wt + L);
            FloatVector b = FloatVector.broadcast(S, in[x]);
            a00 = b.fma(w0v, a00); a01 = b.fma(w1v, a01);
            b = FloatVector.broadcast(S, in[x + 1]);
            a10 = b.fma(w0v, a10); a11 = b.fma(w1v, a11);
            b = FloatVector.broadcast(S, in[x + 2]);
            a20 = b.fma(w0v, a20); a21 = b.fma(w1v, a21);
            b = FloatVector.broadcast(S, in[x + 3]);
            a30 = b.fma(w0v, a30); a31 = b.fma(w1v, a31);
            b = FloatVector.broadcast(S, in[x + 4]);
            a40 = b.fma(w0v, a40); a41 = b.fma(w1v, a41);
        }
        a00.intoArray(sums, s); a01.intoArray(sums, s + L);
        a10.intoArray(sums, s + OCB); a11.intoArray(sums, s + OCB + L);
        a20.intoArray(sums, s + 2 * OCB); a21.intoArray(sums, s + 2 * OCB + L);
        a30.intoArray(sums, s + 3 * OCB); a31.intoArray(sums, s + 3 * OCB + L);
        a40.intoArray(sums, s + 4 * OCB); a41.intoArray(sums, s + 4 * OCB + L);
    }

    /**
     * Copies the real pixels of chunk [q0, q0 + n) from the pixel-major sums into the output planes
     * of channels [0, ocCount), row run by row run, and applies the epilogue to each run.
     */
    private static void store(float[] sums, int sumsOff, int q0, int n, int pitch, int wo, float[] out, int outOff,
                              int outPlane, int ocCount, ConvEpilogue ep, int epOc) {
        for (int q = q0, end = q0 + n; q < end; ) {
            int oh = q / pitch, ow = q - oh * pitch;
            if (ow >= wo) { q += pitch - ow; continue; }
            int run = Math.min(wo - ow, end - q), o = outOff + oh * wo + ow, s = sumsOff + (q - q0) * OCB;
            for (int k = 0; k < ocCount; k++) {
                int ok = o + k * outPlane;
                if (ep == null) {
                    for (int i = 0; i < run; i++) out[ok + i] = sums[s + i * OCB + k];
                } else {
                    storeWithEpilogue(sums, s + k, out, ok, run, ep, epOc + k);
                }
            }
            q += run;
        }
    }

    /**
     * out[o + i] = epilogue(sums[s + i·OCB]) for i < run, with {@link ConvEpilogue}'s arithmetic
     * (scale, then shift, then the residual, then the ReLU), in the copy out of the sums.
     */
    private static void storeWithEpilogue(float[] sums, int s, float[] out, int o, int run, ConvEpilogue ep, int oc) {
        float a = ep.scale() == null ? 1f : ep.scale()[oc], b = ep.shift() == null ? 0f : ep.shift()[oc];
        int shift = ep.residualShift();
        boolean residual = ep.residual(), relu = ep.relu();
        for (int i = 0; i < run; i++) {
            float v = sums[s + i * OCB] * a + b;
            if (residual) v += out[o + i + shift];
            if (relu) v = Math.max(v, 0f);
            out[o + i] = v;
        }
    }

    // ---- preparing inputs and weights ------------------------------------------------------------

    /**
     * Copies {@code channels} planes of h×w from {@code x} into {@code buf} planar, each padded to
     * (h + 2·padH) × (w + 2·padW) with zeros, then {@link #SLACK} zeros. Row pitch w + 2·padW.
     */
    static void pad(float[] x, int xOff, int channels, int h, int w, int padH, int padW, float[] buf, int bufOff) {
        int pitch = w + 2 * padW, plane = (h + 2 * padH) * pitch;
        for (int c = 0; c < channels; c++) {
            int p = bufOff + c * plane;
            java.util.Arrays.fill(buf, p, p + padH * pitch + padW, 0f);
            for (int r = 0; r < h; r++) {
                int d = p + (r + padH) * pitch + padW;
                System.arraycopy(x, xOff + (c * h + r) * w, buf, d, w);
                java.util.Arrays.fill(buf, d + w, d + w + 2 * padW, 0f); // this row's right and the next one's left padding
            }
            java.util.Arrays.fill(buf, p + (h + padH) * pitch + padW, p + plane, 0f);
        }
        int end = bufOff + channels * plane;
        java.util.Arrays.fill(buf, end, end + SLACK, 0f);
    }

    /**
     * Packs the weight [o, cg, kh, kw] for {@link #convolve}: for group grp and block b of
     * {@link #OCB} output channels, {@code dst[dstOff + ((grp·blocks + b)·taps + t)·OCB + lane]} =
     * weight of output channel grp·og + b·OCB + lane at tap t (zero past og), taps = cg·kh·kw.
     */
    static void packForward(ConvGeometry g, float[] w, int wOff, float[] dst, int dstOff) {
        int taps = g.cg() * g.kh() * g.kw(), og = g.og(), blocks = padded(og) / OCB;
        for (int grp = 0; grp < g.groups(); grp++)
            for (int b = 0; b < blocks; b++)
                for (int lane = 0; lane < OCB; lane++) {
                    int oc = b * OCB + lane, d = dstOff + (grp * blocks + b) * taps * OCB + lane;
                    int src = wOff + (grp * og + oc) * taps;
                    for (int t = 0; t < taps; t++) dst[d + t * OCB] = oc < og ? w[src + t] : 0f;
                }
    }

    /**
     * Packs the weight for the input gradient: output channels of the correlation are the input
     * channels ci of each group, taps are (o′, i, j) over the group's og output channels with the
     * kernel flipped: {@code dst[dstOff + ((grp·blocks + b)·taps + (o′·kk + i·kw + j))·OCB + lane]} =
     * w[grp·og + o′][b·OCB + lane][kh−1−i][kw−1−j] (zero past cg), taps = og·kh·kw.
     */
    static void packInputGrad(ConvGeometry g, float[] w, int wOff, float[] dst, int dstOff) {
        int kk = g.kh() * g.kw(), cg = g.cg(), og = g.og(), taps = og * kk, blocks = padded(cg) / OCB;
        for (int grp = 0; grp < g.groups(); grp++)
            for (int b = 0; b < blocks; b++)
                for (int lane = 0; lane < OCB; lane++) {
                    int ci = b * OCB + lane, d = dstOff + (grp * blocks + b) * taps * OCB + lane;
                    for (int oo = 0; oo < og; oo++) {
                        int src = wOff + ((grp * og + oo) * cg + ci) * kk + kk - 1;
                        for (int t = 0; t < kk; t++) dst[d + (oo * kk + t) * OCB] = ci < cg ? w[src - t] : 0f;
                    }
                }
    }
}
