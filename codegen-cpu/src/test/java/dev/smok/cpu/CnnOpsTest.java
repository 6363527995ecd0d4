package dev.smok.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.ir.Attrs;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

/**
 * The convolutional-network ops of the CPU backend (convolution and its gradients, pooling,
 * batch norm, dropout, LRN, concat / slice / pad, the channel sum of a bias gradient) against
 * the interpreter on odd shapes: stride 2 with padding, kernels larger than the stride,
 * channels that are not a multiple of 16, batch 1, groups, dilation, non-square windows.
 * Tolerance: 2e-5 relative to the largest reference magnitude (float32 sums of up to a few
 * hundred products against float64), 1e-6 for pure data movement and dropout.
 */
class CnnOpsTest {
    private static Attrs convAttrs(int sh, int sw, int ph, int pw, int dh, int dw, int groups, Object... more) {
        Object[] kv = {"stride", new int[] {sh, sw}, "padding", new int[] {ph, pw}, "dilation", new int[] {dh, dw}, "groups", groups};
        Object[] all = java.util.Arrays.copyOf(kv, kv.length + more.length);
        System.arraycopy(more, 0, all, kv.length, more.length);
        return Attrs.of(all);
    }

    @ParameterizedTest(name = "n={0} c={1} {2}x{3} o={4} k={5}x{6} s={7}x{8} p={9}x{10} d={11} g={12} threads={13}")
    @CsvSource({
        "1, 3, 9, 11, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1",   // stride 2, padding, batch 1
        "2, 6, 7, 7, 4, 5, 5, 2, 2, 2, 2, 1, 2, 1",    // kernel larger than the stride, groups
        "2, 17, 8, 8, 18, 3, 3, 1, 1, 2, 2, 2, 1, 1",  // channels not a multiple of 16, dilation 2
        "1, 16, 5, 5, 8, 1, 1, 1, 1, 0, 0, 1, 1, 1",   // 1x1 (GEMM path)
        "2, 4, 10, 9, 6, 3, 2, 2, 1, 1, 0, 1, 1, 1",   // non-square kernel, stride and padding
        "2, 16, 20, 20, 36, 3, 3, 1, 1, 1, 1, 1, 1, 2", // large enough to run on 2 threads
        "3, 8, 12, 12, 8, 3, 3, 2, 2, 1, 1, 1, 4, 2",  // groups on 2 threads
    })
    void convolutionAndGradients(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw, int d,
                                 int groups, int threads) {
        GraphBuilder b = new GraphBuilder("conv");
        Value x = b.input("x", Shape.of(n, c, h, w));
        Value wt = b.param("w", Shape.of(o, c / groups, kh, kw));
        Value y = b.op(Op.CONV2D, convAttrs(sh, sw, ph, pw, d, d, groups), x, wt);
        Value g = b.input("g", y.shape());
        b.output("y", y);
        b.output("dx", b.op(Op.CONV2D_INPUT_GRAD, convAttrs(sh, sw, ph, pw, d, d, groups, "input_size", new int[] {h, w}), g, wt));
        b.output("dw", b.op(Op.CONV2D_WEIGHT_GRAD, convAttrs(sh, sw, ph, pw, d, d, groups, "kernel", new int[] {kh, kw}), x, g));
        b.output("db", b.reduceSum(g, false, 0, 2, 3));
        Graph graph = b.build();
        Oracle.check(graph, Oracle.randomInputs(graph, n * c + o, -1, 1, 2), 2e-5, threads);
    }

    /**
     * A 1x1 convolution of one image runs as a GEMM product with the convolution's epilogue
     * (bias, inference batch norm, residual, ReLU) applied per block of C: K over several blocks
     * (300 > 256 input channels), ragged rows and columns, one and two threads, 2 output channels
     * (a matrix-vector product cut over K), and strides (ResNet's projection shortcuts), whose
     * packing gathers the pixels.
     */
    @ParameterizedTest(name = "c={0} o={1} {2}x{3} stride={4}x{5} threads={6}")
    @CsvSource({"300, 70, 9, 7, 1, 1, 2", "300, 70, 9, 7, 1, 1, 1", "24, 13, 3, 5, 1, 1, 1", "64, 256, 14, 14, 1, 1, 2",
                "512, 64, 7, 7, 1, 1, 2", "900, 2, 12, 12, 1, 1, 2",
                "300, 70, 9, 7, 2, 2, 2", "256, 512, 14, 14, 2, 2, 2", "40, 24, 11, 10, 3, 2, 1"})
    void pointwiseConvolutionAsGemmWithEpilogue(int c, int o, int h, int w, int sh, int sw, int threads) {
        GraphBuilder b = new GraphBuilder("pointwise");
        Value x = b.input("x", Shape.of(1, c, h, w));
        Value y = b.op(Op.CONV2D, convAttrs(sh, sw, 0, 0, 1, 1, 1), x, b.param("w", Shape.of(o, c, 1, 1)));
        int ho = (h - 1) / sh + 1, wo = (w - 1) / sw + 1;
        y = b.biasAdd(y, b.param("b", Shape.of(o)));
        y = b.op(Op.BATCH_NORM, Attrs.of("eps", 1e-5f), y, b.param("gamma", Shape.of(o)), b.param("beta", Shape.of(o)),
                b.input("mean", Shape.of(o)), b.input("var", Shape.of(o)));
        b.output("y", b.relu(b.add(y, b.input("res", Shape.of(1, o, ho, wo)))));
        Graph g = b.build();
        Map<String, float[]> in = Oracle.randomInputs(g, c + o, -1, 1, 2);
        float[] var = in.get("var");
        for (int i = 0; i < var.length; i++) var[i] = 0.1f + Math.abs(var[i]);
        Oracle.check(g, in, 2e-5, threads);
        try (CpuExecutable ex = new CpuBackend(threads).compile(g, null)) {
            String plan = ex.plan();
            assertTrue(plan.contains("as a GEMM " + o + "x" + ho * wo + "x" + c) && plan.contains("epilogue bias_add+batch_norm+add+relu"), plan);
        }
    }

    @Test
    void convolutionFollowedByElementwiseOps() {
        GraphBuilder b = new GraphBuilder("conv_relu");
        Value x = b.input("x", Shape.of(2, 3, 8, 8));
        Value y = b.op(Op.CONV2D, convAttrs(1, 1, 1, 1, 1, 1, 1), x, b.param("w", Shape.of(5, 3, 3, 3)));
        b.output("y", b.relu(b.biasAdd(y, b.param("b", Shape.of(5)))));
        Graph g = b.build();
        Oracle.check(g, Oracle.randomInputs(g, 3, -1, 1, 2), 2e-5, 1);
    }

    @ParameterizedTest(name = "k={0} s={1} p={2} include_pad={3} {4}x{5} ceil={6}")
    @CsvSource({"2, 2, 0, true, 8, 8, false", "3, 2, 1, true, 9, 7, false", "3, 2, 1, false, 9, 7, false", "3, 1, 1, false, 5, 6, false",
                "2, 2, 0, true, 7, 7, false", "3, 2, 0, true, 8, 7, true", "3, 2, 1, true, 8, 6, true", "3, 2, 1, false, 8, 6, true",
                "2, 2, 1, true, 7, 5, true", "3, 1, 1, true, 5, 6, true"})
    void pooling(int k, int s, int p, boolean includePad, int h, int w, boolean ceil) {
        GraphBuilder b = new GraphBuilder("pool");
        Value x = b.input("x", Shape.of(2, 3, h, w));
        Attrs a = Attrs.of("kernel", new int[] {k, k}, "stride", new int[] {s, s}, "padding", new int[] {p, p}, "count_include_pad", includePad,
                "ceil_mode", ceil);
        Value mx = b.op(Op.MAX_POOL, a, x), av = b.op(Op.AVG_POOL, a, x);
        b.output("max", mx);
        b.output("avg", av);
        Value g = b.input("g", mx.shape());
        b.output("dmax", b.op(Op.MAX_POOL_GRAD, a, x, g));
        Attrs ga = a.with("input_size", new int[] {h, w});
        b.output("davg", b.op(Op.AVG_POOL_GRAD, ga, g));
        b.output("gap", b.op(Op.GLOBAL_AVG_POOL, x));
        Graph graph = b.build();
        Oracle.check(graph, Oracle.randomInputs(graph, h * w + k, -1, 1, 2), 1e-5, 1);
    }

    /**
     * Pooling large enough to split its planes over 2 threads, with rows wide enough for the
     * stride-1 max pool's vectors (interior columns, then the scalar edges and tail).
     */
    @ParameterizedTest(name = "k={0} s={1} p={2} {3}x{4}")
    @CsvSource({"3, 1, 1, 23, 37", "3, 1, 0, 11, 26", "2, 2, 0, 24, 36", "5, 1, 2, 11, 19"})
    void poolingOnThreadsAndVectors(int k, int s, int p, int h, int w) {
        GraphBuilder b = new GraphBuilder("pool_wide");
        Value x = b.input("x", Shape.of(4, 20, h, w));
        Attrs a = Attrs.of("kernel", new int[] {k, k}, "stride", new int[] {s, s}, "padding", new int[] {p, p});
        Value mx = b.op(Op.MAX_POOL, a, x);
        b.output("max", mx);
        b.output("avg", b.op(Op.AVG_POOL, a, x));
        Value g = b.input("g", mx.shape());
        b.output("dmax", b.op(Op.MAX_POOL_GRAD, a, x, g));
        b.output("davg", b.op(Op.AVG_POOL_GRAD, a.with("input_size", new int[] {h, w}), g));
        Graph graph = b.build();
        try (CpuExecutable ex = new CpuBackend(2).compile(graph, null)) {
            assertTrue(ex.plan().contains("planes split over the workers"), ex.plan());
            Map<String, float[]> in = Oracle.randomInputs(graph, h * w + k, -1, 1, 2);
            Oracle.check(ex, in, 1e-5);
            // three levels: most windows hold tied maxima, and the gradient goes to the first of them
            float[] levels = in.get("x");
            for (int i = 0; i < levels.length; i++) levels[i] = Math.round(levels[i]);
            Oracle.check(ex, in, 1e-5);
        }
    }

    @ParameterizedTest
    @CsvSource({"2, 5, 3, 3", "1, 17, 4, 5", "7, 5, 1, 1", "16, 21, 12, 11"}) // the last splits its channels over 2 threads
    void batchNorm(int n, int c, int h, int w) {
        GraphBuilder b = new GraphBuilder("bn");
        Shape s = h == 1 && w == 1 ? Shape.of(n, c) : Shape.of(n, c, h, w);
        Value x = b.input("x", s), gamma = b.param("gamma", Shape.of(c)), beta = b.param("beta", Shape.of(c));
        Value g = b.input("g", s);
        Attrs eps = Attrs.of("eps", 1e-5f);
        b.output("train", b.op(Op.BATCH_NORM_TRAIN, eps, x, gamma, beta));
        b.output("infer", b.op(Op.BATCH_NORM, eps, x, gamma, beta, b.input("mean", Shape.of(c)), b.input("var", Shape.of(c))));
        b.output("dx", b.op(Op.BATCH_NORM_INPUT_GRAD, eps, x, gamma, g));
        b.output("dgamma", b.op(Op.BATCH_NORM_GAMMA_GRAD, eps, x, g));
        Graph graph = b.build();
        Map<String, float[]> in = Oracle.randomInputs(graph, n * c, 0.1f, 2, 2);
        Oracle.check(graph, in, 5e-5, 2);
    }

    @Test
    void dropoutEqualsTheInterpreterMask() {
        GraphBuilder b = new GraphBuilder("dropout");
        Value x = b.input("x", Shape.of(3, 5, 7));
        Value step = b.state("step", Shape.of(1));
        b.output("y", b.op(Op.DROPOUT, Attrs.of("p", 0.3f, "seed", 42), x, step));
        Graph g = b.build();
        for (float t : new float[] {0, 1, 17}) {
            Map<String, float[]> in = Oracle.randomInputs(g, 5, -1, 1, 2);
            in.put("step", new float[] {t});
            Oracle.check(g, in, 1e-6, 1);
        }
    }

    @Test
    void lrnAndGradient() {
        GraphBuilder b = new GraphBuilder("lrn");
        Value x = b.input("x", Shape.of(2, 7, 3, 3));
        Attrs a = Attrs.of("size", 5, "alpha", 1e-2f, "beta", 0.75f, "k", 2f);
        b.output("y", b.op(Op.LRN, a, x));
        b.output("dx", b.op(Op.LRN_GRAD, a, x, b.input("g", x.shape())));
        Graph g = b.build();
        Oracle.check(g, Oracle.randomInputs(g, 9, -2, 2, 2), 2e-5, 1);
    }

    @Test
    void concatSliceAndPad() {
        GraphBuilder b = new GraphBuilder("layout");
        Value x = b.input("x", Shape.of(2, 3, 4, 5)), y = b.input("y", Shape.of(2, 5, 4, 5)), z = b.input("z", Shape.of(2, 3, 4, 2));
        b.output("cat1", b.op(Op.CONCAT, Attrs.of("axis", 1), x, y));
        b.output("cat3", b.op(Op.CONCAT, Attrs.of("axis", -1), x, z));
        b.output("slice", b.op(Op.SLICE, Attrs.of("axis", 2, "start", 1, "size", 2), y));
        b.output("pad", b.op(Op.PAD, Attrs.of("axis", 1, "start", 2, "dim", 7), x));
        Graph g = b.build();
        Oracle.check(g, Oracle.randomInputs(g, 11, -1, 1, 2), 1e-6, 1);
    }

    @Test
    void planNamesTheConvolutionKernels() {
        GraphBuilder b = new GraphBuilder("plan");
        Value x = b.input("x", Shape.of(1, 3, 8, 8));
        b.output("y", b.op(Op.MAX_POOL, Attrs.of("kernel", new int[] {2, 2}),
                b.op(Op.CONV2D, convAttrs(1, 1, 1, 1, 1, 1, 1), x, b.param("w", Shape.of(4, 3, 3, 3)))));
        try (CpuExecutable ex = new CpuBackend(1).compile(b.build(), null)) {
            assertTrue(ex.plan().contains("conv2d conv n=1 c=3 8x8"), ex.plan());
            assertTrue(ex.plan().contains("max_pool"), ex.plan());
        }
    }
}
