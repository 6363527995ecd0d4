package dev.smok.gpu;

import dev.smok.ir.Attrs;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

/**
 * Hand-built training steps (what autodiff produces), needing only the ir module: a two-layer
 * MLP (forward matmul, bias_add, relu, matmul, bias_add, softmax_xent; backward
 * softmax_xent_grad, matmuls with trans flags for weight and input gradients, reduce_sum for
 * bias gradients, relu_grad; then SGD or Adam updates of every parameter) and LeNet-5.
 */
final class TrainingGraphs {
    private TrainingGraphs() {}

    static final int N = 17, D = 13, H = 33, C = 7;

    static Graph mlp(boolean adam) {
        GraphBuilder b = new GraphBuilder(adam ? "mlp_adam" : "mlp_sgd");
        Value x = b.input("x", Shape.of(N, D));
        Value y = OpGraphs.label(b, "lab" + C + "_y", N);
        Value w1 = b.param("w1", Shape.of(D, H)), b1 = b.param("b1", Shape.of(H));
        Value w2 = b.param("w2", Shape.of(H, C)), b2 = b.param("b2", Shape.of(C));
        Value a = b.relu(b.biasAdd(b.matmul(x, w1), b1));
        Value z = b.biasAdd(b.matmul(a, w2), b2);
        Value loss = b.op(Op.SOFTMAX_XENT, z, y);
        b.output("loss", loss);
        Value one = b.op(Op.CONSTANT, Attrs.of("shape", new int[0], "value", 1f));
        Value dz = b.op(Op.SOFTMAX_XENT_GRAD, z, y, one);
        Value dw2 = b.matmul(a, dz, true, false);
        Value db2 = b.reduceSum(dz, false, 0);
        Value da = b.matmul(dz, w2, false, true);
        Value dh = b.op(Op.RELU_GRAD, a, da);
        Value dw1 = b.matmul(x, dh, true, false);
        Value db1 = b.reduceSum(dh, false, 0);
        updates(b, adam, new String[] {"w1", "b1", "w2", "b2"}, new Value[] {w1, b1, w2, b2}, new Value[] {dw1, db1, dw2, db2});
        return b.build();
    }

    /** LeNet-5's batch size in the training tests (small: the interpreter runs it too). */
    static final int LENET_BATCH = 3;

    /**
     * A LeNet-5 training step with Adam, as autodiff writes it: conv 6@5x5 (padding 2), bias,
     * ReLU, max-pool 2, conv 16@5x5, bias, ReLU, max-pool 2, flatten, dense 120, 84, 10 with
     * ReLUs, softmax cross-entropy; backward through conv2d_input_grad, conv2d_weight_grad,
     * max_pool_grad and relu_grad, bias gradients as reduce_sum over (N, H, W).
     */
    static Graph lenet5() { return lenet5(LENET_BATCH); }

    static Graph lenet5(int n) {
        GraphBuilder b = new GraphBuilder("lenet5_adam");
        Value x = b.input("x", Shape.of(n, 1, 28, 28));
        Value y = OpGraphs.label(b, "lab10_y", n);
        Value c1w = b.param("c1w", Shape.of(6, 1, 5, 5)), c1b = b.param("c1b", Shape.of(6));
        Value c2w = b.param("c2w", Shape.of(16, 6, 5, 5)), c2b = b.param("c2b", Shape.of(16));
        Value f1w = b.param("f1w", Shape.of(400, 120)), f1b = b.param("f1b", Shape.of(120));
        Value f2w = b.param("f2w", Shape.of(120, 84)), f2b = b.param("f2b", Shape.of(84));
        Value f3w = b.param("f3w", Shape.of(84, 10)), f3b = b.param("f3b", Shape.of(10));
        Attrs conv1 = Attrs.of("padding", new int[] {2, 2}), conv2 = Attrs.NONE, pool = Attrs.of("kernel", new int[] {2, 2});
        Value a1 = b.relu(b.biasAdd(b.op(Op.CONV2D, conv1, x, c1w), c1b));
        Value p1 = b.op(Op.MAX_POOL, pool, a1);
        Value a2 = b.relu(b.biasAdd(b.op(Op.CONV2D, conv2, p1, c2w), c2b));
        Value p2 = b.op(Op.MAX_POOL, pool, a2);
        Value flat = b.reshape(p2, Shape.of(n, 400));
        Value h1 = b.relu(b.biasAdd(b.matmul(flat, f1w), f1b));
        Value h2 = b.relu(b.biasAdd(b.matmul(h1, f2w), f2b));
        Value z = b.biasAdd(b.matmul(h2, f3w), f3b);
        b.output("loss", b.op(Op.SOFTMAX_XENT, z, y));
        Value dz = b.op(Op.SOFTMAX_XENT_GRAD, z, y, b.op(Op.CONSTANT, Attrs.of("shape", new int[0], "value", 1f)));
        Value dh2 = b.op(Op.RELU_GRAD, h2, b.matmul(dz, f3w, false, true));
        Value dh1 = b.op(Op.RELU_GRAD, h1, b.matmul(dh2, f2w, false, true));
        Value dp2 = b.reshape(b.matmul(dh1, f1w, false, true), p2.shape());
        Value da2 = b.op(Op.RELU_GRAD, a2, b.op(Op.MAX_POOL_GRAD, pool, a2, dp2));
        Value dp1 = b.op(Op.CONV2D_INPUT_GRAD, conv2.with("input_size", new int[] {14, 14}), da2, c2w);
        Value da1 = b.op(Op.RELU_GRAD, a1, b.op(Op.MAX_POOL_GRAD, pool, a1, dp1));
        Value[] grads = {
            b.op(Op.CONV2D_WEIGHT_GRAD, conv1.with("kernel", new int[] {5, 5}), x, da1), b.reduceSum(da1, false, 0, 2, 3),
            b.op(Op.CONV2D_WEIGHT_GRAD, conv2.with("kernel", new int[] {5, 5}), p1, da2), b.reduceSum(da2, false, 0, 2, 3),
            b.matmul(flat, dh1, true, false), b.reduceSum(dh1, false, 0),
            b.matmul(h1, dh2, true, false), b.reduceSum(dh2, false, 0),
            b.matmul(h2, dz, true, false), b.reduceSum(dz, false, 0),
        };
        updates(b, true, new String[] {"c1w", "c1b", "c2w", "c2b", "f1w", "f1b", "f2w", "f2b", "f3w", "f3b"},
                new Value[] {c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b, f3w, f3b}, grads);
        return b.build();
    }

    /** SGD (lr 0.5, weight decay 0.001) or Adam (lr 0.01) updates of every parameter. */
    private static void updates(GraphBuilder b, boolean adam, String[] names, Value[] params, Value[] grads) {
        if (!adam) {
            for (int i = 0; i < params.length; i++) {
                b.update(names[i], b.op(Op.SGD_UPDATE, Attrs.of("lr", 0.5f, "weight_decay", 0.001f), params[i], grads[i]));
            }
            return;
        }
        Value step = b.state("adam_t", Shape.scalar());
        Value t = b.op(Op.SCALE, Attrs.of("alpha", 1f, "beta", 1f), step);
        b.update("adam_t", t);
        for (int i = 0; i < params.length; i++) {
            Value m = b.state("m_" + names[i], params[i].shape()), v = b.state("v_" + names[i], params[i].shape());
            Value m2 = b.op(Op.ADAM_MOMENT, Attrs.of("beta", 0.9f), m, grads[i]);
            Value v2 = b.op(Op.ADAM_VELOCITY, Attrs.of("beta", 0.999f), v, grads[i]);
            b.update("m_" + names[i], m2).update("v_" + names[i], v2);
            b.update(names[i], b.op(Op.ADAM_UPDATE,
                    Attrs.of("lr", 0.01f, "beta1", 0.9f, "beta2", 0.999f, "eps", 1e-6f), params[i], m2, v2, t));
        }
    }
}
