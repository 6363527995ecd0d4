package dev.smok.ir.interp;

import dev.smok.ir.Attrs;
import dev.smok.ir.ConvArithmetic;
import dev.smok.ir.Node;
import dev.smok.ir.Shape;

/**
 * Reference kernels of convolution, pooling, concatenation and slicing, in float64, written as
 * the definitions: every output element is the sum (or max, or mean) over its window, with
 * input coordinate {@code o·stride + k·dilation − padding}; taps outside the image read zero
 * (convolution, average pooling) or are skipped (max pooling). Gradients are the exact
 * transposes: they scatter along the same index map.
 */
final class ConvKernels {
    private ConvKernels() {}

    /** Window geometry of one node: kernel, stride, padding, dilation, groups (h and w). */
    private record Geometry(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        static Geometry conv(Attrs a, int kh, int kw) {
            int[] s = ConvArithmetic.pair(a, "stride", 1), p = ConvArithmetic.pair(a, "padding", 0);
            int[] d = ConvArithmetic.pair(a, "dilation", 1);
            return new Geometry(kh, kw, s[0], s[1], p[0], p[1], d[0], d[1], a.i("groups", 1));
        }

        static Geometry pool(Attrs a) {
            int[] k = ConvArithmetic.pair(a, "kernel", 1), s = ConvArithmetic.poolStride(a);
            int[] p = ConvArithmetic.pair(a, "padding", 0);
            return new Geometry(k[0], k[1], s[0], s[1], p[0], p[1], 1, 1, 1);
        }
    }

    /**
     * Visits every (output element, input element, weight element) triple of a convolution with
     * x [N,C,H,W], w [O,C/g,kh,kw] and y [N,O,Ho,Wo]; taps in the padding are skipped.
     */
    @FunctionalInterface
    private interface Triple { void visit(int yi, int xi, int wi); }

    private static void forEachTap(Shape x, Shape y, Geometry g, Triple f) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int o = y.dim(1), ho = y.dim(2), wo = y.dim(3);
        int cg = c / g.groups, og = o / g.groups;
        for (int b = 0; b < n; b++)
            for (int oc = 0; oc < o; oc++) {
                int c0 = (oc / og) * cg;
                for (int oy = 0; oy < ho; oy++)
                    for (int ox = 0; ox < wo; ox++) {
                        int yi = ((b * o + oc) * ho + oy) * wo + ox;
                        for (int ic = 0; ic < cg; ic++)
                            for (int ky = 0; ky < g.kh; ky++) {
                                int iy = oy * g.sh + ky * g.dh - g.ph;
                                if (iy < 0 || iy >= h) continue;
                                for (int kx = 0; kx < g.kw; kx++) {
                                    int ix = ox * g.sw + kx * g.dw - g.pw;
                                    if (ix < 0 || ix >= w) continue;
                                    f.visit(yi, ((b * c + c0 + ic) * h + iy) * w + ix, ((oc * cg + ic) * g.kh + ky) * g.kw + kx);
                                }
                            }
                    }
            }
    }

    static double[] conv2d(Node n, double[] x, double[] w) {
        Shape ws = n.in(1).shape();
        double[] y = new double[n.out().shape().size()];
        forEachTap(n.in(0).shape(), n.out().shape(), Geometry.conv(n.attrs(), ws.dim(2), ws.dim(3)),
                (yi, xi, wi) -> y[yi] += x[xi] * w[wi]);
        return y;
    }

    static double[] conv2dInputGrad(Node n, double[] g, double[] w) {
        Shape ws = n.in(1).shape();
        double[] dx = new double[n.out().shape().size()];
        forEachTap(n.out().shape(), n.in(0).shape(), Geometry.conv(n.attrs(), ws.dim(2), ws.dim(3)),
                (yi, xi, wi) -> dx[xi] += g[yi] * w[wi]);
        return dx;
    }

    static double[] conv2dWeightGrad(Node n, double[] x, double[] g) {
        Shape ws = n.out().shape();
        double[] dw = new double[ws.size()];
        forEachTap(n.in(0).shape(), n.in(1).shape(), Geometry.conv(n.attrs(), ws.dim(2), ws.dim(3)),
                (yi, xi, wi) -> dw[wi] += x[xi] * g[yi]);
        return dw;
    }

    /**
     * Visits each output element with the in-image taps of its pooling window and the window's
     * size within the padded image (kh·kw except for a ceil-mode window hanging past the padding).
     */
    @FunctionalInterface
    private interface Window { void visit(int yi, int[] taps, int count, int windowSize); }

    private static void forEachWindow(Shape x, Shape y, Geometry g, Window f) {
        int planes = x.dim(0) * x.dim(1), h = x.dim(2), w = x.dim(3), ho = y.dim(2), wo = y.dim(3);
        int[] taps = new int[g.kh * g.kw];
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++) {
                    int count = 0;
                    for (int ky = 0; ky < g.kh; ky++) {
                        int iy = oy * g.sh + ky - g.ph;
                        if (iy < 0 || iy >= h) continue;
                        for (int kx = 0; kx < g.kw; kx++) {
                            int ix = ox * g.sw + kx - g.pw;
                            if (ix >= 0 && ix < w) taps[count++] = (p * h + iy) * w + ix;
                        }
                    }
                    int size = ConvArithmetic.paddedTaps(oy * g.sh - g.ph, g.kh, h, g.ph)
                            * ConvArithmetic.paddedTaps(ox * g.sw - g.pw, g.kw, w, g.pw);
                    f.visit((p * ho + oy) * wo + ox, taps, count, size);
                }
    }

    static double[] maxPool(Node n, double[] x) {
        double[] y = new double[n.out().shape().size()];
        forEachWindow(n.in(0).shape(), n.out().shape(), Geometry.pool(n.attrs()), (yi, taps, count, size) -> {
            double m = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < count; i++) m = Math.max(m, x[taps[i]]);
            y[yi] = m;
        });
        return y;
    }

    static double[] maxPoolGrad(Node n, double[] x, double[] g) {
        double[] dx = new double[x.length];
        forEachWindow(n.in(0).shape(), n.in(1).shape(), Geometry.pool(n.attrs()), (yi, taps, count, size) -> {
            int best = taps[0];
            for (int i = 1; i < count; i++) if (x[taps[i]] > x[best]) best = taps[i];
            dx[best] += g[yi];
        });
        return dx;
    }

    private static double divisor(Attrs a, int count, int size) { return a.b("count_include_pad", true) ? size : count; }

    static double[] avgPool(Node n, double[] x) {
        double[] y = new double[n.out().shape().size()];
        forEachWindow(n.in(0).shape(), n.out().shape(), Geometry.pool(n.attrs()), (yi, taps, count, size) -> {
            double s = 0;
            for (int i = 0; i < count; i++) s += x[taps[i]];
            y[yi] = s / divisor(n.attrs(), count, size);
        });
        return y;
    }

    static double[] avgPoolGrad(Node n, double[] g) {
        double[] dx = new double[n.out().shape().size()];
        forEachWindow(n.out().shape(), n.in(0).shape(), Geometry.pool(n.attrs()), (yi, taps, count, size) -> {
            double share = g[yi] / divisor(n.attrs(), count, size);
            for (int i = 0; i < count; i++) dx[taps[i]] += share;
        });
        return dx;
    }

    static double[] globalAvgPool(Node n, double[] x) {
        Shape s = n.in(0).shape();
        int planes = s.dim(0) * s.dim(1), hw = s.dim(2) * s.dim(3);
        double[] y = new double[planes];
        for (int p = 0; p < planes; p++) {
            double sum = 0;
            for (int i = 0; i < hw; i++) sum += x[p * hw + i];
            y[p] = sum / hw;
        }
        return y;
    }

    /** Concatenation: rows of the flattened outer dimensions, each the inputs' blocks side by side. */
    static double[] concat(Node n, double[][] in) {
        Shape os = n.out().shape();
        int axis = os.normalizeAxes(new int[] {n.attrs().i("axis", 1)})[0];
        int outer = os.size(0, axis), inner = os.size(axis + 1, os.rank());
        double[] y = new double[os.size()];
        int rowLength = os.dim(axis) * inner, at = 0;
        for (int i = 0; i < in.length; i++) {
            int block = n.in(i).shape().dim(axis) * inner;
            for (int r = 0; r < outer; r++) System.arraycopy(in[i], r * block, y, r * rowLength + at, block);
            at += block;
        }
        return y;
    }
}
