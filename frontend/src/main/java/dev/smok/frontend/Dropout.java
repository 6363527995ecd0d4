package dev.smok.frontend;

import dev.smok.ir.Attrs;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.List;

/**
 * Inverted dropout: in training graphs each value is zeroed with probability p and the
 * survivors scaled by 1/(1−p); inference graphs omit it. The mask is a function of the seed
 * (from the network seed and the layer name) and a step counter, the state {@code NAME.step}
 * that the training graph increments, so a run is reproducible and every step draws a new mask.
 */
public final class Dropout extends Layer {
    final float p;

    public Dropout(float p) {
        if (!(p >= 0 && p < 1)) throw new NetworkException("dropout probability must be in [0, 1), got " + p);
        this.p = p;
    }

    public float p() { return p; }

    @Override public String type() { return "Dropout"; }

    @Override public Shape outputShape(List<Shape> in, List<String> from) { return in.get(0); }

    @Override public List<ParamSpec> states(List<Shape> in) {
        return List.of(new ParamSpec(name + ".step", Shape.of(1), Init.zeros(), 1, 1));
    }

    @Override public Value lower(Lowering ctx, List<Value> in) {
        if (!ctx.training() || p == 0) return in.get(0);
        Value step = ctx.state(name + ".step", Shape.of(1));
        int seed = (int) (ctx.seed() * 0x9E3779B97F4A7C15L + name.hashCode());
        Value y = ctx.b().op(Op.DROPOUT, Attrs.of("p", p, "seed", seed), in.get(0), step);
        ctx.b().update(name + ".step", ctx.b().op(Op.SCALE, Attrs.of("alpha", 1f, "beta", 1f), step));
        return y;
    }
}
