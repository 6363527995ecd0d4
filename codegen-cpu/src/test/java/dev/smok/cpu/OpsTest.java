package dev.smok.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.ir.Attrs;
import dev.smok.ir.DType;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.IrException;
import dev.smok.ir.Op;
import dev.smok.ir.Role;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.EnumSet;
import java.util.Map;

/**
 * Every op of {@link Op} on the CPU backend against the interpreter, on ragged shapes (1, 7, 15,
 * 17, 63 ...), elementwise ones both below and above {@link FusedLoopEmitter#SCALAR_MAX_ELEMENTS}
 * (scalar and vector loops, ragged vector tails). Tolerances are relative to the largest reference magnitude: 1e-5 for arithmetic,
 * 2e-5 for transcendental functions (SVML exp/log/tanh within a few ulp).
 */
class OpsTest {
    static final Shape[] SHAPES = {Shape.of(1), Shape.of(7), Shape.of(17), Shape.of(63), Shape.of(15, 17),
            Shape.of(3, 5, 7), Shape.of(2, 33), Shape.of(1, 65), Shape.of(19, 17), Shape.of(300)};

    private static Graph unary(Op op, Shape s, Attrs a) {
        GraphBuilder b = new GraphBuilder(op.text());
        b.output("y", b.op(op, a, b.input("x", s)));
        return b.build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"identity", "neg", "exp", "log", "sqrt", "sigmoid", "tanh", "relu", "scale"})
    void unaryOps(String name) {
        Op op = Op.parse(name);
        Attrs a = op == Op.SCALE ? Attrs.of("alpha", 1.5f, "beta", -0.25f) : Attrs.NONE;
        boolean positive = op == Op.LOG || op == Op.SQRT;
        for (Shape s : SHAPES) {
            Graph g = unary(op, s, a);
            Oracle.check(g, Oracle.randomInputs(g, s.size(), positive ? 0.1f : -3f, 3f, 2), 2e-5, 1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"add", "sub", "mul", "div"})
    void binaryWithBroadcasting(String name) {
        Op op = Op.parse(name);
        Shape[][] pairs = {
            {Shape.of(7), Shape.of(7)}, {Shape.of(15, 17), Shape.of(17)}, {Shape.of(15, 17), Shape.of(15, 1)},
            {Shape.of(15, 17), Shape.scalar()}, {Shape.of(1), Shape.of(63)}, {Shape.of(3, 5, 7), Shape.of(3, 1, 7)},
            {Shape.of(3, 1, 7), Shape.of(5, 1)}, {Shape.of(2, 3, 4, 5), Shape.of(3, 1, 1)}, {Shape.of(4, 1), Shape.of(1, 33)},
            {Shape.of(23, 17), Shape.of(17)}, {Shape.of(23, 17), Shape.of(23, 1)}, {Shape.of(3, 11, 9), Shape.of(3, 1, 9)}
        };
        for (Shape[] p : pairs) {
            GraphBuilder b = new GraphBuilder(name);
            b.output("z", b.op(op, b.input("x", p[0]), b.input("y", p[1])));
            Graph g = b.build();
            Oracle.check(g, Oracle.randomInputs(g, p[0].size() + p[1].size(), 0.5f, 2f, 2), 1e-5, 1);
        }
    }

    @Test
    void biasAddAndBroadcastToAndConstant() {
        for (Shape s : new Shape[] {Shape.of(7, 17), Shape.of(2, 3, 5, 5), Shape.of(1, 63), Shape.of(19, 17), Shape.of(3, 7, 5, 5)}) {
            GraphBuilder b = new GraphBuilder("bias");
            Value x = b.input("x", s);
            Value y = b.biasAdd(x, b.input("b", Shape.of(s.dim(1))));
            Value c = b.constant(s, 0.75f);
            b.output("y", b.mul(y, c));
            b.output("bt", b.broadcastTo(b.input("v", Shape.of(s.dim(-1))), s));
            Graph g = b.build();
            Oracle.check(g, Oracle.randomInputs(g, s.size(), -1, 1, 2), 1e-6, 1);
        }
    }

    @Test
    void activationGrads() {
        for (Shape s : SHAPES) {
            for (Op op : new Op[] {Op.RELU_GRAD, Op.SIGMOID_GRAD, Op.TANH_GRAD}) {
                GraphBuilder b = new GraphBuilder(op.text());
                b.output("d", b.op(op, b.input("y", s), b.input("g", s)));
                Graph g = b.build();
                Oracle.check(g, Oracle.randomInputs(g, s.size(), -1, 1, 2), 1e-6, 1);
            }
        }
    }

    @Test
    void reductions() {
        int[][] axesSets = {{0}, {1}, {2}, {0, 1}, {1, 2}, {0, 2}, {0, 1, 2}, {-1}};
        for (Shape s : new Shape[] {Shape.of(3, 5, 7), Shape.of(1, 17, 63), Shape.of(15, 1, 33)}) {
            for (int[] axes : axesSets) {
                for (Op op : new Op[] {Op.REDUCE_SUM, Op.REDUCE_MEAN, Op.REDUCE_MAX}) {
                    for (boolean keep : new boolean[] {false, true}) {
                        GraphBuilder b = new GraphBuilder(op.text());
                        Value x = b.input("x", s);
                        Attrs a = Attrs.of("axes", axes, "keepdims", keep);
                        Value y = b.op(op, a, x);
                        b.output("y", y);
                        if (op == Op.REDUCE_MAX) {
                            Value g = b.input("g", y.shape());
                            b.output("dx", b.op(Op.REDUCE_MAX_GRAD, a, x, y, g));
                        }
                        Graph g = b.build();
                        Oracle.check(g, Oracle.randomInputs(g, s.size() + axes.length, -1, 1, 2), 1e-5, 1);
                    }
                }
            }
        }
    }

    @Test
    void softmaxFamily() {
        for (Shape s : new Shape[] {Shape.of(1, 1), Shape.of(7, 10), Shape.of(15, 17), Shape.of(3, 2, 63), Shape.of(4, 100)}) {
            GraphBuilder b = new GraphBuilder("softmax");
            Value x = b.input("x", s);
            Value g = b.input("g", s);
            Value sm = b.softmax(x), ls = b.logSoftmax(x);
            b.output("sm", sm).output("ls", ls);
            b.output("dsm", b.op(Op.SOFTMAX_GRAD, sm, g));
            b.output("dls", b.op(Op.LOG_SOFTMAX_GRAD, ls, g));
            Graph gr = b.build();
            Oracle.check(gr, Oracle.randomInputs(gr, s.size(), -4, 4, 2), 2e-5, 1);
        }
    }

    @Test
    void lossesAndTheirGradients() {
        for (int[] nc : new int[][] {{1, 1}, {7, 10}, {17, 3}, {64, 10}, {5, 33}}) {
            Shape s = Shape.of(nc[0], nc[1]);
            GraphBuilder b = new GraphBuilder("losses");
            Value p = b.input("p", s), t = b.input("t", s);
            Value labels = b.input("labels", Shape.of(nc[0]), DType.I32, Role.INPUT);
            Value gs = b.input("gs", Shape.scalar());
            b.output("mse", b.op(Op.MSE_LOSS, p, t));
            b.output("bce", b.op(Op.BCE_LOSS, p, t));
            b.output("xent", b.op(Op.SOFTMAX_XENT, p, labels));
            b.output("dmse", b.op(Op.MSE_GRAD, p, t, gs));
            b.output("dbce", b.op(Op.BCE_GRAD, p, t, gs));
            b.output("dxent", b.op(Op.SOFTMAX_XENT_GRAD, p, labels, gs));
            b.output("onehot", b.op(Op.ONE_HOT, Attrs.of("classes", nc[1]), labels));
            Graph g = b.build();
            Map<String, float[]> in = Oracle.randomInputs(g, nc[0] * 100 + nc[1], 0.05f, 0.95f, nc[1]);
            Oracle.check(g, in, 2e-5, 1);
        }
    }

    @Test
    void layoutOps() {
        GraphBuilder b = new GraphBuilder("layout");
        Value x = b.input("x", Shape.of(3, 5, 7));
        b.output("t", b.transpose(x, 2, 0, 1));
        b.output("t2", b.transpose(b.reshape(x, Shape.of(15, 7)), 1, 0));
        b.output("t3", b.transpose(x, 1, 0, 2)); // [N,T,F] -> [T,N,F]: rows of 7 contiguous floats
        Value y = b.input("y", Shape.of(2, 3, 1, 4, 20));
        b.output("t4", b.transpose(y, 1, 0, 2, 3, 4)); // rows of 80 (arraycopy) after merging and dropping the 1
        b.output("t5", b.transpose(y, 0, 3, 4, 1, 2)); // NCHW -> NHWC-like: [2, 80, 3] strided
        b.output("t6", b.transpose(y, 0, 1, 2, 3, 4)); // identity: one block
        b.output("t7", b.transpose(y, 4, 2, 0, 3, 1));
        b.output("r", b.relu(b.reshape(x, Shape.of(105))));
        b.output("rx", b.reshape(x, Shape.of(7, 15)));
        b.output("xin", x);
        Graph g = b.build();
        Oracle.check(g, Oracle.randomInputs(g, 3, -1, 1, 2), 0, 1);
    }

    @Test
    void optimizerUpdatesInPlace() {
        for (Shape s : new Shape[] {Shape.of(1), Shape.of(7, 17), Shape.of(63, 5)}) {
            GraphBuilder b = new GraphBuilder("adam");
            Value p = b.param("p", s), q = b.param("q", s), m = b.state("m", s), v = b.state("v", s), vel = b.state("vel", s);
            Value step = b.state("step", Shape.of(1));
            Value g = b.input("g", s);
            Value t = b.op(Op.SCALE, Attrs.of("alpha", 1f, "beta", 1f), step);
            Value m2 = b.op(Op.ADAM_MOMENT, Attrs.of("beta", 0.9f), m, g);
            Value v2 = b.op(Op.ADAM_VELOCITY, Attrs.of("beta", 0.999f), v, g);
            Value p2 = b.op(Op.ADAM_UPDATE, Attrs.of("lr", 0.01f, "beta1", 0.9f, "beta2", 0.999f, "eps", 1e-8f), p, m2, v2, t);
            Value vel2 = b.op(Op.MOMENTUM_VELOCITY, Attrs.of("momentum", 0.9f), vel, g);
            Value q2 = b.op(Op.SGD_UPDATE, Attrs.of("lr", 0.1f, "weight_decay", 0.01f), q, vel2);
            b.update("p", p2).update("m", m2).update("v", v2).update("step", t).update("vel", vel2).update("q", q2);
            Graph gr = b.build();
            Map<String, float[]> in = Oracle.randomInputs(gr, s.size(), 0.01f, 1f, 2);
            in.put("step", new float[] {3f});
            try (CpuExecutable ex = new CpuBackend(1).compile(gr, null)) {
                Oracle.check(ex, in, 1e-5);
                if (s.size() > 1) assertTrue(ex.plan().contains("written in place"), ex.plan());
            }
        }
    }

    @Test
    void unknownOpIsAClearError() {
        GraphBuilder b = new GraphBuilder("g");
        b.output("y", b.matmul(b.input("x", Shape.of(2, 3)), b.param("w", Shape.of(3, 4))));
        Graph g = b.build();
        IrException e = assertThrows(IrException.class,
                () -> new CpuBackend(1, EnumSet.complementOf(EnumSet.of(Op.MATMUL))).compile(g, null));
        assertTrue(e.getMessage().contains("cpu backend cannot compile op 'matmul'"), e.getMessage());
    }

    @Test
    void invalidLabelIsReported() {
        GraphBuilder b = new GraphBuilder("g");
        Value p = b.input("p", Shape.of(2, 3));
        Value l = b.input("l", Shape.of(2), DType.I32, Role.INPUT);
        b.output("loss", b.op(Op.SOFTMAX_XENT, p, l));
        try (CpuExecutable ex = new CpuBackend(1).compile(b.build(), null)) {
            ex.buffer("l").set(1, 3f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ex::run);
            assertEquals("label 3.0 is not a class index in 0..2", e.getMessage());
        }
    }
}
