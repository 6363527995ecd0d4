package dev.smok.cpu.conv;

import static dev.smok.cpu.conv.DirectConv.L;
import static dev.smok.cpu.conv.DirectConv.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorized float32 max and average pooling (NCHW) and their gradients, with the semantics
 * of the IR ops max_pool, avg_pool, max_pool_grad and avg_pool_grad.
 *
 * <p>Contract: x and dx are [n, c, h, w], y and dy [n, c, outH, outW] (see
 * {@link PoolGeometry}), row-major from their offsets. Outputs are overwritten, inputs never
 * written. {@code scratch} holds {@link #scratchPerThread} floats per thread (slice t uses
 * {@code scratchOff + t·scratchPerThread}); its contents on entry do not matter. Slice t of
 * {@code threads} owns planes (image, channel) [t·n·c/threads, (t+1)·n·c/threads).
 *
 * <p>Algorithm: each plane is copied into scratch with its padding (−∞ for max, 0 for average),
 * then every output row is computed a vector of output columns at a time: for each window tap
 * one load (a gather when the stride is not 1) and a max or add. Gradients run the same loop
 * backwards into a padded gradient plane: average pooling adds dy/divisor to every tap
 * (scatters within one vector hit distinct columns, so they never conflict); max pooling first
 * finds each output's winning tap (the first maximum in row-major window order, as the
 * interpreter does) and then adds dy to that tap only, under a lane mask.
 */
public final class Pool2dKernels {
    private Pool2dKernels() {}

    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());

    /** Floats of scratch each thread needs: two padded planes and their slack. */
    public static int scratchPerThread(PoolGeometry g) { return 2 * (g.paddedPlane() + slack(g)); }

    private static int slack(PoolGeometry g) { return L * g.strideW() + g.kw() + L; }

    private static int firstPlane(PoolGeometry g, int thread, int threads) { return ParallelFor.sliceBegin(g.n() * g.c(), thread, threads); }

    /** Copies one h×w plane into buf with {@code fill} around it (and in the slack). */
    private static void padPlane(PoolGeometry g, float[] x, int xOff, float[] buf, int at, float fill) {
        int row = g.paddedRow();
        java.util.Arrays.fill(buf, at, at + g.paddedPlane() + slack(g), fill);
        for (int r = 0; r < g.h(); r++) System.arraycopy(x, xOff + r * g.w(), buf, at + (r + g.padH()) * row + g.padW(), g.w());
    }

    /** Divisors per geometry, computed once: steady-state calls must not allocate. */
    private static final java.util.concurrent.ConcurrentHashMap<PoolGeometry, float[][]> DIVISORS = new java.util.concurrent.ConcurrentHashMap<>();

    private static float[][] divisors(PoolGeometry g) {
        float[][] d = DIVISORS.get(g);
        if (d == null) {
            d = computeDivisors(g);
            DIVISORS.put(g, d);
        }
        return d;
    }

    /** Window divisors per output row and column: the tap counts inside the image, or the full window. */
    private static float[][] computeDivisors(PoolGeometry g) {
        float[] rows = new float[g.outH()], cols = new float[g.outW() + L];
        for (int o = 0; o < rows.length; o++) rows[o] = g.countIncludePad() ? g.kh() : inside(o, g.strideH(), g.padH(), g.kh(), g.h());
        for (int o = 0; o < g.outW(); o++) cols[o] = g.countIncludePad() ? g.kw() : inside(o, g.strideW(), g.padW(), g.kw(), g.w());
        java.util.Arrays.fill(cols, g.outW(), cols.length, 1f);
        return new float[][] {rows, cols};
    }

    private static int inside(int o, int s, int p, int k, int size) {
        int first = o * s - p;
        return Math.min(size, first + k) - Math.max(0, first);
    }

    /** y = max_pool(x) (max) or avg_pool(x) (average). */
    public static void forward(boolean max, PoolGeometry g, float[] x, int xOff, float[] y, int yOff,
                               float[] scratch, int scratchOff, int thread, int threads) {
        int first = firstPlane(g, thread, threads), last = firstPlane(g, thread + 1, threads);
        int buf = scratchOff + thread * scratchPerThread(g), row = g.paddedRow();
        int ho = g.outH(), wo = g.outW(), sw = g.strideW();
        int[] gather = sw == 1 ? null : DirectConv.gatherIndices(sw);
        float[][] div = max ? null : divisors(g);
        for (int p = first; p < last; p++) {
            padPlane(g, x, xOff + p * g.h() * g.w(), scratch, buf, max ? Float.NEGATIVE_INFINITY : 0f);
            for (int oh = 0; oh < ho; oh++) {
                int top = buf + oh * g.strideH() * row;
                for (int ow = 0; ow < wo; ow += L) {
                    FloatVector acc = FloatVector.broadcast(S, max ? Float.NEGATIVE_INFINITY : 0f);
                    for (int i = 0; i < g.kh(); i++)
                        for (int j = 0; j < g.kw(); j++) {
                            FloatVector v = DirectConv.load(scratch, top + i * row + ow * sw + j, sw, gather, L);
                            acc = max ? acc.max(v) : acc.add(v);
                        }
                    if (!max) acc = acc.div(FloatVector.fromArray(S, div[1], ow).mul(div[0][oh]));
                    int out = yOff + (p * ho + oh) * wo + ow;
                    if (ow + L <= wo) acc.intoArray(y, out);
                    else acc.intoArray(y, out, S.indexInRange(0, wo - ow));
                }
            }
        }
    }

    /** {@link #forward} on {@code threads} slices run by {@code pool}. */
    public static void forward(boolean max, PoolGeometry g, float[] x, int xOff, float[] y, int yOff,
                               float[] scratch, int scratchOff, ParallelFor pool, int threads) {
        pool.run(threads, t -> forward(max, g, x, xOff, y, yOff, scratch, scratchOff, t, threads));
    }

    /**
     * dx = ∂L/∂x given dy. Max pooling reads x (to find each window's winner); average pooling
     * ignores x (pass null). Where windows overlap the contributions are summed.
     */
    public static void backward(boolean max, PoolGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                float[] scratch, int scratchOff, int thread, int threads) {
        int first = firstPlane(g, thread, threads), last = firstPlane(g, thread + 1, threads);
        int buf = scratchOff + thread * scratchPerThread(g), grad = buf + g.paddedPlane() + slack(g), row = g.paddedRow();
        int ho = g.outH(), wo = g.outW(), sw = g.strideW(), kk = g.kh() * g.kw();
        int[] gather = DirectConv.gatherIndices(sw);
        float[][] div = max ? null : divisors(g);
        for (int p = first; p < last; p++) {
            if (max) padPlane(g, x, xOff + p * g.h() * g.w(), scratch, buf, Float.NEGATIVE_INFINITY);
            java.util.Arrays.fill(scratch, grad, grad + g.paddedPlane() + slack(g), 0f);
            for (int oh = 0; oh < ho; oh++) {
                int top = oh * g.strideH() * row;
                for (int ow = 0; ow < wo; ow += L) {
                    VectorMask<Float> live = S.indexInRange(0, wo - ow);
                    FloatVector d = FloatVector.fromArray(S, dy, dyOff + (p * ho + oh) * wo + ow, live);
                    IntVector winner = null;
                    if (max) {
                        FloatVector best = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                        winner = IntVector.zero(IS);
                        for (int t = 0; t < kk; t++) {
                            FloatVector v = DirectConv.load(scratch, buf + top + (t / g.kw()) * row + ow * sw + t % g.kw(), sw, gather, L);
                            VectorMask<Float> better = v.compare(VectorOperators.GT, best);
                            best = best.blend(v, better);
                            winner = winner.blend(t, better.cast(IS));
                        }
                    } else {
                        d = d.div(FloatVector.fromArray(S, div[1], ow).mul(div[0][oh]));
                    }
                    for (int t = 0; t < kk; t++) {
                        VectorMask<Float> m = max ? live.and(winner.compare(VectorOperators.EQ, t).cast(S)) : live;
                        int at = grad + top + (t / g.kw()) * row + ow * sw + t % g.kw();
                        FloatVector acc = FloatVector.fromArray(S, scratch, at, gather, 0, m).add(d);
                        acc.intoArray(scratch, at, gather, 0, m);
                    }
                }
            }
            for (int rr = 0; rr < g.h(); rr++) {
                System.arraycopy(scratch, grad + (rr + g.padH()) * row + g.padW(), dx, dxOff + (p * g.h() + rr) * g.w(), g.w());
            }
        }
    }

    /** {@link #backward} on {@code threads} slices run by {@code pool}. */
    public static void backward(boolean max, PoolGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                float[] scratch, int scratchOff, ParallelFor pool, int threads) {
        pool.run(threads, t -> backward(max, g, x, xOff, dy, dyOff, dx, dxOff, scratch, scratchOff, t, threads));
    }
}
