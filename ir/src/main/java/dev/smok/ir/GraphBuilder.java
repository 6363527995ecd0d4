package dev.smok.ir;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Graph}: declare inputs, add nodes (shapes are inferred and checked by each op's
 * shape rule), name outputs and updates, then {@link #build()}, which runs the {@link Verifier}.
 * The convenience methods ({@link #matmul}, {@link #add}, ...) are shorthands for {@link #op}.
 */
public final class GraphBuilder {
    private final String name;
    private final List<Input> inputs = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Value> outputs = new LinkedHashMap<>();
    private final Map<String, Value> updates = new LinkedHashMap<>();
    private int nextId;

    public GraphBuilder(String name) { this.name = name; }

    /**
     * A builder that starts with all inputs, nodes, outputs and updates of {@code g}, sharing its
     * values, so a pass can extend a graph (autodiff appends the backward pass this way).
     */
    public static GraphBuilder extend(Graph g) {
        GraphBuilder b = new GraphBuilder(g.name());
        b.inputs.addAll(g.inputs());
        b.nodes.addAll(g.nodes());
        b.outputs.putAll(g.outputs());
        b.updates.putAll(g.updates());
        int max = -1;
        for (Input in : g.inputs()) max = Math.max(max, in.value().id());
        for (Node n : g.nodes()) max = Math.max(max, n.out().id());
        b.nextId = max + 1;
        return b;
    }

    public String name() { return name; }
    public List<Node> nodes() { return nodes; }
    public List<Input> inputs() { return java.util.Collections.unmodifiableList(inputs); }
    public Map<String, Value> outputs() { return outputs; }
    public Map<String, Value> updates() { return updates; }

    /** Declares a named input. Names are unique across all inputs. */
    public Value input(String name, Shape shape, DType dtype, Role role) {
        for (Input in : inputs) {
            if (in.name().equals(name)) throw new IrException("graph '" + this.name + "' already has an input named '" + name + "'");
        }
        Value v = new Value(nextId++, shape, dtype, name);
        inputs.add(new Input(v, role));
        return v;
    }

    public Value input(String name, Shape shape) { return input(name, shape, DType.F32, Role.INPUT); }
    public Value param(String name, Shape shape) { return input(name, shape, DType.F32, Role.PARAM); }
    public Value state(String name, Shape shape) { return input(name, shape, DType.F32, Role.STATE); }

    /** Adds a node; its output shape comes from the op's shape rule (which throws on a mismatch). */
    public Value op(Op op, Attrs attrs, Value... ins) {
        if (op.arity() >= 0 && ins.length != op.arity()) {
            throw new IrException(op.text() + " takes " + op.arity() + " inputs, got " + ins.length);
        }
        Shape s = op.inferShape(List.of(ins), attrs);
        Value out = new Value(nextId++, s, DType.F32, null);
        nodes.add(new Node(op, List.of(ins), attrs, out));
        return out;
    }

    public Value op(Op op, Value... ins) { return op(op, Attrs.NONE, ins); }

    /** Declares an existing input (a pass copying a graph). */
    public void addInput(Input in) {
        inputs.add(in);
        nextId = Math.max(nextId, in.value().id() + 1);
    }

    /** Appends an existing node (a pass copying nodes); its values must already be defined here. */
    public void add(Node n) {
        nodes.add(n);
        nextId = Math.max(nextId, n.out().id() + 1);
    }

    public GraphBuilder output(String name, Value v) { outputs.put(name, v); return this; }
    public GraphBuilder update(String inputName, Value v) { updates.put(inputName, v); return this; }

    /** The finished graph, verified. */
    public Graph build() {
        Graph g = new Graph(name, inputs, nodes, outputs, updates);
        Verifier.verify(g);
        return g;
    }

    // ---- shorthands --------------------------------------------------------------------------

    public Value matmul(Value a, Value b) { return op(Op.MATMUL, a, b); }
    public Value matmul(Value a, Value b, boolean transA, boolean transB) {
        return op(Op.MATMUL, Attrs.of("trans_a", transA, "trans_b", transB), a, b);
    }
    public Value add(Value a, Value b) { return op(Op.ADD, a, b); }
    public Value sub(Value a, Value b) { return op(Op.SUB, a, b); }
    public Value mul(Value a, Value b) { return op(Op.MUL, a, b); }
    public Value div(Value a, Value b) { return op(Op.DIV, a, b); }
    public Value neg(Value a) { return op(Op.NEG, a); }
    public Value scale(Value a, float alpha) { return op(Op.SCALE, Attrs.of("alpha", alpha, "beta", 0f), a); }
    public Value biasAdd(Value x, Value b) { return op(Op.BIAS_ADD, x, b); }
    public Value relu(Value x) { return op(Op.RELU, x); }
    public Value sigmoid(Value x) { return op(Op.SIGMOID, x); }
    public Value tanh(Value x) { return op(Op.TANH, x); }
    public Value softmax(Value x) { return op(Op.SOFTMAX, x); }
    public Value logSoftmax(Value x) { return op(Op.LOG_SOFTMAX, x); }
    public Value reshape(Value x, Shape s) { return op(Op.RESHAPE, Attrs.of("shape", s.dims()), x); }
    public Value transpose(Value x, int... perm) { return op(Op.TRANSPOSE, Attrs.of("perm", perm), x); }
    public Value reduceSum(Value x, boolean keepdims, int... axes) {
        return op(Op.REDUCE_SUM, Attrs.of("axes", axes, "keepdims", keepdims), x);
    }
    public Value broadcastTo(Value x, Shape s) { return op(Op.BROADCAST_TO, Attrs.of("shape", s.dims()), x); }
    public Value constant(Shape s, float value) {
        return op(Op.CONSTANT, Attrs.of("shape", s.dims(), "value", value));
    }

    /**
     * Sums {@code g} down to {@code target}'s shape, undoing numpy broadcasting: the gradient of
     * a broadcast operand.
     */
    public Value unbroadcast(Value g, Shape target) {
        if (g.shape().equals(target)) return g;
        int r = g.shape().rank();
        int off = r - target.rank();
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < r; i++) {
            if (i < off || (target.dim(i - off) == 1 && g.shape().dim(i) != 1)) axes.add(i);
        }
        Value s = reduceSum(g, false, axes.stream().mapToInt(Integer::intValue).toArray());
        return s.shape().equals(target) ? s : reshape(s, target);
    }
}
