package dev.smok.frontend;

import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.List;

/**
 * Reads each sample as a sequence [steps, features] for a recurrent layer: an image C×H×W as H
 * rows of C·W values (a 1×28×28 digit is 28 steps of 28 pixels, "sequential MNIST" by rows), a
 * vector of L values as L steps of one value, and a [steps, features] sample as it is. For one
 * channel this is a reshape; for several the channels of a row are interleaved by a transpose.
 */
public final class SequenceView extends Layer {
    @Override public String type() { return "Sequence"; }

    @Override public Shape outputShape(List<Shape> in, List<String> from) {
        Shape x = in.get(0);
        return switch (x.rank()) {
            case 1 -> Shape.of(x.dim(0), 1);
            case 2 -> x;
            case 3 -> Shape.of(x.dim(1), x.dim(0) * x.dim(2));
            default -> throw error("cannot read " + x.pretty() + " from '" + from.get(0) + "' as a sequence; "
                    + "it takes vectors, [steps, features] or C×H×W images");
        };
    }

    @Override public Value lower(Lowering ctx, List<Value> in) {
        Value x = in.get(0);
        Shape s = x.shape();
        int n = s.dim(0);
        return switch (s.rank()) {
            case 2 -> ctx.b().reshape(x, Shape.of(n, s.dim(1), 1));
            case 3 -> x;
            default -> {
                Value rows = s.dim(1) == 1 ? x : ctx.b().transpose(x, 0, 2, 1, 3);
                yield ctx.b().reshape(rows, Shape.of(n, s.dim(2), s.dim(1) * s.dim(3)));
            }
        };
    }
}
