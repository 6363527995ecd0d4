package dev.smok.frontend;

import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.List;

/** An activation function applied elementwise (softmax: over the last axis). */
public final class Activation extends Layer {
    /** The lecture's activations. */
    public enum Kind {
        IDENTITY(Op.IDENTITY), SIGMOID(Op.SIGMOID), TANH(Op.TANH), RELU(Op.RELU), SOFTMAX(Op.SOFTMAX);

        final Op op;
        Kind(Op op) { this.op = op; }
    }

    final Kind kind;

    public Activation(Kind kind) { this.kind = kind; }

    public Kind kind() { return kind; }

    @Override public String type() {
        String s = kind.name().toLowerCase();
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    @Override public Shape outputShape(List<Shape> in, List<String> from) { return in.get(0); }

    @Override public Value lower(Lowering ctx, List<Value> in) { return ctx.b().op(kind.op, in.get(0)); }
}
