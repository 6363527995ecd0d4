package dev.smok.frontend;

import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.ArrayList;
import java.util.List;

/**
 * Fully connected layer y = x·Wᵀ + b. The weight is stored as [units, inputs], PyTorch's
 * layout, so checkpoints move between the two unchanged; the transpose is a GEMM operand flag.
 *
 * <p>A tied layer ({@link Network#tiedTo}) has no weight of its own: it reads the weight of an
 * earlier dense layer E with the opposite shape, as its transpose, y = x·W_E + b. The tie is a
 * matmul operand flag (trans_b=false), never a materialized transpose; the layer keeps its own
 * bias, and autodiff sums the gradients of both reads into the one parameter.
 */
public final class Dense extends Layer {
    final int units;
    boolean bias = true;
    Init weightInit = Init.glorot();
    Init biasInit = Init.zeros();
    /** The layer whose weight this one reads transposed, or null. */
    Dense tiedTo;

    public Dense(int units) {
        if (units <= 0) throw new NetworkException("dense layer needs a positive number of units, got " + units);
        this.units = units;
    }

    public int units() { return units; }
    public boolean hasBias() { return bias; }
    /** The dense layer whose weight this one shares (transposed), or null. */
    public Dense tiedTo() { return tiedTo; }

    @Override public String type() { return "Dense"; }
    @Override public void setBias(boolean on) { bias = on; }
    @Override public void setInit(Init init) {
        if (tiedTo != null) throw error("shares its weight with '" + tiedTo.name + "'; set the initializer there");
        weightInit = init;
    }

    @Override public Shape outputShape(List<Shape> in, List<String> from) {
        Shape x = in.get(0);
        if (x.rank() != 1) {
            throw error("needs a flat input but '" + from.get(0) + "' gives " + x.pretty() + "=" + x.size()
                    + " values; add flatten() before it");
        }
        return Shape.of(units);
    }

    @Override public List<ParamSpec> params(List<Shape> in) {
        int inputs = in.get(0).dim(0);
        List<ParamSpec> p = new ArrayList<>();
        if (tiedTo != null) {
            // the encoder's [inputs, units] weight, read transposed; counted once, where it is declared
            p.add(new ParamSpec(name + ".weight", Shape.of(inputs, units), tiedTo.weightInit, units, inputs, tiedTo.name + ".weight"));
        } else {
            p.add(new ParamSpec(name + ".weight", Shape.of(units, inputs), weightInit, inputs, units));
        }
        if (bias) p.add(new ParamSpec(name + ".bias", Shape.of(units), biasInit, inputs, units));
        return p;
    }

    @Override public long macs(List<Shape> in, Shape out) { return (long) in.get(0).dim(0) * units; }

    @Override public Value lower(Lowering ctx, List<Value> in) {
        // untied: x·Wᵀ with W [units, inputs]; tied: x·W_E with W_E [inputs, units] (no transpose)
        Value y = ctx.b().matmul(in.get(0), ctx.param(name + ".weight"), false, tiedTo == null);
        return bias ? ctx.b().biasAdd(y, ctx.param(name + ".bias")) : y;
    }
}
