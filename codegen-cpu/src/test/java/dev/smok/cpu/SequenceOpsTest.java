package dev.smok.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.ir.DType;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Op;
import dev.smok.ir.Role;
import dev.smok.ir.Scan;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/**
 * Sequence ops against the interpreter: scan (forward and reverse, sequences, carries,
 * invariants, per-step outputs, a body with matmuls and fused loops) and CTC loss and gradient
 * (including a sample that cannot be aligned). Tolerance 2e-5 relative.
 */
class SequenceOpsTest {
    /** h' = tanh(x·W + h·U + b); outputs the new carry h' and the per-step output 2·h'. */
    private static Graph cell(int batch, int in, int hidden) {
        GraphBuilder b = new GraphBuilder("cell");
        Value x = b.input("x", Shape.of(batch, in)), h = b.input("h", Shape.of(batch, hidden));
        Value w = b.input("W", Shape.of(in, hidden)), u = b.input("U", Shape.of(hidden, hidden)), bias = b.input("b", Shape.of(hidden));
        Value next = b.tanh(b.biasAdd(b.add(b.matmul(x, w), b.matmul(h, u)), bias));
        b.output("h", next);
        b.output("y", b.add(next, next));
        return b.build();
    }

    @Test
    void scanForwardAndReverseEqualTheInterpreter() {
        int t = 7, batch = 3, in = 5, hidden = 17;
        for (boolean reverse : new boolean[] {false, true}) {
            GraphBuilder b = new GraphBuilder("rnn");
            Value xs = b.input("xs", Shape.of(t, batch, in)), h0 = b.input("h0", Shape.of(batch, hidden));
            Value w = b.param("W", Shape.of(in, hidden)), u = b.param("U", Shape.of(hidden, hidden)), bias = b.param("b", Shape.of(hidden));
            Scan.Result r = Scan.build(b, cell(batch, in, hidden), t, reverse, List.of(xs), List.of(h0), List.of(w, u, bias));
            b.output("last", b.relu(r.carry(0)));
            b.output("ys", r.stacked(0));
            Graph g = b.build();
            Oracle.check(g, Oracle.randomInputs(g, reverse ? 2 : 1, -0.5f, 0.5f, 2), 2e-5, 2);
            try (CpuExecutable ex = new CpuBackend(1).compile(g, null)) {
                assertTrue(ex.plan().contains("scan of body cell"), ex.plan());
            }
        }
    }

    @Test
    void ctcLossAndGradientEqualTheInterpreter() {
        int n = 3, t = 4, c = 5, len = 3;
        GraphBuilder b = new GraphBuilder("ctc");
        Value logits = b.input("logits", Shape.of(n, t, c));
        Value labels = b.input("labels", Shape.of(n, len), DType.I32, Role.INPUT);
        b.output("loss", b.op(Op.CTC_LOSS, logits, labels));
        b.output("grad", b.op(Op.CTC_GRAD, logits, labels, b.constant(Shape.scalar(), 1.5f)));
        Graph g = b.build();
        Map<String, float[]> inputs = Oracle.randomInputs(g, 4, -2, 2, c);
        // sample 0: three labels with a repeat; sample 1: one label and padding; sample 2: 3 _ 3 _ 3 cannot align in 4 frames
        inputs.put("labels", new float[] {1, 1, 2, 4, -1, -1, 3, 3, 3});
        Oracle.check(g, inputs, 2e-5, 1);
    }
}
