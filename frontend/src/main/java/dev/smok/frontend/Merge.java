package dev.smok.frontend;

import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.List;

/**
 * Layers that join branches: {@link Kind#ADD} sums equal-shaped inputs (a residual connection),
 * {@link Kind#CONCAT} stacks inputs along the channel axis (an inception block), so all other
 * dimensions must agree.
 */
public final class Merge extends Layer {
    /** How the branches are joined. */
    public enum Kind { ADD, CONCAT }

    final Kind kind;

    public Merge(Kind kind) { this.kind = kind; }

    @Override public String type() { return kind == Kind.ADD ? "Add" : "Concat"; }

    @Override public Shape outputShape(List<Shape> in, List<String> from) {
        if (in.size() < 2) throw error("joins branches and needs at least two inputs, got " + in.size());
        Shape first = in.get(0);
        int channels = 0;
        for (int i = 0; i < in.size(); i++) {
            Shape s = in.get(i);
            if (kind == Kind.ADD && !s.equals(first)) {
                throw error("needs equal shapes but '" + from.get(0) + "' gives " + first.pretty() + " and '" + from.get(i) + "' gives "
                        + s.pretty() + "; match them, e.g. with a 1x1 conv2d (and stride) on the shortcut");
            }
            if (kind == Kind.CONCAT && (s.rank() != first.rank() || !s.with(0, 1).equals(first.with(0, 1)))) {
                throw error("stacks channels, so all other dimensions must agree, but '" + from.get(0) + "' gives " + first.pretty()
                        + " and '" + from.get(i) + "' gives " + s.pretty() + "; use padding so every branch keeps the spatial size");
            }
            channels += s.dim(0);
        }
        return kind == Kind.ADD ? first : first.with(0, channels);
    }

    /** 0: additions are not multiply-accumulates (see {@link Layer#macs}). */
    @Override public long macs(List<Shape> in, Shape out) { return 0; }

    @Override public Value lower(Lowering ctx, List<Value> in) {
        if (kind == Kind.CONCAT) return ctx.b().op(Op.CONCAT, in.toArray(Value[]::new));
        Value sum = in.get(0);
        for (int i = 1; i < in.size(); i++) sum = ctx.b().add(sum, in.get(i));
        return sum;
    }
}
