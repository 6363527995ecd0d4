package dev.smok.optimizer;

import dev.smok.ir.Attrs;
import dev.smok.ir.DType;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Op;
import dev.smok.ir.Role;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import org.junit.jupiter.api.Test;

import java.util.function.BiFunction;

/**
 * Every differentiable op: autodiff gradients equal central finite differences. Each op's result
 * is weighted by a random tensor and summed, so every output element's gradient matters.
 */
class OpGradientTest {
    /** loss = sum(f(b, params) * w) with a random weight w of the result's shape. */
    static Graph lossOf(String name, BiFunction<GraphBuilder, Value[], Value> f, Shape... paramShapes) {
        GraphBuilder b = new GraphBuilder(name);
        Value[] ps = new Value[paramShapes.length];
        for (int i = 0; i < ps.length; i++) ps[i] = b.param("p" + i, paramShapes[i]);
        Value y = f.apply(b, ps);
        Value w = b.input("w", y.shape());
        Value prod = b.mul(y, w);
        int[] axes = new int[prod.shape().rank()];
        for (int i = 0; i < axes.length; i++) axes[i] = i;
        b.output("loss", axes.length == 0 ? prod : b.reduceSum(prod, false, axes));
        return b.build();
    }

    static void check(String name, BiFunction<GraphBuilder, Value[], Value> f, Shape... shapes) {
        Graph g = lossOf(name, f, shapes);
        GradCheck.check(g, GradCheck.randomInputs(g, name.hashCode(), 3), 40);
    }

    static Value unary(GraphBuilder b, Op op, Value x) { return b.op(op, x); }

    @Test void elementwiseUnary() {
        Shape s = Shape.of(3, 5);
        for (Op op : new Op[] {Op.IDENTITY, Op.NEG, Op.EXP, Op.SIGMOID, Op.TANH, Op.RELU}) {
            check(op.text(), (b, p) -> unary(b, op, p[0]), s);
        }
        check("log", (b, p) -> b.op(Op.LOG, b.op(Op.EXP, p[0])), s);
        check("sqrt", (b, p) -> b.op(Op.SQRT, b.op(Op.EXP, p[0])), s);
        check("scale", (b, p) -> b.op(Op.SCALE, Attrs.of("alpha", -1.5f, "beta", 0.25f), p[0]), s);
    }

    @Test void broadcastingBinary() {
        Shape[][] pairs = {{Shape.of(4, 3), Shape.of(4, 3)}, {Shape.of(4, 3), Shape.of(3)}, {Shape.of(4, 1), Shape.of(1, 3)},
            {Shape.of(2, 3, 4), Shape.of(3, 1)}, {Shape.of(5), Shape.scalar()}};
        for (Shape[] pair : pairs) {
            check("add", (b, p) -> b.add(p[0], p[1]), pair);
            check("sub", (b, p) -> b.sub(p[0], p[1]), pair);
            check("mul", (b, p) -> b.mul(p[0], p[1]), pair);
            // keep the divisor away from zero
            check("div", (b, p) -> b.div(p[0], b.op(Op.SCALE, Attrs.of("alpha", 1f, "beta", 3f), b.op(Op.SIGMOID, p[1]))), pair);
        }
    }

    @Test void biasAddAndBroadcastTo() {
        check("bias_add", (b, p) -> b.biasAdd(p[0], p[1]), Shape.of(4, 3), Shape.of(3));
        check("bias_add4d", (b, p) -> b.biasAdd(p[0], p[1]), Shape.of(2, 3, 2, 2), Shape.of(3));
        check("broadcast_to", (b, p) -> b.broadcastTo(p[0], Shape.of(2, 4, 3)), Shape.of(4, 1));
    }

    @Test void matmulAllTransposes() {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Shape a = ta ? Shape.of(5, 3) : Shape.of(3, 5);
                Shape w = tb ? Shape.of(4, 5) : Shape.of(5, 4);
                check("matmul", (b, p) -> b.matmul(p[0], p[1], ta, tb), a, w);
            }
        }
        check("matmul_shared", (b, p) -> b.matmul(p[0], p[0], false, true), Shape.of(3, 4));
    }

    @Test void softmaxAndReductions() {
        Shape s = Shape.of(3, 6);
        check("softmax", (b, p) -> b.softmax(p[0]), s);
        check("log_softmax", (b, p) -> b.logSoftmax(p[0]), s);
        for (Op op : new Op[] {Op.REDUCE_SUM, Op.REDUCE_MEAN, Op.REDUCE_MAX}) {
            for (boolean keep : new boolean[] {false, true}) {
                check(op.text(), (b, p) -> b.op(op, Attrs.of("axes", new int[] {1}, "keepdims", keep), p[0]), Shape.of(2, 5, 3));
                check(op.text(), (b, p) -> b.op(op, Attrs.of("axes", new int[] {0, 2}, "keepdims", keep), p[0]), Shape.of(2, 5, 3));
            }
        }
    }

    @Test void layout() {
        check("reshape", (b, p) -> b.reshape(p[0], Shape.of(6, 2)), Shape.of(3, 4));
        check("transpose", (b, p) -> b.transpose(p[0], 2, 0, 1), Shape.of(2, 3, 4));
        check("slice", (b, p) -> dev.smok.ir.Slicing.slice(b, p[0], 1, 1, 2), Shape.of(2, 4, 3));
        check("pad", (b, p) -> dev.smok.ir.Slicing.pad(b, p[0], -1, 2, 7), Shape.of(2, 4, 3));
    }

    @Test void losses() {
        Shape s = Shape.of(4, 3);
        check("mse", (b, p) -> b.op(Op.MSE_LOSS, p[0], p[1]), s, s);
        check("bce", (b, p) -> b.op(Op.BCE_LOSS, b.sigmoid(p[0]), b.sigmoid(b.input("t", s))), s);
        GraphBuilder b = new GraphBuilder("xent");
        Value logits = b.param("logits", s);
        Value labels = b.input("labels", Shape.of(4), DType.I32, Role.INPUT);
        b.output("loss", b.scale(b.op(Op.SOFTMAX_XENT, logits, labels), 2.5f));
        Graph g = b.build();
        GradCheck.check(g, GradCheck.randomInputs(g, 7, 3), 100);
        GraphBuilder b2 = new GraphBuilder("bce_onehot");
        Value probs = b2.sigmoid(b2.param("z", s));
        Value l2 = b2.input("labels", Shape.of(4), DType.I32, Role.INPUT);
        b2.output("loss", b2.op(Op.BCE_LOSS, probs, b2.op(Op.ONE_HOT, Attrs.of("classes", 3), l2)));
        Graph g2 = b2.build();
        GradCheck.check(g2, GradCheck.randomInputs(g2, 8, 3), 100);
    }
}
