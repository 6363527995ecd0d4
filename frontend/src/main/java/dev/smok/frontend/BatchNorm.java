package dev.smok.frontend;

import dev.smok.ir.Attrs;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.List;

/**
 * Batch normalization per channel (axis 0 of a C×H×W sample, or per feature of a flat one),
 * PyTorch's semantics: training graphs normalize with the batch mean and biased variance and
 * update the states {@code NAME.running_mean} and {@code NAME.running_var} as
 * running ← (1 − momentum)·running + momentum·batch (the variance unbiased); inference graphs
 * normalize with the running statistics. Parameters {@code NAME.weight} (γ, ones) and
 * {@code NAME.bias} (β, zeros).
 */
public final class BatchNorm extends Layer {
    final float momentum, eps;

    public BatchNorm(float momentum, float eps) {
        if (!(momentum >= 0 && momentum <= 1) || !(eps > 0)) {
            throw new NetworkException("batch norm needs momentum in [0, 1] and a positive eps, got " + momentum + ", " + eps);
        }
        this.momentum = momentum;
        this.eps = eps;
    }

    public BatchNorm() { this(0.1f, 1e-5f); }

    @Override public String type() { return "BatchNorm"; }

    @Override public Shape outputShape(List<Shape> in, List<String> from) { return in.get(0); }

    private static Shape channels(List<Shape> in) { return Shape.of(in.get(0).dim(0)); }

    @Override public List<ParamSpec> params(List<Shape> in) {
        int c = in.get(0).dim(0);
        return List.of(new ParamSpec(name + ".weight", channels(in), Init.constant(1f), c, c),
                new ParamSpec(name + ".bias", channels(in), Init.zeros(), c, c));
    }

    @Override public List<ParamSpec> states(List<Shape> in) {
        int c = in.get(0).dim(0);
        return List.of(new ParamSpec(name + ".running_mean", channels(in), Init.zeros(), c, c),
                new ParamSpec(name + ".running_var", channels(in), Init.constant(1f), c, c));
    }

    /** 0: at inference batch norm folds into the convolution before it (see {@link Layer#macs}). */
    @Override public long macs(List<Shape> in, Shape out) { return 0; }

    @Override public Value lower(Lowering ctx, List<Value> in) {
        GraphBuilder b = ctx.b();
        Value x = in.get(0);
        Shape c = Shape.of(x.shape().dim(1));
        Value gamma = ctx.param(name + ".weight"), beta = ctx.param(name + ".bias");
        Value mean = ctx.state(name + ".running_mean", c), var = ctx.state(name + ".running_var", c);
        Attrs a = Attrs.of("eps", eps);
        if (!ctx.training()) return b.op(Op.BATCH_NORM, a, x, gamma, beta, mean, var);
        int rank = x.shape().rank();
        int[] axes = new int[rank - 1];
        for (int i = 0, j = 0; i < rank; i++) if (i != 1) axes[j++] = i;
        int count = x.shape().size() / c.dim(0);
        Value batchMean = b.op(Op.REDUCE_MEAN, Attrs.of("axes", axes, "keepdims", true), x);
        Value centered = b.sub(x, batchMean);
        Value batchVar = b.scale(b.reduceSum(b.mul(centered, centered), false, axes), 1f / Math.max(1, count - 1));
        b.update(name + ".running_mean", running(b, mean, b.reshape(batchMean, c)));
        b.update(name + ".running_var", running(b, var, batchVar));
        return b.op(Op.BATCH_NORM_TRAIN, a, x, gamma, beta);
    }

    private Value running(GraphBuilder b, Value old, Value batch) {
        return b.add(b.scale(old, 1 - momentum), b.scale(batch, momentum));
    }
}
