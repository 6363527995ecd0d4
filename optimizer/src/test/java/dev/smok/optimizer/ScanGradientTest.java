package dev.smok.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.IrParser;
import dev.smok.ir.IrPrinter;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Scan;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * Backpropagation through time: gradients through a scan (with respect to the sequence, the
 * initial carries and the loop invariants) equal central finite differences.
 */
class ScanGradientTest {
    static final int N = 2, H = 3;

    /** Two carries (a, c) and a per-step output that is not a carry, in the style of an LSTM. */
    static Graph twoCarryBody() {
        GraphBuilder b = new GraphBuilder("cell2");
        Value x = b.input("x", Shape.of(N, H));
        Value a = b.input("a", Shape.of(N, H));
        Value c = b.input("c", Shape.of(N, H));
        Value w = b.input("w", Shape.of(H, H));
        Value u = b.input("u", Shape.of(H));
        Value gate = b.sigmoid(b.biasAdd(b.matmul(a, w, false, true), u));
        Value c2 = b.add(b.mul(gate, c), b.tanh(x));
        Value a2 = b.mul(b.tanh(c2), b.sigmoid(b.add(x, a)));
        b.output("a", a2);
        b.output("c", c2);
        b.output("y", b.mul(a2, x));
        return b.build();
    }

    static Graph loss(int t, boolean reverse, boolean useStacked) {
        GraphBuilder b = new GraphBuilder("bptt");
        Value xs = b.param("xs", Shape.of(t, N, H));
        Value a0 = b.param("a0", Shape.of(N, H));
        Value c0 = b.constant(Shape.of(N, H), 0.5f);
        Value w = b.param("w", Shape.of(H, H));
        Value u = b.param("u", Shape.of(H));
        Scan.Result r = Scan.build(b, twoCarryBody(), t, reverse, List.of(b.scale(xs, 0.7f)), List.of(a0, c0), List.of(w, u));
        Value l = b.reduceSum(b.mul(r.carry(1), b.input("k1", Shape.of(N, H))), false, 0, 1);
        if (useStacked) l = b.add(l, b.reduceSum(b.mul(r.stacked(0), b.input("k2", Shape.of(t, N, H))), false, 0, 1, 2));
        b.output("loss", l);
        return b.build();
    }

    @Test void gradientsThroughTimeMatchFiniteDifferences() {
        for (int t : new int[] {1, 2, 17}) {
            for (boolean reverse : new boolean[] {false, true}) {
                for (boolean stacked : new boolean[] {false, true}) {
                    Graph g = loss(t, reverse, stacked);
                    GradCheck.check(g, GradCheck.randomInputs(g, 31L * t + (reverse ? 1 : 0), 3), 30);
                }
            }
        }
    }

    @Test void backwardIsOneScanAndTheTrainingGraphRoundTrips() {
        Graph small = new Autodiff(OptimizerSpec.adam(1e-3f), false).run(loss(3, false, true));
        Graph large = new Autodiff(OptimizerSpec.adam(1e-3f), false).run(loss(1000, false, true));
        long scans = large.nodes().stream().filter(n -> n.op() == Op.SCAN).count();
        assertEquals(2, scans, "one forward and one backward scan");
        assertEquals(small.nodes().size(), large.nodes().size());
        String text = IrPrinter.print(small);
        assertEquals(text, IrPrinter.print(IrParser.parse(text)));
        Node back = large.nodes().stream().filter(n -> n.op() == Op.SCAN).reduce((p, q) -> q).orElseThrow();
        assertTrue(back.attrs().b(Scan.REVERSE, false), "the backward scan runs the steps in reverse");
    }
}
