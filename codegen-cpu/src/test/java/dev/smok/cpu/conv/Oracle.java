package dev.smok.cpu.conv;

import static org.junit.jupiter.api.Assertions.fail;

import dev.smok.ir.Attrs;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;
import dev.smok.ir.interp.Interpreter;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Runs single IR ops on the reference interpreter, the oracle the float kernels are compared with. */
final class Oracle {
    private Oracle() {}

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-1, 1);
        return a;
    }

    /** {@code op(inputs...)} with the given input shapes; returns the output as floats. */
    static float[] run(Op op, Attrs attrs, Shape[] shapes, float[]... values) {
        GraphBuilder b = new GraphBuilder("oracle");
        Value[] ins = new Value[shapes.length];
        Map<String, double[]> feed = new HashMap<>();
        for (int i = 0; i < shapes.length; i++) {
            ins[i] = b.input("in" + i, shapes[i]);
            double[] d = new double[values[i].length];
            for (int k = 0; k < d.length; k++) d[k] = values[i][k];
            feed.put("in" + i, d);
        }
        b.output("out", b.op(op, attrs, ins));
        Graph g = b.build();
        double[] out = Interpreter.run(g, feed).outputs().get("out");
        float[] r = new float[out.length];
        for (int i = 0; i < r.length; i++) r[i] = (float) out[i];
        return r;
    }

    static Attrs convAttrs(ConvGeometry g) {
        return Attrs.of("stride", new int[] {g.strideH(), g.strideW()}, "padding", new int[] {g.padH(), g.padW()},
                "dilation", new int[] {g.dilationH(), g.dilationW()}, "groups", g.groups());
    }

    /** Element-wise comparison with a tolerance scaled by the reduction length. */
    static void assertClose(String what, float[] expected, float[] actual, int actualOff, double tol) {
        for (int i = 0; i < expected.length; i++) {
            float a = actual[actualOff + i];
            if (!(Math.abs(a - expected[i]) <= tol * (1 + Math.abs(expected[i])))) {
                fail(what + ": element " + i + " is " + a + ", the interpreter gives " + expected[i]);
            }
        }
    }
}
