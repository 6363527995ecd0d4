package dev.smok.frontend;

import dev.smok.ir.Attrs;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.List;

/**
 * Local response normalization across channels, PyTorch's LocalResponseNorm:
 * b_c = a_c · (k + α/size · Σ a_{c'}²)^−β over the {@code size} channels around c.
 * AlexNet used size 5, α 1e-4, β 0.75, k 2.
 */
public final class Lrn extends Layer {
    final int size;
    final float alpha, beta, k;

    public Lrn(int size, float alpha, float beta, float k) {
        if (size <= 0) throw new NetworkException("lrn needs a positive size, got " + size);
        this.size = size;
        this.alpha = alpha;
        this.beta = beta;
        this.k = k;
    }

    @Override public String type() { return "LRN"; }

    @Override public Shape outputShape(List<Shape> in, List<String> from) { return Images.requireImage(this, in.get(0), from.get(0)); }

    @Override public Value lower(Lowering ctx, List<Value> in) {
        return ctx.b().op(Op.LRN, Attrs.of("size", size, "alpha", alpha, "beta", beta, "k", k), in.get(0));
    }
}
