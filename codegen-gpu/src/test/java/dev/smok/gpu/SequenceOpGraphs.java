package dev.smok.gpu;

import dev.smok.ir.Attrs;
import dev.smok.ir.DType;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Op;
import dev.smok.ir.Role;
import dev.smok.ir.Scan;
import dev.smok.ir.Shape;
import dev.smok.ir.Slicing;
import dev.smok.ir.Value;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-op graphs (see {@link OpGraphs}) of the layout ops slice, pad and concat, of global average
 * pooling, LRN and its gradient, the CTC loss and gradient, and scan (a recurrent cell over a
 * sequence, forward and reverse, odd and even lengths, with a carry passed through unchanged and
 * a per-step output that is a carry input, as the saved carries of backpropagation are).
 * Label inputs named {@code ctcC_*} hold CTC labels in 1..C-1, each row padded with -1 after a
 * random length (see {@link Feeds}).
 */
final class SequenceOpGraphs {
    private SequenceOpGraphs() {}

    static List<OpGraphs.Case> all() {
        List<OpGraphs.Case> cases = new ArrayList<>();
        cases.add(perShape(Op.SLICE, (b, k) -> List.of(
                Slicing.slice(b, b.input("a", Shape.of(7, 17)), 1, 3, 11),
                Slicing.slice(b, b.input("c", Shape.of(3, 7, 5)), 0, 1, 2),
                Slicing.slice(b, b.input("d", Shape.of(2, 9, 3, 5)), -3, 8, 1))));
        cases.add(perShape(Op.PAD, (b, k) -> List.of(
                Slicing.pad(b, b.input("a", Shape.of(7, 11)), 1, 3, 17),
                Slicing.pad(b, b.input("c", Shape.of(2, 7, 5)), 0, 0, 3),
                Slicing.pad(b, b.input("d", Shape.of(2, 1, 3, 5)), 1, 8, 9))));
        cases.add(perShape(Op.CONCAT, (b, k) -> List.of(
                b.op(Op.CONCAT, b.input("a0", Shape.of(2, 3, 5, 7)), b.input("a1", Shape.of(2, 1, 5, 7)), b.input("a2", Shape.of(2, 6, 5, 7))),
                b.op(Op.CONCAT, Attrs.of("axis", 0), b.input("c0", Shape.of(3, 17)), b.input("c1", Shape.of(7, 17))),
                // a pointwise producer inlined into the concat, and a one-input concat
                b.op(Op.CONCAT, Attrs.of("axis", -1), b.relu(b.input("d0", Shape.of(5, 3))), b.input("d1", Shape.of(5, 4))),
                b.op(Op.CONCAT, b.input("e0", Shape.of(3, 5))))));
        cases.add(perShape(Op.GLOBAL_AVG_POOL, (b, k) -> List.of(
                b.op(Op.GLOBAL_AVG_POOL, b.input("a", Shape.of(2, 3, 5, 7))),
                b.op(Op.GLOBAL_AVG_POOL, b.input("c", Shape.of(1, 1, 1, 1))),
                b.op(Op.GLOBAL_AVG_POOL, b.input("d", Shape.of(3, 17, 23, 19))))));
        Attrs lrn5 = Attrs.of("size", 5, "alpha", 1e-2f, "beta", 0.75f, "k", 2f);
        Attrs lrn4 = Attrs.of("size", 4, "alpha", 0.3f, "beta", 0.6f, "k", 1f);
        cases.add(perShape(Op.LRN, (b, k) -> List.of(
                b.op(Op.LRN, lrn5, b.input("a", Shape.of(2, 7, 5, 3))),
                b.op(Op.LRN, lrn4, b.input("c", Shape.of(3, 3, 4))),
                b.op(Op.LRN, lrn5, b.input("d", Shape.of(1, 1, 2, 2))))));
        cases.add(perShape(Op.LRN_GRAD, (b, k) -> List.of(
                b.op(Op.LRN_GRAD, lrn5, b.input("a", Shape.of(2, 7, 5, 3)), b.input("ga", Shape.of(2, 7, 5, 3))),
                b.op(Op.LRN_GRAD, lrn4, b.input("c", Shape.of(3, 3, 4)), b.input("gc", Shape.of(3, 3, 4))))));
        // [N,T,C] against [N,L]: ample frames, repeated labels, and T=3 frames for up to 4 labels (some impossible)
        int[][] ctc = {{2, 9, 5, 3}, {5, 3, 4, 4}, {1, 1, 2, 1}, {3, 17, 7, 6}};
        cases.add(perShape(Op.CTC_LOSS, (b, k) -> {
            List<Value> outs = new ArrayList<>();
            for (int[] d : ctc) outs.add(b.op(Op.CTC_LOSS, b.input("x" + outs.size(), Shape.of(d[0], d[1], d[2])), ctcLabels(b, outs.size(), d)));
            return outs;
        }));
        cases.add(perShape(Op.CTC_GRAD, (b, k) -> {
            List<Value> outs = new ArrayList<>();
            for (int[] d : ctc) {
                int q = outs.size();
                outs.add(b.op(Op.CTC_GRAD, b.input("x" + q, Shape.of(d[0], d[1], d[2])), ctcLabels(b, q, d), b.input("g" + q, Shape.scalar())));
            }
            return outs;
        }));
        cases.add(perShape(Op.SCAN, (b, k) -> List.of(scan(b, "f", 4, false), scan(b, "r", 5, true), scan(b, "one", 1, false))));
        return cases;
    }

    private static Value ctcLabels(GraphBuilder b, int q, int[] d) {
        return b.input("ctc" + d[2] + "_" + q, Shape.of(d[0], d[3]), DType.I32, Role.INPUT);
    }

    /**
     * A tanh cell over x [T,3,5]: h' = tanh(x_t·W + h·U + bias), acc' = acc + h', keep' = keep;
     * per step 2·h' and the incoming h. The packed result holds the final carries and both stacks.
     */
    private static Value scan(GraphBuilder b, String p, int length, boolean reverse) {
        int n = 3, d = 5, h = 4;
        GraphBuilder cell = new GraphBuilder("cell_" + p);
        Value x = cell.input("x", Shape.of(n, d)), hIn = cell.input("h", Shape.of(n, h));
        Value acc = cell.input("acc", Shape.of(n, h)), keep = cell.input("keep", Shape.of(2));
        Value w = cell.input("w", Shape.of(d, h)), u = cell.input("u", Shape.of(h, h)), bias = cell.input("bias", Shape.of(h));
        Value hNew = cell.tanh(cell.biasAdd(cell.add(cell.matmul(x, w), cell.matmul(hIn, u)), bias));
        cell.output("h", hNew).output("acc", cell.add(acc, hNew)).output("keep", keep);
        cell.output("y", cell.scale(hNew, 2f)).output("h_in", hIn);
        Graph body = cell.build();
        Scan.Result r = Scan.build(b, body, length, reverse,
                List.of(b.input(p + "_x", Shape.of(length, n, d))),
                List.of(b.input(p + "_h0", Shape.of(n, h)), b.input(p + "_acc0", Shape.of(n, h)), b.input(p + "_keep", Shape.of(2))),
                List.of(b.param(p + "_w", Shape.of(d, h)), b.param(p + "_u", Shape.of(h, h)), b.param(p + "_bias", Shape.of(h))));
        return r.packed();
    }

    interface Outputs { List<Value> apply(GraphBuilder b, int k); }

    private static OpGraphs.Case perShape(Op op, Outputs f) {
        GraphBuilder b = new GraphBuilder("op_" + op.text());
        List<Value> outs = f.apply(b, 0);
        for (int k = 0; k < outs.size(); k++) b.output("o" + k, outs.get(k));
        return new OpGraphs.Case(op, b.build());
    }
}
