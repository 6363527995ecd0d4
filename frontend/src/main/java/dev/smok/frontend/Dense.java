package dev.smok.frontend;

import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.ArrayList;
import java.util.List;

/**
 * Fully connected layer y = x·Wᵀ + b. The weight is stored as [units, inputs], PyTorch's
 * layout, so checkpoints move between the two unchanged; the transpose is a GEMM operand flag.
 */
public final class Dense extends Layer {
    final int units;
    boolean bias = true;
    Init weightInit = Init.glorot();
    Init biasInit = Init.zeros();

    public Dense(int units) {
        if (units <= 0) throw new NetworkException("dense layer needs a positive number of units, got " + units);
        this.units = units;
    }

    public int units() { return units; }
    public boolean hasBias() { return bias; }

    @Override public String type() { return "Dense"; }
    @Override public void setBias(boolean on) { bias = on; }
    @Override public void setInit(Init init) { weightInit = init; }

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
        p.add(new ParamSpec(name + ".weight", Shape.of(units, inputs), weightInit, inputs, units));
        if (bias) p.add(new ParamSpec(name + ".bias", Shape.of(units), biasInit, inputs, units));
        return p;
    }

    @Override public long macs(List<Shape> in, Shape out) { return (long) in.get(0).dim(0) * units; }

    @Override public Value lower(Lowering ctx, List<Value> in) {
        Value y = ctx.b().matmul(in.get(0), ctx.param(name + ".weight"), false, true);
        return bias ? ctx.b().biasAdd(y, ctx.param(name + ".bias")) : y;
    }
}
