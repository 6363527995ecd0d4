package dev.smok.gpu;

import dev.smok.ir.Attrs;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

/**
 * A hand-built two-layer MLP training step (what autodiff will produce): forward
 * matmul, bias_add, relu, matmul, bias_add, softmax_xent; backward softmax_xent_grad, matmuls
 * with trans flags for weight and input gradients, reduce_sum for bias gradients, relu_grad;
 * then SGD or Adam updates of every parameter.
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
        Value[] params = {w1, b1, w2, b2}, grads = {dw1, db1, dw2, db2};
        String[] names = {"w1", "b1", "w2", "b2"};
        if (!adam) {
            for (int i = 0; i < params.length; i++) {
                b.update(names[i], b.op(Op.SGD_UPDATE, Attrs.of("lr", 0.5f, "weight_decay", 0.001f), params[i], grads[i]));
            }
        } else {
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
        return b.build();
    }
}
