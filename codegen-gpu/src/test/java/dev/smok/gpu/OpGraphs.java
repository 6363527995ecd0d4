package dev.smok.gpu;

import dev.smok.ir.Attrs;
import dev.smok.ir.DType;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Op;
import dev.smok.ir.Role;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Hand-built test graphs: one per op, each applying the op at several ragged shapes (1, 7, 17,
 * 63, 65+ where tiles matter), plus the MLP training steps. Input names tell {@link Feeds} what
 * data they need: {@code ctcC_*} CTC label rows, {@code pos*} positive, {@code prob*} probabilities, {@code labN_*} integer labels
 * below N, {@code step*} an Adam step count; anything else is uniform in [-1, 1].
 */
final class OpGraphs {
    private OpGraphs() {}

    record Case(Op op, Graph graph) {
        @Override public String toString() { return graph.name(); }
    }

    static final Shape[] ELEMENTWISE = {Shape.of(1), Shape.of(7), Shape.of(17, 63), Shape.of(2, 7, 17)};

    static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        for (Op op : List.of(Op.IDENTITY, Op.NEG, Op.EXP, Op.SIGMOID, Op.TANH, Op.RELU)) {
            cases.add(unary(op, Attrs.NONE, "x"));
        }
        cases.add(unary(Op.LOG, Attrs.NONE, "pos"));
        cases.add(unary(Op.SQRT, Attrs.NONE, "pos"));
        cases.add(unary(Op.SCALE, Attrs.of("alpha", 1.75f, "beta", -0.5f), "x"));
        for (Op op : List.of(Op.ADD, Op.SUB, Op.MUL, Op.DIV)) cases.add(broadcastBinary(op));
        cases.add(graph(Op.CONSTANT, (b, k) -> b.op(Op.CONSTANT, Attrs.of("shape", new int[] {7, 3}, "value", 1.5f))));
        cases.add(perShape(Op.BIAS_ADD, new Shape[] {Shape.of(1, 1), Shape.of(7, 17), Shape.of(3, 7, 5), Shape.of(2, 7, 1, 17)},
                (b, s, k) -> b.biasAdd(b.input("x" + k, s), b.input("b" + k, Shape.of(s.dim(1))))));
        cases.add(graph(Op.BROADCAST_TO, (b, k) -> List.of(
                b.broadcastTo(b.input("a", Shape.of(17)), Shape.of(7, 17)),
                b.broadcastTo(b.input("c", Shape.of(7, 1)), Shape.of(3, 7, 17)))));
        cases.add(graph(Op.RESHAPE, (b, k) -> b.reshape(b.input("x", Shape.of(7, 17)), Shape.of(17, 7))));
        cases.add(graph(Op.TRANSPOSE, (b, k) -> List.of(
                b.transpose(b.input("x", Shape.of(7, 17)), 1, 0),
                b.transpose(b.input("y", Shape.of(2, 3, 5)), 2, 0, 1))));
        cases.add(graph(Op.ONE_HOT, (b, k) -> b.op(Op.ONE_HOT, Attrs.of("classes", 5), label(b, "lab5_y", 7))));
        cases.add(matmul());
        cases.add(graph(Op.MATMUL, (b, k) -> {
            // a dense layer whose bias is computed after the matmul: the fused GEMM must wait for it
            Value mm = b.matmul(b.input("x", Shape.of(9, 5)), b.input("w", Shape.of(5, 70)));
            Value bias = b.reduceSum(b.input("c", Shape.of(3, 70)), false, 0); // its own kernel
            return b.relu(b.biasAdd(mm, bias));
        }, "dense_late_bias"));
        for (Op op : List.of(Op.SOFTMAX, Op.LOG_SOFTMAX)) cases.add(unaryShapes(op, new Shape[] {Shape.of(1, 1), Shape.of(7, 17), Shape.of(3, 5, 63)}));
        cases.add(reduce(Op.REDUCE_SUM));
        cases.add(reduce(Op.REDUCE_MEAN));
        cases.add(reduce(Op.REDUCE_MAX));
        cases.add(perShape(Op.MSE_LOSS, new Shape[] {Shape.of(1), Shape.of(7, 17), Shape.of(63, 17)},
                (b, s, k) -> b.op(Op.MSE_LOSS, b.input("p" + k, s), b.input("t" + k, s))));
        cases.add(perShape(Op.BCE_LOSS, new Shape[] {Shape.of(1), Shape.of(7, 17), Shape.of(63, 17)},
                (b, s, k) -> b.op(Op.BCE_LOSS, b.input("prob" + k, s), b.input("probt" + k, s))));
        cases.add(perShape(Op.SOFTMAX_XENT, new Shape[] {Shape.of(1, 1), Shape.of(7, 17), Shape.of(300, 10)},
                (b, s, k) -> b.op(Op.SOFTMAX_XENT, b.input("x" + k, s), label(b, "lab" + s.dim(1) + "_" + k, s.dim(0)))));
        for (Op op : List.of(Op.RELU_GRAD, Op.SIGMOID_GRAD, Op.TANH_GRAD)) {
            cases.add(perShape(op, ELEMENTWISE, (b, s, k) -> b.op(op, b.input("y" + k, s), b.input("g" + k, s))));
        }
        for (Op op : List.of(Op.SOFTMAX_GRAD, Op.LOG_SOFTMAX_GRAD)) {
            cases.add(perShape(op, new Shape[] {Shape.of(1, 1), Shape.of(7, 17), Shape.of(3, 5, 63)}, (b, s, k) -> {
                Value x = b.input("x" + k, s);
                Value y = b.op(op == Op.SOFTMAX_GRAD ? Op.SOFTMAX : Op.LOG_SOFTMAX, x);
                return b.op(op, y, b.input("g" + k, s));
            }));
        }
        cases.add(perShape(Op.REDUCE_MAX_GRAD, new Shape[] {Shape.of(7, 17), Shape.of(3, 7, 5)}, (b, s, k) -> {
            Value x = b.input("x" + k, s);
            Attrs ax = Attrs.of("axes", new int[] {1}, "keepdims", false);
            Value y = b.op(Op.REDUCE_MAX, ax, x);
            return b.op(Op.REDUCE_MAX_GRAD, ax, x, y, b.input("g" + k, y.shape()));
        }));
        cases.add(perShape(Op.MSE_GRAD, ELEMENTWISE,
                (b, s, k) -> b.op(Op.MSE_GRAD, b.input("p" + k, s), b.input("t" + k, s), b.input("g" + k, Shape.scalar()))));
        cases.add(perShape(Op.BCE_GRAD, ELEMENTWISE,
                (b, s, k) -> b.op(Op.BCE_GRAD, b.input("prob" + k, s), b.input("probt" + k, s), b.input("g" + k, Shape.scalar()))));
        cases.add(perShape(Op.SOFTMAX_XENT_GRAD, new Shape[] {Shape.of(1, 1), Shape.of(7, 17), Shape.of(63, 10)},
                (b, s, k) -> b.op(Op.SOFTMAX_XENT_GRAD, b.input("x" + k, s),
                        label(b, "lab" + s.dim(1) + "_" + k, s.dim(0)), b.input("g" + k, Shape.scalar()))));
        cases.add(perShape(Op.SGD_UPDATE, ELEMENTWISE, (b, s, k) -> b.op(Op.SGD_UPDATE,
                Attrs.of("lr", 0.1f, "weight_decay", 0.01f), b.input("p" + k, s), b.input("g" + k, s))));
        cases.add(perShape(Op.MOMENTUM_VELOCITY, ELEMENTWISE, (b, s, k) -> b.op(Op.MOMENTUM_VELOCITY,
                Attrs.of("momentum", 0.9f), b.input("v" + k, s), b.input("g" + k, s))));
        cases.add(perShape(Op.ADAM_MOMENT, ELEMENTWISE, (b, s, k) -> b.op(Op.ADAM_MOMENT,
                Attrs.of("beta", 0.9f), b.input("m" + k, s), b.input("g" + k, s))));
        cases.add(perShape(Op.ADAM_VELOCITY, ELEMENTWISE, (b, s, k) -> b.op(Op.ADAM_VELOCITY,
                Attrs.of("beta", 0.999f), b.input("pos" + k, s), b.input("g" + k, s))));
        cases.add(perShape(Op.ADAM_UPDATE, ELEMENTWISE, (b, s, k) -> b.op(Op.ADAM_UPDATE,
                Attrs.of("lr", 0.01f, "beta1", 0.9f, "beta2", 0.999f, "eps", 1e-8f),
                b.input("p" + k, s), b.input("m" + k, s), b.input("pos" + k, s), b.input("step" + k, Shape.scalar()))));
        cases.addAll(ConvOpGraphs.all());
        cases.addAll(SequenceOpGraphs.all());
        return cases;
    }

    /** Ops the per-op graphs exercise directly. */
    static Set<Op> covered() {
        Set<Op> s = EnumSet.noneOf(Op.class);
        for (Case c : all()) s.add(c.op());
        return s;
    }

    static Value label(GraphBuilder b, String name, int n) {
        return b.input(name, Shape.of(n), DType.I32, Role.INPUT);
    }

    interface ShapeCase { Value apply(GraphBuilder b, Shape s, int k); }

    private static Case perShape(Op op, Shape[] shapes, ShapeCase f) {
        GraphBuilder b = new GraphBuilder("op_" + op.text());
        for (int k = 0; k < shapes.length; k++) b.output("o" + k, f.apply(b, shapes[k], k));
        return new Case(op, b.build());
    }

    private static Case unary(Op op, Attrs a, String prefix) {
        return perShape(op, ELEMENTWISE, (b, s, k) -> b.op(op, a, b.input(prefix + k, s)));
    }

    private static Case unaryShapes(Op op, Shape[] shapes) {
        return perShape(op, shapes, (b, s, k) -> b.op(op, b.input("x" + k, s)));
    }

    private static Case graph(Op op, BiFunction<GraphBuilder, Integer, Object> f) {
        return graph(op, f, "op_" + op.text());
    }

    private static Case graph(Op op, BiFunction<GraphBuilder, Integer, Object> f, String name) {
        GraphBuilder b = new GraphBuilder(name);
        Object r = f.apply(b, 0);
        List<?> outs = r instanceof List<?> l ? l : List.of(r);
        for (int k = 0; k < outs.size(); k++) b.output("o" + k, (Value) outs.get(k));
        return new Case(op, b.build());
    }

    private static Case broadcastBinary(Op op) {
        Shape[][] pairs = {
            {Shape.of(1), Shape.of(1)}, {Shape.of(7), Shape.of(7)}, {Shape.of(7, 17), Shape.of(17)},
            {Shape.of(7, 1), Shape.of(1, 17)}, {Shape.of(3, 7, 5), Shape.of(7, 1)}, {Shape.scalar(), Shape.of(63)},
        };
        GraphBuilder b = new GraphBuilder("op_" + op.text());
        String rhs = op == Op.DIV ? "pos" : "y";
        for (int k = 0; k < pairs.length; k++) {
            b.output("o" + k, b.op(op, b.input("x" + k, pairs[k][0]), b.input(rhs + k, pairs[k][1])));
        }
        return new Case(op, b.build());
    }

    private static Case matmul() {
        int[][] mkn = {{1, 1, 1}, {7, 17, 63}, {63, 17, 7}, {65, 33, 130}, {17, 1, 5}, {257, 19, 300}};
        GraphBuilder b = new GraphBuilder("op_matmul");
        int k = 0;
        for (int[] d : mkn) {
            // every trans combination at two sizes; at 257x300 plain and both-transposed (the other
            // tilings and layouts at that size: GemmTilingTest)
            int[] combos = d[0] == 7 || d[0] == 65 ? new int[] {0, 1, 2, 3} : d[0] == 257 ? new int[] {0, 3} : new int[] {0};
            for (int t : combos) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                Value a = b.input("a" + k, ta ? Shape.of(d[1], d[0]) : Shape.of(d[0], d[1]));
                Value w = b.input("w" + k, tb ? Shape.of(d[2], d[1]) : Shape.of(d[1], d[2]));
                b.output("o" + k, b.matmul(a, w, ta, tb));
                k++;
            }
        }
        return new Case(Op.MATMUL, b.build());
    }

    private static Case reduce(Op op) {
        Object[][] cases = {
            {Shape.of(7, 17), new int[] {0}, false}, {Shape.of(7, 17), new int[] {1}, true},
            {Shape.of(7, 17), new int[] {0, 1}, false}, {Shape.of(3, 7, 5), new int[] {1}, false},
            {Shape.of(3, 7, 5), new int[] {0, 2}, true}, {Shape.of(1), new int[] {0}, false},
            {Shape.of(63, 65), new int[] {-1}, false},
            // one work-group per output: a conv-bias-gradient-like (N, C, H, W) over {0, 2, 3}, and a ragged row sum
            {Shape.of(5, 3, 17, 19), new int[] {0, 2, 3}, false}, {Shape.of(2, 700), new int[] {1}, true},
        };
        GraphBuilder b = new GraphBuilder("op_" + op.text());
        for (int k = 0; k < cases.length; k++) {
            Value x = b.input("x" + k, (Shape) cases[k][0]);
            b.output("o" + k, b.op(op, Attrs.of("axes", cases[k][1], "keepdims", cases[k][2]), x));
        }
        return new Case(op, b.build());
    }
}
