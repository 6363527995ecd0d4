package dev.smok.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.ir.interp.Interpreter;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

/** The convolutional ops' shape rules, text round trip, and hand-computed interpreter results. */
class ConvIrTest {
    private static int[] p(int h, int w) { return new int[] {h, w}; }

    /** A graph that uses every new op with non-default attributes. */
    private static Graph everyOp() {
        GraphBuilder b = new GraphBuilder("cnn_ops");
        Value x = b.input("x", Shape.of(2, 4, 9, 8));
        Value w = b.param("w", Shape.of(6, 2, 3, 3));
        Value step = b.state("step", Shape.of(1));
        Attrs ca = Attrs.of("stride", p(2, 1), "padding", p(1, 2), "dilation", p(1, 2), "groups", 2);
        Value y = b.op(Op.CONV2D, ca, x, w);
        Value gamma = b.param("gamma", Shape.of(6)), beta = b.param("beta", Shape.of(6));
        Value bn = b.op(Op.BATCH_NORM_TRAIN, Attrs.of("eps", 1e-5f), y, gamma, beta);
        Value bi = b.op(Op.BATCH_NORM, Attrs.of("eps", 1e-3f), y, gamma, beta, b.state("mean", Shape.of(6)), b.state("var", Shape.of(6)));
        Value lrn = b.op(Op.LRN, Attrs.of("size", 5, "alpha", 1e-4f, "beta", 0.75f, "k", 2f), bn);
        Value mp = b.op(Op.MAX_POOL, Attrs.of("kernel", p(3, 3), "stride", p(2, 2), "padding", p(1, 1)), lrn);
        Value ap = b.op(Op.AVG_POOL, Attrs.of("kernel", p(3, 3), "stride", p(2, 2), "padding", p(1, 1), "count_include_pad", false), bi);
        Value cat = b.op(Op.CONCAT, mp, ap, mp);
        Value d = b.op(Op.DROPOUT, Attrs.of("p", 0.25f, "seed", 7), cat, step);
        Value sl = b.op(Op.SLICE, Attrs.of("axis", 1, "start", 2, "size", 7), d);
        b.output("y", b.op(Op.GLOBAL_AVG_POOL, sl));
        return b.build();
    }

    @Test void shapes() {
        Graph g = everyOp();
        String text = g.toString();
        assertTrue(text.contains("f32[2,6,5,8] = conv2d(%x, %w) {dilation=[1,2], groups=2, padding=[1,2], stride=[2,1]}"), text);
        assertTrue(text.contains("f32[2,6,3,4] = max_pool("), text);
        assertTrue(text.contains("f32[2,18,3,4] = concat("), text);
        assertTrue(text.contains("f32[2,7] = global_avg_pool("), text);
    }

    @Test void printParseRoundTrip() {
        Graph g = everyOp();
        String text = IrPrinter.print(g);
        Graph back = IrParser.parse(text);
        assertEquals(text, IrPrinter.print(back));
        for (int i = 0; i < g.nodes().size(); i++) assertEquals(g.nodes().get(i).attrs(), back.nodes().get(i).attrs());
    }

    @Test void shapeErrorsNameTheProblem() {
        GraphBuilder b = new GraphBuilder("bad");
        Value x = b.input("x", Shape.of(1, 3, 4, 4));
        IrException e = assertThrows(IrException.class, () -> b.op(Op.CONV2D, x, b.param("w", Shape.of(8, 2, 3, 3))));
        assertTrue(e.getMessage().contains("weight expects 2 input channels, image has 3"), e.getMessage());
        e = assertThrows(IrException.class, () -> b.op(Op.CONV2D, x, b.param("w2", Shape.of(8, 3, 5, 5))));
        assertTrue(e.getMessage().contains("does not fit 4 + 2x0 padding"), e.getMessage());
        e = assertThrows(IrException.class, () -> b.op(Op.CONCAT, x, b.input("z", Shape.of(1, 3, 4, 5))));
        assertTrue(e.getMessage().contains("differ outside axis 1"), e.getMessage());
    }

    private static double[] run(Graph g, Map<String, double[]> in, String out) { return Interpreter.run(g, in).outputs().get(out); }

    @Test void convolutionByHand() {
        // 1x1x3x3 image 1..9, 2x2 kernel of ones, padding 1, stride 2: sums of the corner windows
        GraphBuilder b = new GraphBuilder("c");
        Value x = b.input("x", Shape.of(1, 1, 3, 3));
        Value w = b.input("w", Shape.of(1, 1, 2, 2));
        b.output("y", b.op(Op.CONV2D, Attrs.of("stride", p(2, 2), "padding", p(1, 1)), x, w));
        b.output("max", b.op(Op.MAX_POOL, Attrs.of("kernel", p(2, 2), "stride", p(1, 1)), x));
        b.output("avg", b.op(Op.AVG_POOL, Attrs.of("kernel", p(2, 2), "stride", p(2, 2), "padding", p(1, 1)), x));
        Graph g = b.build();
        Map<String, double[]> in = new HashMap<>();
        in.put("x", new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        in.put("w", new double[] {1, 1, 1, 1});
        assertArrayEquals(new double[] {1, 2 + 3, 4 + 7, 5 + 6 + 8 + 9}, run(g, in, "y"));
        assertArrayEquals(new double[] {5, 6, 8, 9}, run(g, in, "max"));
        assertArrayEquals(new double[] {1 / 4.0, 5 / 4.0, 11 / 4.0, 28 / 4.0}, run(g, in, "avg"));
    }

    @Test void ceilModeRoundsPoolOutputsUpLikePyTorch() {
        // torchvision's GoogLeNet stem: 3x3/2 without padding takes 112 to 56 with ceil_mode, 55 without
        assertEquals(56, ConvArithmetic.poolOutSize(112, 3, 2, 0, true));
        assertEquals(55, ConvArithmetic.poolOutSize(112, 3, 2, 0, false));
        assertEquals(7, ConvArithmetic.poolOutSize(14, 2, 2, 0, true));
        // a last window starting in the right padding is dropped: 7 + 2x1 with 2/2 gives 4, not 5
        assertEquals(4, ConvArithmetic.poolOutSize(7, 2, 2, 1, true));
        // 3x3 image 1..9, 2x2/2 windows, ceil_mode: the right column and bottom row get windows of their own
        GraphBuilder b = new GraphBuilder("ceil");
        Value x = b.input("x", Shape.of(1, 1, 3, 3));
        Attrs a = Attrs.of("kernel", p(2, 2), "stride", p(2, 2), "ceil_mode", true);
        Value max = b.op(Op.MAX_POOL, a, x);
        assertEquals(Shape.of(1, 1, 2, 2), max.shape());
        b.output("max", max);
        b.output("avg", b.op(Op.AVG_POOL, a, x));
        Graph g = b.build();
        assertTrue(g.toString().contains("max_pool(%x) {ceil_mode=true, kernel=[2,2], stride=[2,2]}"), g.toString());
        Map<String, double[]> in = Map.of("x", new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertArrayEquals(new double[] {5, 6, 8, 9}, run(g, in, "max"));
        // PyTorch's avg_pool2d(x, 2, 2, ceil_mode=True): a window cut by the image edge divides by its taps inside
        assertArrayEquals(new double[] {12 / 4.0, 9 / 2.0, 15 / 2.0, 9}, run(g, in, "avg"));
    }

    @Test void lrnMatchesPyTorchFormula() {
        // one pixel, 3 channels, size 2: window of c is [c-1, c]
        GraphBuilder b = new GraphBuilder("lrn");
        Value x = b.input("x", Shape.of(1, 3, 1, 1));
        b.output("y", b.op(Op.LRN, Attrs.of("size", 2, "alpha", 0.5f, "beta", 0.75f, "k", 1f), x));
        double[] y = run(b.build(), Map.of("x", new double[] {1, 2, 3}), "y");
        assertEquals(1 / Math.pow(1 + 0.25 * 1, 0.75), y[0], 1e-12);
        assertEquals(2 / Math.pow(1 + 0.25 * (1 + 4), 0.75), y[1], 1e-12);
        assertEquals(3 / Math.pow(1 + 0.25 * (4 + 9), 0.75), y[2], 1e-12);
    }

    @Test void dropoutMaskIsSeededAndChangesWithTheStep() {
        GraphBuilder b = new GraphBuilder("d");
        Value x = b.input("x", Shape.of(4, 250));
        Value step = b.state("step", Shape.of(1));
        b.output("y", b.op(Op.DROPOUT, Attrs.of("p", 0.4f, "seed", 3), x, step));
        Graph g = b.build();
        double[] ones = new double[1000];
        java.util.Arrays.fill(ones, 1);
        double[] y0 = run(g, Map.of("x", ones, "step", new double[] {0}), "y");
        double[] again = run(g, Map.of("x", ones, "step", new double[] {0}), "y");
        double[] y1 = run(g, Map.of("x", ones, "step", new double[] {1}), "y");
        assertArrayEquals(y0, again);
        assertNotEquals(java.util.Arrays.toString(y0), java.util.Arrays.toString(y1));
        int kept = 0;
        for (double v : y0) {
            assertTrue(v == 0 || Math.abs(v - 1 / 0.6) < 1e-6, "kept values are scaled by 1/(1-p): " + v);
            if (v != 0) kept++;
        }
        assertTrue(kept > 540 && kept < 660, "about 60% kept, got " + kept);
    }
}
