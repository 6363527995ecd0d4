package dev.smok.frontend;

import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.List;

/**
 * A dense layer applied to every frame of a sequence: [steps, features] → [steps, units], with
 * one weight [units, features] shared by all frames (PyTorch's Linear on a 3-D input). Lowered
 * as one GEMM over batch × steps rows.
 */
public final class FrameDense extends Layer {
    final int units;
    Init weightInit = Init.glorot();

    public FrameDense(int units) {
        if (units <= 0) throw new NetworkException("frame dense layer needs a positive number of units, got " + units);
        this.units = units;
    }

    @Override public String type() { return "FrameDense"; }
    @Override public void setInit(Init init) { weightInit = init; }

    @Override public Shape outputShape(List<Shape> in, List<String> from) {
        Shape x = in.get(0);
        if (x.rank() != 2) {
            throw error("needs a sequence [steps, features] but '" + from.get(0) + "' gives " + x.pretty() + "; add sequence() before it");
        }
        return Shape.of(x.dim(0), units);
    }

    @Override public List<ParamSpec> params(List<Shape> in) {
        int f = in.get(0).dim(1);
        return List.of(new ParamSpec(name + ".weight", Shape.of(units, f), weightInit, f, units),
                new ParamSpec(name + ".bias", Shape.of(units), Init.zeros(), f, units));
    }

    @Override public long macs(List<Shape> in, Shape out) { return (long) in.get(0).size() * units; }

    @Override public Value lower(Lowering ctx, List<Value> in) {
        Value x = in.get(0);
        int n = x.shape().dim(0), t = x.shape().dim(1), f = x.shape().dim(2);
        Value rows = ctx.b().reshape(x, Shape.of(n * t, f));
        Value y = ctx.b().biasAdd(ctx.b().matmul(rows, ctx.param(name + ".weight"), false, true), ctx.param(name + ".bias"));
        return ctx.b().reshape(y, Shape.of(n, t, units));
    }
}
