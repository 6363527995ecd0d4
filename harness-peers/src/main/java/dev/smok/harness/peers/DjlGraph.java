/*
 * DjlGraph: one of Smok's inference graphs (a zoo network) as eager PyTorch calls through DJL,
 * op for op: conv2d (with its bias folded in, as nn.Conv2d), batch norm in inference mode,
 * pooling, residual additions, concatenation, linear layers and softmax. This is what a
 * torchvision model's forward() does in eager mode, with the same parameters and statistics.
 */
package dev.smok.harness.peers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

import dev.smok.harness.FoldedBiases;
import dev.smok.ir.Attrs;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Role;
import dev.smok.ir.Value;

import java.util.IdentityHashMap;
import java.util.Map;

/** A graph with its parameters resident in libtorch; {@link #forward} evaluates it for one input. */
final class DjlGraph {
    private final Graph graph;
    private final FoldedBiases folded;
    private final Map<Value, NDArray> constants = new IdentityHashMap<>();
    private final Value x;

    /** Copies every parameter and state of {@code g} from {@code values} into {@code mgr}; rejects ops it cannot run. */
    DjlGraph(Graph g, Map<String, float[]> values, NDManager mgr) {
        this.graph = g;
        this.folded = new FoldedBiases(g);
        Value input = null;
        for (Input in : g.inputs()) {
            if (in.role() == Role.INPUT) { input = in.value(); continue; }
            float[] v = values.get(in.name());
            if (v == null) throw new IllegalArgumentException("no value for '" + in.name() + "'");
            constants.put(in.value(), mgr.create(v, shape(in.shape().dims())));
        }
        this.x = input;
        String why = unsupported(g);
        if (why != null) throw new IllegalArgumentException(why);
    }

    /** Null when every op of {@code g} has a mapping here, else which one lacks it. */
    static String unsupported(Graph g) {
        for (Node n : g.nodes()) {
            switch (n.op()) {
                case CONV2D, BATCH_NORM, RELU, IDENTITY, ADD, MAX_POOL, AVG_POOL, GLOBAL_AVG_POOL, CONCAT, RESHAPE, MATMUL, BIAS_ADD, SOFTMAX -> { }
                default -> { return "n/a: no " + n.op().name().toLowerCase() + " in DJL's functional API"; }
            }
        }
        return null;
    }

    /** The graph's output {@code y} for {@code input}; temporaries belong to the caller's scope. */
    NDArray forward(NDArray input) {
        Map<Value, NDArray> env = new IdentityHashMap<>(constants);
        env.put(x, input);
        for (Node n : graph.nodes()) {
            NDArray a = env.get(n.in(0));
            Attrs at = n.attrs();
            NDArray out = switch (n.op()) {
                case CONV2D -> {
                    Value bias = folded.biasOf(n.out());
                    yield Conv2d.conv2d(a, env.get(n.in(1)), bias == null ? null : env.get(bias), pair(at, "stride", 1),
                            pair(at, "padding", 0), pair(at, "dilation", 1), at.i("groups", 1)).singletonOrThrow();
                }
                case BATCH_NORM -> BatchNorm.batchNorm(a, env.get(n.in(3)), env.get(n.in(4)), env.get(n.in(1)), env.get(n.in(2)),
                        1, 0.1f, at.f("eps", 1e-5f), false).singletonOrThrow();
                case RELU -> Activation.relu(a);
                case IDENTITY, RESHAPE -> a;
                case ADD -> a.add(env.get(n.in(1)));
                case MAX_POOL, AVG_POOL -> pool(n, a);
                case GLOBAL_AVG_POOL -> Pool.globalAvgPool2d(a);
                case CONCAT -> NDArrays.concat(new NDList(n.inputs().stream().map(env::get).toArray(NDArray[]::new)), at.i("axis", 1));
                case MATMUL -> {
                    NDArray w = env.get(n.in(1));
                    if (at.b("trans_a", false)) a = a.transpose();
                    if (at.b("trans_b", false)) {
                        Value bias = folded.biasOf(n.out());
                        yield Linear.linear(a, w, bias == null ? null : env.get(bias)).singletonOrThrow();
                    }
                    yield a.matMul(w);
                }
                case BIAS_ADD -> {
                    if (folded.folded(n)) yield a;
                    long[] dims = new long[n.out().shape().rank()];
                    java.util.Arrays.fill(dims, 1);
                    dims[1] = n.out().shape().dim(1);
                    yield a.add(env.get(n.in(1)).reshape(new Shape(dims)));
                }
                case SOFTMAX -> a.softmax(-1);
                default -> throw new IllegalStateException("unreachable: " + n.op());
            };
            Shape want = shape(n.out().shape().dims());
            env.put(n.out(), out.getShape().equals(want) ? out : out.reshape(want));
        }
        return env.get(graph.outputs().get("y"));
    }

    /** max_pool2d / avg_pool2d; ceil mode when the graph's output is larger than floor division gives. */
    private static NDArray pool(Node n, NDArray a) {
        Attrs at = n.attrs();
        Shape k = pair(at, "kernel", 1), pad = pair(at, "padding", 0), st = at.has("stride") ? pair(at, "stride", 1) : k;
        dev.smok.ir.Shape xs = n.in(0).shape(), ys = n.out().shape();
        boolean ceil = false;
        for (int i = 0; i < 2; i++) ceil |= ys.dim(2 + i) > (xs.dim(2 + i) + 2 * pad.get(i) - k.get(i)) / st.get(i) + 1;
        return n.op() == Op.MAX_POOL ? Pool.maxPool2d(a, k, st, pad, ceil)
                : Pool.avgPool2d(a, k, st, pad, ceil, at.b("count_include_pad", true));
    }

    private static Shape pair(Attrs a, String name, int dflt) {
        int[] v = a.ints(name, new int[] {dflt, dflt});
        return v.length == 1 ? new Shape(v[0], v[0]) : new Shape(v[0], v[1]);
    }

    static Shape shape(int[] dims) {
        long[] l = new long[dims.length];
        for (int i = 0; i < dims.length; i++) l[i] = dims[i];
        return new Shape(l);
    }
}
