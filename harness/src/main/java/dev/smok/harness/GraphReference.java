/*
 * GraphReference: the harness's double-precision forward pass over an inference graph (the zoo
 * networks, which have no NetSpec). It is the definition of each op, like Smok's interpreter,
 * but with loops ordered so that a ResNet-50 or VGG-19 at batch 1 takes seconds rather than
 * minutes: a convolution accumulates one output plane per output channel, weight tap by weight
 * tap, over the contiguous run of output columns whose input column lies in the image, and output
 * channels are computed in parallel. It shares no code with Smok's backends or interpreter.
 */
package dev.smok.harness;

import dev.smok.ir.Attrs;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Node;
import dev.smok.ir.Role;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Evaluates an inference graph in float64. Supported ops: conv2d, batch_norm, relu, max_pool,
 * avg_pool, global_avg_pool, lrn, add, concat, reshape, identity, matmul, bias_add, softmax; any
 * other op is an error naming it. Pool windows follow Smok's IR: input coordinate
 * {@code o·stride + k − padding}, taps outside the image skipped (max) or counted as zeros
 * (average, PyTorch's count_include_pad); the output shape (floor or ceil mode) comes from the graph.
 */
public final class GraphReference {
    private GraphReference() {}

    /** The graph's output {@code y} for the data input {@code x} and the other inputs' values by name. */
    public static float[] run(Graph g, float[] x, Map<String, float[]> values) { return run(g, x, values, false); }

    /**
     * Like {@link #run(Graph, float[], Map)}, but first sets every batch norm's running mean and
     * variance (in {@code values}) to the per-channel mean and variance of its input for this
     * {@code x}, as a trained network's statistics would be: activations then stay of order one
     * through a deep network instead of growing block by block, so the softmax output is not
     * saturated and comparing it means something. Returns {@code y} with those statistics.
     */
    public static float[] calibrateBatchNorm(Graph g, float[] x, Map<String, float[]> values) { return run(g, x, values, true); }

    private static float[] run(Graph g, float[] x, Map<String, float[]> values, boolean calibrate) {
        Map<Value, double[]> env = new IdentityHashMap<>();
        for (Input in : g.inputs()) {
            float[] v = in.role() == Role.INPUT ? x : values.get(in.name());
            if (v == null) throw new IllegalArgumentException("no value for graph input '" + in.name() + "'");
            if (v.length != in.shape().size()) {
                throw new IllegalArgumentException("'" + in.name() + "' has " + v.length + " values, the graph expects " + in.shape().pretty());
            }
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) d[i] = v[i];
            env.put(in.value(), d);
        }
        for (Node n : g.nodes()) {
            double[][] in = new double[n.inputs().size()][];
            for (int i = 0; i < in.length; i++) in[i] = env.get(n.in(i));
            if (calibrate && n.op() == dev.smok.ir.Op.BATCH_NORM) calibrate(n, in, values);
            env.put(n.out(), eval(n, in));
        }
        Value out = g.outputs().get("y");
        if (out == null) throw new IllegalArgumentException("graph '" + g.name() + "' has no output 'y'");
        double[] y = env.get(out);
        float[] r = new float[y.length];
        for (int i = 0; i < y.length; i++) r[i] = (float) y[i];
        return r;
    }

    private static double[] eval(Node n, double[][] in) {
        Shape os = n.out().shape();
        return switch (n.op()) {
            case CONV2D -> conv2d(n, in[0], in[1]);
            case BATCH_NORM -> batchNorm(n, in);
            case RELU -> map(in[0], v -> Math.max(0, v));
            case IDENTITY, RESHAPE -> in[0].clone();
            case ADD -> {
                if (in[0].length != in[1].length) throw unsupported(n, "add of different shapes");
                double[] y = new double[in[0].length];
                for (int i = 0; i < y.length; i++) y[i] = in[0][i] + in[1][i];
                yield y;
            }
            case MAX_POOL, AVG_POOL -> pool(n, in[0]);
            case GLOBAL_AVG_POOL -> {
                Shape s = n.in(0).shape();
                int planes = s.dim(0) * s.dim(1), hw = s.dim(2) * s.dim(3);
                double[] y = new double[planes];
                for (int p = 0; p < planes; p++) {
                    double sum = 0;
                    for (int i = 0; i < hw; i++) sum += in[0][p * hw + i];
                    y[p] = sum / hw;
                }
                yield y;
            }
            case CONCAT -> concat(n, in);
            case LRN -> lrn(n, in[0]);
            case MATMUL -> matmul(n, in[0], in[1]);
            case BIAS_ADD -> {
                int c = os.dim(1), inner = os.size() / (os.dim(0) * c);
                double[] y = in[0].clone();
                for (int i = 0; i < y.length; i++) y[i] += in[1][i / inner % c];
                yield y;
            }
            case SOFTMAX -> softmax(os, in[0]);
            default -> throw unsupported(n, "no reference for this op");
        };
    }

    private static IllegalArgumentException unsupported(Node n, String why) {
        return new IllegalArgumentException("reference forward pass: " + n.op().name().toLowerCase() + " -> " + n.out().shape().pretty() + ": " + why);
    }

    private static double[] map(double[] x, java.util.function.DoubleUnaryOperator f) {
        double[] y = new double[x.length];
        for (int i = 0; i < y.length; i++) y[i] = f.applyAsDouble(x[i]);
        return y;
    }

    private static int[] pair(Attrs a, String name, int dflt) {
        int[] v = a.ints(name, new int[] {dflt, dflt});
        return v.length == 1 ? new int[] {v[0], v[0]} : v;
    }

    /** y[b,o] = Σ over the group's input channels and the kernel of w·x, per output plane. */
    private static double[] conv2d(Node n, double[] x, double[] w) {
        Shape xs = n.in(0).shape(), ws = n.in(1).shape(), ys = n.out().shape();
        int batch = xs.dim(0), c = xs.dim(1), h = xs.dim(2), wd = xs.dim(3);
        int o = ys.dim(1), ho = ys.dim(2), wo = ys.dim(3), kh = ws.dim(2), kw = ws.dim(3);
        int[] st = pair(n.attrs(), "stride", 1), pad = pair(n.attrs(), "padding", 0), dil = pair(n.attrs(), "dilation", 1);
        int groups = n.attrs().i("groups", 1), cg = c / groups, og = o / groups;
        double[] y = new double[ys.size()];
        for (int b = 0; b < batch; b++) {
            int bb = b;
            IntStream.range(0, o).parallel().forEach(oc -> {
                int yBase = (bb * o + oc) * ho * wo, c0 = oc / og * cg;
                for (int ic = 0; ic < cg; ic++) {
                    int xPlane = (bb * c + c0 + ic) * h * wd;
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            double wv = w[((oc * cg + ic) * kh + ky) * kw + kx];
                            int offX = kx * dil[1] - pad[1];
                            // output columns whose input column ox·stride + offX lies in [0, wd)
                            int lo = Math.max(0, ceilDiv(-offX, st[1])), hi = Math.min(wo, ceilDiv(wd - offX, st[1]));
                            for (int oy = 0; oy < ho; oy++) {
                                int iy = oy * st[0] + ky * dil[0] - pad[0];
                                if (iy < 0 || iy >= h) continue;
                                int row = xPlane + iy * wd + offX, yRow = yBase + oy * wo;
                                if (st[1] == 1) for (int ox = lo; ox < hi; ox++) y[yRow + ox] += wv * x[row + ox]; // contiguous: vectorized
                                else for (int ox = lo; ox < hi; ox++) y[yRow + ox] += wv * x[row + ox * st[1]];
                            }
                        }
                    }
                }
            });
        }
        return y;
    }

    private static int ceilDiv(int a, int b) { return -Math.floorDiv(-a, b); }

    /** Sets the statistics inputs in[3] (mean) and in[4] (biased variance), and their {@code values}, from in[0]. */
    private static void calibrate(Node n, double[][] in, Map<String, float[]> values) {
        Shape s = n.in(0).shape();
        int c = s.dim(1), inner = s.size() / (s.dim(0) * c), count = s.size() / c;
        double[] mean = new double[c], var = new double[c];
        for (int i = 0; i < in[0].length; i++) mean[i / inner % c] += in[0][i];
        for (int ch = 0; ch < c; ch++) mean[ch] /= count;
        for (int i = 0; i < in[0].length; i++) { double d = in[0][i] - mean[i / inner % c]; var[i / inner % c] += d * d; }
        float[] m = values.get(n.in(3).name()), v = values.get(n.in(4).name());
        for (int ch = 0; ch < c; ch++) {
            var[ch] /= count;
            m[ch] = (float) mean[ch];
            v[ch] = (float) var[ch];
            in[3][ch] = m[ch];
            in[4][ch] = v[ch];
        }
    }

    private static double[] batchNorm(Node n, double[][] in) {
        Shape s = n.out().shape();
        int c = s.dim(1), inner = s.size() / (s.dim(0) * c);
        double eps = n.attrs().f("eps", 1e-5f);
        double[] y = new double[s.size()];
        for (int i = 0; i < y.length; i++) {
            int ch = i / inner % c;
            y[i] = (in[0][i] - in[3][ch]) / Math.sqrt(in[4][ch] + eps) * in[1][ch] + in[2][ch];
        }
        return y;
    }

    private static double[] pool(Node n, double[] x) {
        Shape xs = n.in(0).shape(), ys = n.out().shape();
        int planes = xs.dim(0) * xs.dim(1), h = xs.dim(2), w = xs.dim(3), ho = ys.dim(2), wo = ys.dim(3);
        int[] k = pair(n.attrs(), "kernel", 1), pad = pair(n.attrs(), "padding", 0);
        int[] st = n.attrs().has("stride") ? pair(n.attrs(), "stride", 1) : k;
        boolean max = n.op() == dev.smok.ir.Op.MAX_POOL;
        boolean includePad = n.attrs().b("count_include_pad", true);
        double[] y = new double[ys.size()];
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < ho; oy++) {
                for (int ox = 0; ox < wo; ox++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    int count = 0;
                    for (int u = 0; u < k[0]; u++) {
                        int iy = oy * st[0] + u - pad[0];
                        if (iy < 0 || iy >= h) continue;
                        for (int t = 0; t < k[1]; t++) {
                            int ix = ox * st[1] + t - pad[1];
                            if (ix < 0 || ix >= w) continue;
                            double v = x[(p * h + iy) * w + ix];
                            acc = max ? Math.max(acc, v) : acc + v;
                            count++;
                        }
                    }
                    y[(p * ho + oy) * wo + ox] = max ? acc : acc / (includePad ? k[0] * k[1] : count);
                }
            }
        }
        return y;
    }

    private static double[] concat(Node n, double[][] in) {
        Shape os = n.out().shape();
        int axis = n.attrs().i("axis", 1);
        if (axis < 0) axis += os.rank();
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= os.dim(i);
        for (int i = axis + 1; i < os.rank(); i++) inner *= os.dim(i);
        double[] y = new double[os.size()];
        int rowLength = os.dim(axis) * inner, at = 0;
        for (int i = 0; i < in.length; i++) {
            int block = n.in(i).shape().dim(axis) * inner;
            for (int r = 0; r < outer; r++) System.arraycopy(in[i], r * block, y, r * rowLength + at, block);
            at += block;
        }
        return y;
    }

    /** PyTorch's LRN: x_c · (k + α/size · Σ_{c' in window} x_{c'}²)^−β, the window c − ⌊size/2⌋ … c + ⌊(size−1)/2⌋. */
    private static double[] lrn(Node n, double[] x) {
        Shape s = n.out().shape();
        int c = s.dim(1), inner = s.size() / (s.dim(0) * c), size = n.attrs().i("size");
        double alpha = n.attrs().f("alpha", 1e-4f), beta = n.attrs().f("beta", 0.75f), k = n.attrs().f("k", 1f);
        double[] y = new double[x.length];
        for (int b = 0; b < s.dim(0); b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < inner; i++) {
                    double sum = 0;
                    for (int c2 = Math.max(0, ch - size / 2); c2 <= Math.min(c - 1, ch + (size - 1) / 2); c2++) {
                        double v = x[(b * c + c2) * inner + i];
                        sum += v * v;
                    }
                    int at = (b * c + ch) * inner + i;
                    y[at] = x[at] * Math.pow(k + alpha / size * sum, -beta);
                }
            }
        }
        return y;
    }

    private static double[] matmul(Node n, double[] a, double[] b) {
        boolean ta = n.attrs().b("trans_a", false), tb = n.attrs().b("trans_b", false);
        Shape as = n.in(0).shape(), ys = n.out().shape();
        int m = ys.dim(0), nn = ys.dim(1), k = ta ? as.dim(0) : as.dim(1);
        double[] y = new double[m * nn];
        IntStream.range(0, nn).parallel().forEach(j -> {
            for (int i = 0; i < m; i++) {
                double acc = 0;
                for (int p = 0; p < k; p++) acc += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * nn + j]);
                y[i * nn + j] = acc;
            }
        });
        return y;
    }

    private static double[] softmax(Shape s, double[] x) {
        int cols = s.dim(s.rank() - 1), rows = s.size() / cols;
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < cols; j++) max = Math.max(max, x[r * cols + j]);
            for (int j = 0; j < cols; j++) { y[r * cols + j] = Math.exp(x[r * cols + j] - max); sum += y[r * cols + j]; }
            for (int j = 0; j < cols; j++) y[r * cols + j] /= sum;
        }
        return y;
    }
}
