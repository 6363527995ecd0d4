package dev.smok.frontend;

import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Scan;
import dev.smok.ir.Shape;
import dev.smok.ir.Slicing;
import dev.smok.ir.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A recurrent layer (simple RNN, LSTM or GRU; see {@link RecurrentCell}) over a sequence. Per
 * sample the input is [T, features] and the output is the last hidden state [H], or every hidden
 * state [T, H] with {@code returnSequences}; a bidirectional layer runs a second cell over the
 * reversed sequence and concatenates the two directions' features ([2H] or [T, 2H]).
 *
 * <p>Lowering of one direction, for a batch of N:
 * <pre>
 *   x [N,T,F] → transpose → [T,N,F] → reshape [T·N,F] → matmul with w_in [G·H,F] (transposed)
 *            → bias_add → reshape [T,N,G·H]                  one GEMM for every gate and step
 *   scan over T: carries h (and C) from zeros, invariant w_rec [G·H,H]   one loop, any T
 *   final h [N,H], or stacked h [T,N,H] → transpose → [N,T,H]
 * </pre>
 * The reversed direction is the same scan with {@code reverse=true}: its final state is the one
 * after reading x_0, and its stacked states line up with the input steps. Parameters are
 * {@code NAME.w_in}, {@code NAME.w_rec}, {@code NAME.bias}, and {@code NAME.reverse.*} for the
 * reversed direction. Initialization: Glorot uniform weights (fans F or H, and H per gate), zero
 * biases except the LSTM's forget gate, whose bias starts at 1 (Jozefowicz et al., 2015) so that
 * the cell remembers by default.
 */
public final class RecurrentLayer extends Layer {
    final RecurrentCell cell;
    final int units;
    boolean returnSequences;
    boolean bidirectional;
    Init weightInit = Init.glorot();

    public RecurrentLayer(RecurrentCell cell, int units) {
        if (units <= 0) throw new NetworkException(cell.type().toLowerCase() + " layer needs a positive number of units, got " + units);
        this.cell = cell;
        this.units = units;
    }

    public RecurrentCell cell() { return cell; }
    public int units() { return units; }
    public boolean returnsSequences() { return returnSequences; }
    public boolean isBidirectional() { return bidirectional; }

    @Override public String type() { return bidirectional ? "Bidirectional(" + cell.type() + ")" : cell.type(); }
    @Override public void setInit(Init init) { weightInit = init; }

    private int directions() { return bidirectional ? 2 : 1; }

    @Override public Shape outputShape(List<Shape> in, List<String> from) {
        Shape x = in.get(0);
        if (x.rank() != 2) {
            throw error("needs a sequence [steps, features] per sample but '" + from.get(0) + "' gives " + x.pretty()
                    + "; add sequence() before it");
        }
        int features = units * directions();
        return returnSequences ? Shape.of(x.dim(0), features) : Shape.of(features);
    }

    private List<String> prefixes() {
        return bidirectional ? List.of(name, name + ".reverse") : List.of(name);
    }

    @Override public List<ParamSpec> params(List<Shape> in) {
        int features = in.get(0).dim(1), rows = cell.gates() * units;
        List<ParamSpec> p = new ArrayList<>();
        for (String prefix : prefixes()) {
            p.add(new ParamSpec(prefix + ".w_in", Shape.of(rows, features), weightInit, features, units));
            p.add(new ParamSpec(prefix + ".w_rec", Shape.of(rows, units), weightInit, units, units));
            p.add(new ParamSpec(prefix + ".bias", Shape.of(rows), biasInit(), features, units));
        }
        return p;
    }

    private Init biasInit() {
        if (cell != RecurrentCell.LSTM) return Init.zeros();
        int h = units;
        return new Init() {
            @Override public void fill(float[] data, int fanIn, int fanOut, SplittableRandom random) {
                for (int i = 0; i < data.length; i++) data[i] = i < h ? 1f : 0f; // rows f, i, C̃, o: forget gate first
            }
            @Override public String toString() { return "forget-gate-one"; }
        };
    }

    @Override public long macs(List<Shape> in, Shape out) {
        long steps = in.get(0).dim(0), features = in.get(0).dim(1), rows = (long) cell.gates() * units;
        return directions() * steps * rows * (features + units);
    }

    @Override public Value lower(Lowering ctx, List<Value> in) {
        GraphBuilder b = ctx.b();
        Value x = in.get(0);
        int n = x.shape().dim(0), steps = x.shape().dim(1), features = x.shape().dim(2);
        Value timeMajor = b.reshape(b.transpose(x, 1, 0, 2), Shape.of(steps * n, features));
        List<Value> outs = new ArrayList<>();
        boolean reverse = false;
        for (String prefix : prefixes()) {
            outs.add(direction(ctx, prefix, timeMajor, n, steps, reverse));
            reverse = true;
        }
        return outs.size() == 1 ? outs.get(0) : Slicing.concat(b, outs.get(0).shape().rank() - 1, outs.toArray(Value[]::new));
    }

    /** One direction: the input GEMM, the loop, and the result in batch-major order. */
    private Value direction(Lowering ctx, String prefix, Value timeMajor, int n, int steps, boolean reverse) {
        GraphBuilder b = ctx.b();
        int rows = cell.gates() * units;
        Value projected = b.biasAdd(b.matmul(timeMajor, ctx.param(prefix + ".w_in"), false, true), ctx.param(prefix + ".bias"));
        Value sequence = b.reshape(projected, Shape.of(steps, n, rows));
        List<Value> inits = new ArrayList<>();
        for (int j = 0; j < cell.carries(); j++) inits.add(b.constant(Shape.of(n, units), 0f));
        List<Value> invariants = cell.recurrentInvariants(b, ctx.param(prefix + ".w_rec"), units);
        Scan.Result r = Scan.build(b, cell.body(n, units, returnSequences), steps, reverse, List.of(sequence), inits, invariants);
        return returnSequences ? b.transpose(r.stacked(0), 1, 0, 2) : r.carry(0);
    }
}
