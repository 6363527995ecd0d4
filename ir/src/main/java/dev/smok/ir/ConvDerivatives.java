package dev.smok.ir;

/**
 * Derivative rules of the convolutional ops (see {@link Derivatives} for the contract). Heavy
 * gradients get their own backward ops (conv2d_input_grad, conv2d_weight_grad, max_pool_grad,
 * avg_pool_grad, batch_norm_*_grad, lrn_grad) so backends can run them as single kernels;
 * light ones are built from existing ops.
 */
final class ConvDerivatives {
    private ConvDerivatives() {}

    /** The forward attributes plus the extra attribute a backward op needs. */
    private static Attrs plus(Node n, String name, int[] value) { return n.attrs().with(name, value); }

    private static int[] spatial(Shape s) { return new int[] {s.dim(2), s.dim(3)}; }

    static Value[] conv2d(GraphBuilder b, Node n, Value g) {
        Shape x = n.in(0).shape(), w = n.in(1).shape();
        Value gx = b.op(Op.CONV2D_INPUT_GRAD, plus(n, "input_size", spatial(x)), g, n.in(1));
        Value gw = b.op(Op.CONV2D_WEIGHT_GRAD, plus(n, "kernel", spatial(w)), n.in(0), g);
        return new Value[] {gx, gw};
    }

    static Value[] maxPool(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.op(Op.MAX_POOL_GRAD, n.attrs(), n.in(0), g)};
    }

    static Value[] avgPool(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.op(Op.AVG_POOL_GRAD, plus(n, "input_size", spatial(n.in(0).shape())), g)};
    }

    /** Each input pixel receives g / (H·W) of its channel. */
    static Value[] globalAvgPool(GraphBuilder b, Node n, Value g) {
        Shape x = n.in(0).shape();
        Value kept = b.reshape(b.scale(g, 1f / (x.dim(2) * x.dim(3))), Shape.of(x.dim(0), x.dim(1), 1, 1));
        return new Value[] {b.broadcastTo(kept, x)};
    }

    /** Each input gets its slice of g along the concatenation axis. */
    static Value[] concat(GraphBuilder b, Node n, Value g) {
        int axis = n.out().shape().normalizeAxes(new int[] {n.attrs().i("axis", 1)})[0];
        Value[] r = new Value[n.inputs().size()];
        int begin = 0;
        for (int i = 0; i < r.length; i++) {
            int end = begin + n.in(i).shape().dim(axis);
            r[i] = Slicing.slice(b, g, axis, begin, end - begin);
            begin = end;
        }
        return r;
    }

    /** Dropout is linear with the same mask for x and its gradient: dx = dropout(g, step). */
    static Value[] dropout(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.op(Op.DROPOUT, n.attrs(), g, n.in(1)), null};
    }

    /** Training-mode batch norm: dx by its own op, dgamma = Σ g·x̂, dbeta = Σ g. */
    static Value[] batchNormTrain(GraphBuilder b, Node n, Value g) {
        Value x = n.in(0);
        Value dx = b.op(Op.BATCH_NORM_INPUT_GRAD, n.attrs(), x, n.in(1), g);
        Value dgamma = b.op(Op.BATCH_NORM_GAMMA_GRAD, n.attrs(), x, g);
        return new Value[] {dx, dgamma, b.reduceSum(g, false, nonChannelAxes(x.shape()))};
    }

    /**
     * Inference-mode batch norm is affine in x with fixed statistics:
     * dx = g·γ/√(var+ε), dγ = Σ g·(x−mean)/√(var+ε), dβ = Σ g; mean and var are not trained.
     */
    static Value[] batchNorm(GraphBuilder b, Node n, Value g) {
        Value x = n.in(0), gamma = n.in(1), mean = n.in(3), var = n.in(4);
        float eps = n.attrs().f("eps");
        Shape s = x.shape();
        Value invStd = b.div(b.constant(Shape.of(s.dim(1)), 1f),
                b.op(Op.SQRT, b.op(Op.SCALE, Attrs.of("alpha", 1f, "beta", eps), var)));
        Value dx = b.mul(g, perChannel(b, b.mul(gamma, invStd), s));
        Value xhat = b.mul(b.sub(x, perChannel(b, mean, s)), perChannel(b, invStd, s));
        int[] axes = nonChannelAxes(s);
        return new Value[] {dx, b.reduceSum(b.mul(g, xhat), false, axes), b.reduceSum(g, false, axes), null, null};
    }

    static Value[] lrn(GraphBuilder b, Node n, Value g) {
        return new Value[] {b.op(Op.LRN_GRAD, n.attrs(), n.in(0), g)};
    }

    /** [C] reshaped to [C,1,...] so it broadcasts against [N,C,...]. */
    private static Value perChannel(GraphBuilder b, Value v, Shape x) {
        int[] d = new int[x.rank() - 1];
        java.util.Arrays.fill(d, 1);
        d[0] = x.dim(1);
        return d.length == 1 ? v : b.reshape(v, Shape.of(d));
    }

    static int[] nonChannelAxes(Shape s) {
        int[] axes = new int[s.rank() - 1];
        for (int i = 0, j = 0; i < s.rank(); i++) if (i != 1) axes[j++] = i;
        return axes;
    }
}
