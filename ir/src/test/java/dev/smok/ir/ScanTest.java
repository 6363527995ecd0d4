package dev.smok.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.ir.interp.Interpreter;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

/** The scan's semantics in the interpreter, its text form, and the errors of its shape rule. */
class ScanTest {
    static final int T = 5, N = 2, H = 3;

    /** Step body of h_t = tanh(x_t + h_{t-1}·Wᵀ), outputs (h_t as carry, h_t as per-step output). */
    static Graph body() {
        GraphBuilder b = new GraphBuilder("cell");
        Value x = b.input("x", Shape.of(N, H));
        Value h = b.input("h", Shape.of(N, H));
        Value w = b.input("w", Shape.of(H, H));
        Value next = b.tanh(b.add(x, b.matmul(h, w, false, true)));
        b.output("h", next);
        b.output("y", b.scale(next, 2f));
        return b.build();
    }

    static Graph rnn(boolean reverse) {
        GraphBuilder b = new GraphBuilder("rnn");
        Value xs = b.input("xs", Shape.of(T, N, H));
        Value h0 = b.input("h0", Shape.of(N, H));
        Value w = b.param("w", Shape.of(H, H));
        Scan.Result r = Scan.build(b, body(), T, reverse, List.of(xs), List.of(h0), List.of(w));
        b.output("last", r.carry(0));
        b.output("ys", r.stacked(0));
        return b.build();
    }

    static double[] random(int n, Random r) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextGaussian();
        return v;
    }

    @Test void interpreterRunsTheStepsInOrder() {
        Random r = new Random(3);
        double[] xs = random(T * N * H, r), h0 = random(N * H, r), w = random(H * H, r);
        for (boolean reverse : new boolean[] {false, true}) {
            var out = Interpreter.run(rnn(reverse), Map.of("xs", xs, "h0", h0, "w", w)).outputs();
            double[] h = h0.clone(), ys = new double[T * N * H];
            for (int k = 0; k < T; k++) {
                int t = reverse ? T - 1 - k : k;
                double[] next = new double[N * H];
                for (int n = 0; n < N; n++) {
                    for (int i = 0; i < H; i++) {
                        double acc = xs[(t * N + n) * H + i];
                        for (int j = 0; j < H; j++) acc += h[n * H + j] * w[i * H + j];
                        next[n * H + i] = Math.tanh(acc);
                        ys[(t * N + n) * H + i] = 2 * next[n * H + i];
                    }
                }
                h = next;
            }
            assertArrayEquals(h, out.get("last"), 1e-12);
            assertArrayEquals(ys, out.get("ys"), 1e-12);
        }
    }

    @Test void printsAndParsesTheBody() {
        Graph g = rnn(true);
        String text = IrPrinter.print(g);
        assertTrue(text.contains("= scan(%xs, %h0, %w) {carries=1, length=5, reverse=true, sequences=1}\n    graph cell {\n"
                + "      input %x: f32[2,3]\n"), text);
        Graph back = IrParser.parse(text);
        assertEquals(text, IrPrinter.print(back));
        Random r = new Random(4);
        Map<String, double[]> in = Map.of("xs", random(T * N * H, r), "h0", random(N * H, r), "w", random(H * H, r));
        assertArrayEquals(Interpreter.run(g, in).outputs().get("ys"), Interpreter.run(back, in).outputs().get("ys"), 0);
    }

    @Test void nodeCountDoesNotGrowWithLength() {
        assertEquals(rnn(false).nodes().size(), 5); // scan, two slices, two reshapes
    }

    @Test void shapeRuleChecksTheBodyInterface() {
        GraphBuilder b = new GraphBuilder("bad");
        Value xs = b.input("xs", Shape.of(T, N, H + 1));
        Value h0 = b.input("h0", Shape.of(N, H));
        Value w = b.input("w", Shape.of(H, H));
        IrException e = assertThrows(IrException.class, () -> Scan.build(b, body(), T, false, List.of(xs), List.of(h0), List.of(w)));
        assertTrue(e.getMessage().contains("sequence 0 must be 5x2x3 for body input %x"), e.getMessage());
        IrException e2 = assertThrows(IrException.class, () -> Scan.build(b, body(), T, false, List.of(), List.of(h0), List.of(w)));
        assertTrue(e2.getMessage().contains("body 'cell' takes 3 inputs but the scan passes 2"), e2.getMessage());
    }

    @Test void sliceAndPadAreAdjoint() {
        GraphBuilder b = new GraphBuilder("sp");
        Value x = b.input("x", Shape.of(2, 5));
        Value s = Slicing.slice(b, x, 1, 1, 3);
        Value p = Slicing.pad(b, s, 1, 2, 6);
        b.output("s", s);
        b.output("p", p);
        b.output("c", Slicing.concat(b, 0, x, x));
        var out = Interpreter.run(b.build(), Map.of("x", new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9})).outputs();
        assertArrayEquals(new double[] {1, 2, 3, 6, 7, 8}, out.get("s"));
        assertArrayEquals(new double[] {0, 0, 1, 2, 3, 0, 0, 0, 6, 7, 8, 0}, out.get("p"));
        assertEquals(20, out.get("c").length);
        assertEquals(9, out.get("c")[19]);
    }
}
