package dev.smok.bench;

import dev.smok.ir.Attrs;
import dev.smok.ir.DType;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Op;
import dev.smok.ir.Role;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.ArrayList;
import java.util.List;

/**
 * Hand-built MLP graphs for benchmarks (a copy of the codegen-cpu test graphs) (the autodiff pass lives elsewhere): dense layers with relu, softmax
 * cross-entropy, the backward pass written out with *_grad ops and transposed matmuls, and SGD or
 * Adam updates.
 */
public final class MlpGraphs {
    private MlpGraphs() {}

    /** Inference: logits of an MLP with layer widths {@code dims} (dims[0] inputs). */
    public static Graph mlpForward(int batch, int... dims) {
        GraphBuilder b = new GraphBuilder("mlp_infer");
        Value h = b.input("x", Shape.of(batch, dims[0]));
        for (int l = 1; l < dims.length; l++) {
            Value w = b.param("fc" + l + ".w", Shape.of(dims[l - 1], dims[l]));
            Value bias = b.param("fc" + l + ".b", Shape.of(dims[l]));
            h = b.biasAdd(b.matmul(h, w), bias);
            if (l < dims.length - 1) h = b.relu(h);
        }
        b.output("probs", b.softmax(h));
        return b.build();
    }

    /** One training step: forward, loss, backward, and SGD (adam=false) or Adam updates. */
    public static Graph mlpTrain(int batch, boolean adam, int... dims) {
        GraphBuilder b = new GraphBuilder(adam ? "mlp_train_adam" : "mlp_train_sgd");
        Value x = b.input("x", Shape.of(batch, dims[0]));
        Value labels = b.input("labels", Shape.of(batch), DType.I32, Role.INPUT);
        int n = dims.length - 1;
        Value[] w = new Value[n + 1], bias = new Value[n + 1], h = new Value[n + 1];
        h[0] = x;
        for (int l = 1; l <= n; l++) {
            w[l] = b.param("fc" + l + ".w", Shape.of(dims[l - 1], dims[l]));
            bias[l] = b.param("fc" + l + ".b", Shape.of(dims[l]));
            Value z = b.biasAdd(b.matmul(h[l - 1], w[l]), bias[l]);
            h[l] = l < n ? b.relu(z) : z;
        }
        Value loss = b.op(Op.SOFTMAX_XENT, h[n], labels);
        b.output("loss", loss);
        Value step = adam ? b.state("step", Shape.of(1)) : null;
        Value one = b.constant(Shape.scalar(), 1f);
        Value d = b.op(Op.SOFTMAX_XENT_GRAD, h[n], labels, one);
        List<Value[]> grads = new ArrayList<>();
        for (int l = n; l >= 1; l--) {
            Value dw = b.matmul(h[l - 1], d, true, false);
            Value db = b.reduceSum(d, false, 0);
            grads.add(new Value[] {w[l], dw, bias[l], db});
            if (l > 1) d = b.op(Op.RELU_GRAD, h[l - 1], b.matmul(d, w[l], false, true));
        }
        Value t = adam ? b.op(Op.SCALE, Attrs.of("alpha", 1f, "beta", 1f), step) : null;
        for (Value[] g : grads) {
            for (int i = 0; i < 4; i += 2) {
                Value p = g[i], gp = g[i + 1];
                if (adam) {
                    Value m = b.state(p.name() + ".m", p.shape()), v = b.state(p.name() + ".v", p.shape());
                    Value m2 = b.op(Op.ADAM_MOMENT, Attrs.of("beta", 0.9f), m, gp);
                    Value v2 = b.op(Op.ADAM_VELOCITY, Attrs.of("beta", 0.999f), v, gp);
                    Value p2 = b.op(Op.ADAM_UPDATE, Attrs.of("lr", 1e-3f, "beta1", 0.9f, "beta2", 0.999f, "eps", 1e-8f), p, m2, v2, t);
                    b.update(p.name(), p2).update(m.name(), m2).update(v.name(), v2);
                } else {
                    b.update(p.name(), b.op(Op.SGD_UPDATE, Attrs.of("lr", 0.05f), p, gp));
                }
            }
        }
        if (adam) b.update("step", t);
        return b.build();
    }
}
