package dev.smok.cpu;

import dev.smok.ir.ConvArithmetic;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Pooling over NCHW planes: max_pool, avg_pool, their gradients and global_avg_pool, with the
 * interpreter's semantics (ConvKernels): a window's taps in the padding are skipped by max
 * pooling and read as zero by average pooling, which divides by kh·kw when count_include_pad
 * (the default; a ceil_mode window that hangs past the padding counts only its taps inside the
 * padded image) and by the in-image tap count otherwise; max_pool_grad routes each output's
 * gradient to the first maximum of its window in row-major order, summing where windows overlap.
 *
 * <p>Design: one {@link Pool} object per node with the geometry in final fields. The loops clip
 * each window to the image once per output row/column (no per-tap bounds tests), so the inner
 * loops are plain strided reads. Gradients overwrite their output (zero-fill, then scatter).
 * Planes are independent, so a large pooling splits its planes over the executable's worker pool
 * (gradients included: each plane of dx is written by one thread). A stride-1 max pool (GoogLeNet's
 * 3x3 pooling branch) and its gradient take the maximum (and its first index) of shifted vectors
 * over the columns whose window lies inside the image.
 */
final class PoolKernels {
    private PoolKernels() {}

    /** Elements (input plus output) from which a pooling runs on all threads. */
    static final int PARALLEL_ELEMENTS = 1 << 15;

    static OpCalls.Kernel create(Node n, int[] in, int out, OpCalls.Context ctx) {
        if (n.op() == Op.GLOBAL_AVG_POOL) {
            Shape s = n.in(0).shape();
            return new GlobalAvg(in[0], out, s.dim(0) * s.dim(1), s.size(2, 4));
        }
        Shape x = switch (n.op()) {
            case AVG_POOL_GRAD -> n.out().shape();
            default -> n.in(0).shape();
        };
        Shape y = switch (n.op()) {
            case MAX_POOL, AVG_POOL -> n.out().shape();
            case MAX_POOL_GRAD -> n.in(1).shape();
            default -> n.in(0).shape();
        };
        int[] k = ConvArithmetic.pair(n.attrs(), "kernel", 1), s = ConvArithmetic.poolStride(n.attrs());
        int[] p = ConvArithmetic.pair(n.attrs(), "padding", 0);
        boolean includePad = n.attrs().b("count_include_pad", true);
        int planes = x.dim(0) * x.dim(1);
        boolean parallel = (long) planes * (x.size(2, 4) + y.size(2, 4)) >= PARALLEL_ELEMENTS;
        return new Pool(n.op(), in[0], in.length > 1 ? in[1] : 0, out, planes, x.dim(2), x.dim(3), y.dim(2), y.dim(3),
                k[0], k[1], s[0], s[1], p[0], p[1], includePad, parallel ? ctx : null);
    }

    static final class Pool extends OpCalls.SplitKernel {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        private static final float[] IOTA = new float[S.length()];
        static {
            for (int i = 0; i < IOTA.length; i++) IOTA[i] = i;
        }
        private final Op op;
        private final int in0, in1, out, planes, h, w, ho, wo, kh, kw, sh, sw, ph, pw;
        private final boolean includePad;
        private final float[][] lanes; // per part: one vector of window indices (max_pool_grad)
        // stride 1: output columns [vx0, vx1) have their whole window inside the row (vectors there); else none
        private final int vx0, vx1;

        Pool(Op op, int in0, int in1, int out, int planes, int h, int w, int ho, int wo, int kh, int kw, int sh, int sw,
             int ph, int pw, boolean includePad, OpCalls.Context ctx) {
            super(planes, ctx);
            this.op = op; this.in0 = in0; this.in1 = in1; this.out = out; this.planes = planes; this.h = h; this.w = w;
            this.ho = ho; this.wo = wo; this.kh = kh; this.kw = kw; this.sh = sh; this.sw = sw; this.ph = ph; this.pw = pw;
            this.includePad = includePad;
            this.lanes = new float[maxParts()][S.length()];
            boolean vectors = sw == 1 && h * w < 1 << 24; // max_pool_grad holds indices exactly in float lanes
            this.vx0 = vectors ? Math.min(wo, pw) : wo;
            this.vx1 = vectors ? Math.max(vx0, Math.min(wo, w - kw + pw + 1)) : wo;
        }

        /** Planes [p0, p1), as part {@code part} of the run. */
        @Override void items(float[] a, int p0, int p1, int part) {
            switch (op) {
                case MAX_POOL -> maxPool(a, p0, p1);
                case MAX_POOL_GRAD -> maxPoolGrad(a, p0, p1, lanes[part]);
                case AVG_POOL -> avgPool(a, p0, p1);
                case AVG_POOL_GRAD -> avgPoolGrad(a, p0, p1);
                default -> throw new IllegalStateException();
            }
        }

        private void maxPool(float[] a, int p0, int p1) {
            int lanes = S.length();
            for (int p = p0; p < p1; p++) {
                int xp = in0 + p * h * w, yp = out + p * ho * wo;
                for (int oy = 0; oy < ho; oy++) {
                    int y0 = Math.max(0, oy * sh - ph), y1 = Math.min(h, oy * sh - ph + kh), yRow = yp + oy * wo;
                    int ox = 0;
                    for (; ox < wo; ox++) {
                        if (ox == vx0) {
                            for (; ox + lanes <= vx1; ox += lanes) {
                                FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                                for (int iy = y0; iy < y1; iy++) {
                                    int at = xp + iy * w + ox - pw;
                                    for (int j = 0; j < kw; j++) m = m.max(FloatVector.fromArray(S, a, at + j));
                                }
                                m.intoArray(a, yRow + ox);
                            }
                            if (ox >= wo) break;
                        }
                        int x0 = Math.max(0, ox * sw - pw), x1 = Math.min(w, ox * sw - pw + kw);
                        float m = Float.NEGATIVE_INFINITY;
                        for (int iy = y0; iy < y1; iy++) {
                            int row = xp + iy * w;
                            for (int ix = x0; ix < x1; ix++) m = Math.max(m, a[row + ix]);
                        }
                        a[yRow + ox] = m;
                    }
                }
            }
        }

        /**
         * in0 = x, in1 = g (pooled shape), out = dx (x's shape). With stride 1, the interior columns
         * find the first maximum of 8 (or 16) windows at once (a strict greater-than keeps the
         * earliest tap, as the scalar loop does), then add each gradient at its lane's index.
         */
        private void maxPoolGrad(float[] a, int p0, int p1, float[] lane) {
            java.util.Arrays.fill(a, out + p0 * h * w, out + p1 * h * w, 0f);
            int lanes = S.length();
            FloatVector iota = FloatVector.fromArray(S, IOTA, 0);
            for (int p = p0; p < p1; p++) {
                int xp = in0 + p * h * w, gp = in1 + p * ho * wo, dp = out + p * h * w;
                for (int oy = 0; oy < ho; oy++) {
                    int y0 = Math.max(0, oy * sh - ph), y1 = Math.min(h, oy * sh - ph + kh);
                    for (int ox = 0; ox < wo; ox++) {
                        if (ox == vx0) {
                            for (; ox + lanes <= vx1; ox += lanes) {
                                int first = y0 * w + ox - pw; // index of the window's first tap, lane 0
                                FloatVector m = FloatVector.fromArray(S, a, xp + first), best = iota.add(first);
                                for (int iy = y0; iy < y1; iy++) {
                                    for (int j = iy == y0 ? 1 : 0; j < kw; j++) {
                                        int at = iy * w + ox - pw + j;
                                        FloatVector v = FloatVector.fromArray(S, a, xp + at);
                                        VectorMask<Float> greater = v.compare(VectorOperators.GT, m);
                                        m = m.blend(v, greater);
                                        best = best.blend(iota.add(at), greater);
                                    }
                                }
                                best.intoArray(lane, 0);
                                int g = gp + oy * wo + ox;
                                for (int l = 0; l < lanes; l++) a[dp + (int) lane[l]] += a[g + l];
                            }
                            if (ox >= wo) break;
                        }
                        int x0 = Math.max(0, ox * sw - pw), x1 = Math.min(w, ox * sw - pw + kw);
                        int best = y0 * w + x0;
                        float m = a[xp + best];
                        for (int iy = y0; iy < y1; iy++) {
                            for (int ix = x0; ix < x1; ix++) {
                                float v = a[xp + iy * w + ix];
                                if (v > m) { m = v; best = iy * w + ix; }
                            }
                        }
                        a[dp + best] += a[gp + oy * wo + ox];
                    }
                }
            }
        }

        /** count_include_pad: the window within the padded image (ConvArithmetic.paddedTaps); else its in-image taps. */
        private float divisor(int oy, int ox, int y0, int y1, int x0, int x1) {
            if (!includePad) return (y1 - y0) * (x1 - x0);
            return ConvArithmetic.paddedTaps(oy * sh - ph, kh, h, ph) * ConvArithmetic.paddedTaps(ox * sw - pw, kw, w, pw);
        }

        private void avgPool(float[] a, int p0, int p1) {
            for (int p = p0; p < p1; p++) {
                int xp = in0 + p * h * w, yp = out + p * ho * wo;
                for (int oy = 0; oy < ho; oy++) {
                    int y0 = Math.max(0, oy * sh - ph), y1 = Math.min(h, oy * sh - ph + kh);
                    for (int ox = 0; ox < wo; ox++) {
                        int x0 = Math.max(0, ox * sw - pw), x1 = Math.min(w, ox * sw - pw + kw);
                        float s = 0;
                        for (int iy = y0; iy < y1; iy++) {
                            int row = xp + iy * w;
                            for (int ix = x0; ix < x1; ix++) s += a[row + ix];
                        }
                        a[yp + oy * wo + ox] = s / divisor(oy, ox, y0, y1, x0, x1);
                    }
                }
            }
        }

        /** in0 = g (pooled shape), out = dx. */
        private void avgPoolGrad(float[] a, int p0, int p1) {
            java.util.Arrays.fill(a, out + p0 * h * w, out + p1 * h * w, 0f);
            for (int p = p0; p < p1; p++) {
                int gp = in0 + p * ho * wo, dp = out + p * h * w;
                for (int oy = 0; oy < ho; oy++) {
                    int y0 = Math.max(0, oy * sh - ph), y1 = Math.min(h, oy * sh - ph + kh);
                    for (int ox = 0; ox < wo; ox++) {
                        int x0 = Math.max(0, ox * sw - pw), x1 = Math.min(w, ox * sw - pw + kw);
                        float share = a[gp + oy * wo + ox] / divisor(oy, ox, y0, y1, x0, x1);
                        for (int iy = y0; iy < y1; iy++) {
                            int row = dp + iy * w;
                            for (int ix = x0; ix < x1; ix++) a[row + ix] += share;
                        }
                    }
                }
            }
        }

        @Override String describe() {
            return op.text() + " " + planes + " planes " + h + "x" + w + " -> " + ho + "x" + wo + " window " + kh + "x" + kw
                    + " stride " + sh + "x" + sw + " pad " + ph + "x" + pw + (ctx == null ? "" : " (planes split over the workers)");
        }
    }

    /** y[p] = mean of plane p. */
    static final class GlobalAvg extends OpCalls.Kernel {
        private final int in, out, planes, plane;

        GlobalAvg(int in, int out, int planes, int plane) { this.in = in; this.out = out; this.planes = planes; this.plane = plane; }

        @Override public void run(float[] a) {
            for (int p = 0; p < planes; p++) a[out + p] = NormCalls.sum(a, in + p * plane, plane) / plane;
        }

        @Override String describe() { return "global_avg_pool " + planes + " planes of " + plane; }
    }
}
