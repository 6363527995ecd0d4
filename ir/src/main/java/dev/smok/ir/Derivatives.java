package dev.smok.ir;

/**
 * The derivative rules of {@link Op}: each builds, in the training graph, the vector-Jacobian
 * product of one node. {@code g} is the gradient with respect to the node's output; the result
 * has one entry per input (null where the input is not differentiable, e.g. integer labels).
 */
final class Derivatives {
    private Derivatives() {}

    static Value[] none(GraphBuilder b, Node n, Value g) {
        throw new IrException(n.op().text() + " has no derivative rule (it appears only in training graphs)");
    }

    static Value[] identity(GraphBuilder b, Node n, Value g) { return new Value[] {g}; }

    static Value[] neg(GraphBuilder b, Node n, Value g) { return new Value[] {b.neg(g)}; }

    static Value[] exp(GraphBuilder b, Node n, Value g) { return new Value[] {b.mul(g, n.out())}; }

    static Value[] log(GraphBuilder b, Node n, Value g) { return new Value[] {b.div(g, n.in(0))}; }

    static Value[] sqrt(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.div(b.scale(g, 0.5f), n.out())};
    }

    static Value[] scale(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.scale(g, n.attrs().f("alpha"))};
    }

    static Value[] sigmoid(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.op(Op.SIGMOID_GRAD, n.out(), g)};
    }

    static Value[] tanh(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.op(Op.TANH_GRAD, n.out(), g)};
    }

    static Value[] relu(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.op(Op.RELU_GRAD, n.out(), g)};
    }

    static Value[] add(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.unbroadcast(g, n.in(0).shape()), b.unbroadcast(g, n.in(1).shape())};
    }

    static Value[] sub(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.unbroadcast(g, n.in(0).shape()), b.unbroadcast(b.neg(g), n.in(1).shape())};
    }

    static Value[] mul(GraphBuilder b, Node n, Value g) {
        return new Value[] {
            b.unbroadcast(b.mul(g, n.in(1)), n.in(0).shape()),
            b.unbroadcast(b.mul(g, n.in(0)), n.in(1).shape())
        };
    }

    static Value[] div(GraphBuilder b, Node n, Value g) {
        Value ga = b.div(g, n.in(1));
        Value gb = b.neg(b.mul(ga, b.div(n.in(0), n.in(1))));
        return new Value[] {b.unbroadcast(ga, n.in(0).shape()), b.unbroadcast(gb, n.in(1).shape())};
    }

    static Value[] biasAdd(GraphBuilder b, Node n, Value g) {
        int rank = g.shape().rank();
        int[] axes = new int[rank - 1];
        for (int i = 0, j = 0; i < rank; i++) if (i != 1) axes[j++] = i;
        return new Value[] {g, b.reduceSum(g, false, axes)};
    }

    static Value[] broadcastTo(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.unbroadcast(g, n.in(0).shape())};
    }

    /**
     * C = op(A)·op(B). dop(A) = G·op(B)ᵀ and dop(B) = op(A)ᵀ·G; when an operand is stored
     * transposed its gradient is the transpose, which the operand flags express without a
     * materialized transpose.
     */
    static Value[] matmul(GraphBuilder b, Node n, Value g) {
        boolean ta = n.attrs().b("trans_a", false), tb = n.attrs().b("trans_b", false);
        Value a = n.in(0), w = n.in(1);
        Value ga = ta ? b.matmul(w, g, tb, true) : b.matmul(g, w, false, !tb);
        Value gw = tb ? b.matmul(g, a, true, ta) : b.matmul(a, g, !ta, false);
        return new Value[] {ga, gw};
    }

    static Value[] softmax(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.op(Op.SOFTMAX_GRAD, n.out(), g)};
    }

    static Value[] logSoftmax(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.op(Op.LOG_SOFTMAX_GRAD, n.out(), g)};
    }

    /** The reduced shape with kept (size-1) axes, so g can be broadcast back. */
    private static Value keepDims(GraphBuilder b, Node n, Value g) {
        Shape kept = Op.REDUCE_SUM.inferShape(n.inputs(), n.attrs().with("keepdims", true));
        return g.shape().equals(kept) ? g : b.reshape(g, kept);
    }

    static Value[] reduceSum(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.broadcastTo(keepDims(b, n, g), n.in(0).shape())};
    }

    static Value[] reduceMean(GraphBuilder b, Node n, Value g) {
        float count = (float) n.in(0).shape().size() / n.out().shape().size();
        return new Value[] {b.broadcastTo(keepDims(b, n, b.scale(g, 1f / count)), n.in(0).shape())};
    }

    static Value[] reduceMax(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.op(Op.REDUCE_MAX_GRAD, n.attrs(), n.in(0), n.out(), g)};
    }

    static Value[] reshape(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.reshape(g, n.in(0).shape())};
    }

    static Value[] transpose(GraphBuilder b, Node n, Value g) {
        int[] perm = n.attrs().ints("perm");
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inv[perm[i]] = i;
        return new Value[] {b.transpose(g, inv)};
    }

    static Value[] mseLoss(GraphBuilder b, Node n, Value g) {
        Value gp = b.op(Op.MSE_GRAD, n.in(0), n.in(1), g);
        return new Value[] {gp, b.neg(gp)};
    }

    static Value[] bceLoss(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.op(Op.BCE_GRAD, n.in(0), n.in(1), g), null};
    }

    static Value[] softmaxXent(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.op(Op.SOFTMAX_XENT_GRAD, n.in(0), n.in(1), g), null};
    }

    static Value[] ctc(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.op(Op.CTC_GRAD, n.in(0), n.in(1), g), null};
    }
}
