package dev.smok.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * The loop construct of the IR: {@link Op#SCAN} runs a body graph once per time step, so a
 * recurrence over T steps is one node whatever T is (graph size and compile time do not grow
 * with T).
 *
 * <h2>Semantics</h2>
 *
 * <pre>
 * %r: f32[TOTAL] = scan(%X1..%XS, %c1..%cC, %w1..%wK) {carries=C, length=T, reverse=false, sequences=S}
 *   graph cell {
 *     input %x1 ... (one per sequence: the per-step slice, the sequence's shape without axis 0)
 *     input %c1 ... (one per carry: the carry's shape)
 *     input %w1 ... (one per loop invariant: its shape)
 *     ...nodes...
 *     output c1 = ...   (the first C outputs: the new carries, same shapes as the carry inputs)
 *     output y1 = ...   (the rest: per-step outputs)
 *   }
 * </pre>
 *
 * The body is a self-contained graph (it reads only its own inputs, never outer values; it has no
 * updates), held in the attribute {@code body}. Inputs of the node, in order: S sequences of
 * shape [T, ...], C initial carries, K loop invariants (weights). With {@code reverse=false} the
 * steps run t = 0, 1, ..., T-1, otherwise t = T-1, ..., 0. Step t feeds the body the slices
 * X_s[t], the current carries and the invariants; the body's first C outputs become the carries
 * of the next step and its other outputs are stored at index t of their stacked result (so
 * stacked outputs line up with the input sequences in both directions).
 *
 * <h2>Result</h2>
 *
 * A node has one output, so the scan's results are packed into one flat f32 vector: the C final
 * carries, then each per-step output stacked to [T, ...], in output order, row-major, back to
 * back ({@link Layout}). Consumers take a result with {@code slice} (axis 0) and {@code reshape}
 * ({@link Result}); a backend can treat both as views of the loop's output buffer, so a backend
 * emits a scan as one loop over t that runs the body's kernels with offset pointers.
 *
 * <h2>Gradients</h2>
 *
 * Backpropagation through time is {@link ScanGradient}: the backward pass is itself a scan in the
 * opposite direction. It needs the carry that entered each step, so before differentiating,
 * {@link #withSavedCarries} adds C more per-step outputs to the forward body (attribute
 * {@code saves_carries=true}): the incoming carries, stacked. Those are the saved activations the
 * backward loop scans over; the backward body recomputes the step's intermediate values from them
 * (one extra forward step per step, memory O(T·carries) rather than O(T·all intermediates)).
 */
public final class Scan {
    private Scan() {}

    public static final String BODY = "body", LENGTH = "length", SEQUENCES = "sequences", CARRIES = "carries",
            REVERSE = "reverse", SAVES_CARRIES = "saves_carries";

    /** Where each result lies in the packed output: carries first, then stacked per-step outputs. */
    public record Layout(int[] offsets, Shape[] shapes, int total) {
        public int count() { return offsets.length; }
    }

    /** The packed layout for {@code body} run {@code length} times with {@code carries} carries. */
    public static Layout layout(Graph body, int length, int carries) {
        List<Value> outs = List.copyOf(body.outputs().values());
        int[] offsets = new int[outs.size()];
        Shape[] shapes = new Shape[outs.size()];
        int at = 0;
        for (int i = 0; i < outs.size(); i++) {
            Shape s = outs.get(i).shape();
            shapes[i] = i < carries ? s : stacked(length, s);
            offsets[i] = at;
            at += shapes[i].size();
        }
        return new Layout(offsets, shapes, at);
    }

    /** {@code [length, s...]}. */
    public static Shape stacked(int length, Shape s) {
        int[] d = new int[s.rank() + 1];
        d[0] = length;
        System.arraycopy(s.dims(), 0, d, 1, s.rank());
        return Shape.of(d);
    }

    /** The shape rule: checks the body's interface against the node's inputs. */
    static Shape shape(Op op, List<Value> in, Attrs a) {
        Graph body = a.graph(BODY);
        int t = a.i(LENGTH), s = a.i(SEQUENCES), c = a.i(CARRIES);
        List<Input> bin = body.inputs();
        List<Value> bout = List.copyOf(body.outputs().values());
        if (bin.size() != in.size()) {
            throw ShapeRules.mismatch(op, in, "body '" + body.name() + "' takes " + bin.size() + " inputs but the scan passes " + in.size());
        }
        if (t <= 0 || s < 0 || c < 0 || s + c > in.size() || bout.size() < c) {
            throw ShapeRules.mismatch(op, in, "bad loop structure: length " + t + ", " + s + " sequences, " + c + " carries, "
                    + bout.size() + " body outputs");
        }
        if (!body.updates().isEmpty()) throw ShapeRules.mismatch(op, in, "a scan body cannot update parameters");
        for (int i = 0; i < in.size(); i++) {
            Shape want = i < s ? stacked(t, bin.get(i).shape()) : bin.get(i).shape();
            if (!in.get(i).shape().equals(want)) {
                String what = i < s ? "sequence " + i : i < s + c ? "carry " + (i - s) : "invariant " + (i - s - c);
                throw ShapeRules.mismatch(op, in, what + " must be " + want.pretty() + " for body input %" + bin.get(i).name());
            }
        }
        for (int j = 0; j < c; j++) {
            if (!bout.get(j).shape().equals(bin.get(s + j).shape())) {
                throw ShapeRules.mismatch(op, in, "body output " + j + " (new carry) is " + bout.get(j).shape().pretty()
                        + " but the carry is " + bin.get(s + j).shape().pretty());
            }
        }
        if (a.b(SAVES_CARRIES, false)) {
            for (int j = 0; j < c; j++) {
                if (bout.get(bout.size() - c + j) != bin.get(s + j).value()) {
                    throw ShapeRules.mismatch(op, in, "saves_carries needs the last " + c + " body outputs to be the carry inputs");
                }
            }
        }
        return Shape.of(layout(body, t, c).total());
    }

    /** The attributes of a scan. */
    public static Attrs attrs(Graph body, int length, int sequences, int carries, boolean reverse) {
        return Attrs.of(BODY, body, LENGTH, length, SEQUENCES, sequences, CARRIES, carries, REVERSE, reverse);
    }

    /**
     * Adds a scan to {@code b} and returns its results.
     *
     * @param body       the step, with inputs (sequence slices, carries, invariants) in that order
     * @param sequences  values of shape [length, ...], read one slice per step
     * @param inits      initial carries
     * @param invariants values every step reads whole (weights)
     */
    public static Result build(GraphBuilder b, Graph body, int length, boolean reverse,
                               List<Value> sequences, List<Value> inits, List<Value> invariants) {
        List<Value> ins = new ArrayList<>(sequences);
        ins.addAll(inits);
        ins.addAll(invariants);
        Attrs a = attrs(body, length, sequences.size(), inits.size(), reverse);
        return new Result(b, b.op(Op.SCAN, a, ins.toArray(Value[]::new)), a);
    }

    /**
     * Attributes whose body also outputs, as its last per-step outputs, the carries that enter
     * each step (the saved activations of backpropagation through time). Offsets of the existing
     * results do not move. Returns {@code a} when the carries are saved already.
     */
    public static Attrs withSavedCarries(Attrs a) {
        if (a.b(SAVES_CARRIES, false)) return a;
        Graph body = a.graph(BODY);
        int s = a.i(SEQUENCES), c = a.i(CARRIES);
        GraphBuilder nb = GraphBuilder.extend(body);
        for (int j = 0; j < c; j++) nb.output("saved/" + body.inputs().get(s + j).name(), body.inputs().get(s + j).value());
        return a.with(BODY, nb.build()).with(SAVES_CARRIES, true);
    }

    /** The results of one scan node, extracted from its packed output on first use. */
    public static final class Result {
        private final GraphBuilder b;
        private final Value packed;
        private final Layout layout;
        private final int carries;
        private final Value[] extracted;

        /** The results of {@code packed}, the output of a scan with attributes {@code a}. */
        public Result(GraphBuilder b, Value packed, Attrs a) {
            this.b = b;
            this.packed = packed;
            this.carries = a.i(CARRIES);
            this.layout = layout(a.graph(BODY), a.i(LENGTH), carries);
            this.extracted = new Value[layout.count()];
        }

        public Value packed() { return packed; }

        /** The final value of carry {@code j}. */
        public Value carry(int j) { return result(j); }

        /** Per-step output {@code p} (counting after the carries), stacked to [T, ...]. */
        public Value stacked(int p) { return result(carries + p); }

        /** Result {@code i} of the packed layout. */
        public Value result(int i) {
            if (extracted[i] == null) {
                // always an explicit slice, even of the whole vector: saving carries lengthens the packed output
                Value flat = b.op(Op.SLICE, Attrs.of("axis", 0, "start", layout.offsets()[i], "size", layout.shapes()[i].size()), packed);
                extracted[i] = flat.shape().equals(layout.shapes()[i]) ? flat : b.reshape(flat, layout.shapes()[i]);
            }
            return extracted[i];
        }
    }
}
