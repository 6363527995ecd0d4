package dev.smok.frontend;

import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.List;

/** Mean of each channel over the image: C×H×W → C (flat, ready for dense). */
public final class GlobalAvgPool extends Layer {
    @Override public String type() { return "GlobalAvgPool"; }

    @Override public Shape outputShape(List<Shape> in, List<String> from) {
        return Shape.of(Images.requireImage(this, in.get(0), from.get(0)).dim(0));
    }

    @Override public Value lower(Lowering ctx, List<Value> in) { return ctx.b().op(Op.GLOBAL_AVG_POOL, in.get(0)); }
}
