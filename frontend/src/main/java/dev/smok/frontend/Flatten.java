package dev.smok.frontend;

import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.List;

/** Flattens each sample to one dimension (C×H×W → C·H·W); a reshape, no data movement. */
public final class Flatten extends Layer {
    @Override public String type() { return "Flatten"; }

    @Override public Shape outputShape(List<Shape> in, List<String> from) { return Shape.of(in.get(0).size()); }

    @Override public Value lower(Lowering ctx, List<Value> in) {
        Value x = in.get(0);
        return x.shape().rank() == 2 ? x : ctx.b().reshape(x, Shape.of(x.shape().dim(0), x.shape().size(1, x.shape().rank())));
    }
}
