package dev.smok.optimizer.passes;

import dev.smok.ir.Attrs;
import dev.smok.ir.ConvArithmetic;
import dev.smok.ir.Graph;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;
import dev.smok.optimizer.DeadCodeElimination;
import dev.smok.optimizer.Pass;

import java.util.Map;

/**
 * Linear folding ({@code fold-linear}, inference pipeline): two linear ops with nothing
 * nonlinear between them become one, with weights computed from the parameters.
 *
 * <pre>
 *   bn-into-conv   batch_norm(conv2d(x, w) [+ b], γ, β, mean, var)
 *                    -> conv2d(x, w·k) + (β + (b − mean)·k)      where k = γ / √(var + ε) per output channel
 *   conv-1x1       conv2d(conv2d(x, w1) [+ b1], w2) with w2 1×1, stride 1, unpadded, one group
 *                    -> conv2d(x, w2·w1) [+ w2·b1]                (w2·w1: [O2,O1]·[O1, C·kh·kw], reshaped)
 * </pre>
 *
 * A folded conv takes the first convolution's attributes (stride, padding, dilation), so a 1×1
 * after any ungrouped convolution folds (y = W2(W1 ⋆ x + b1) = (W2W1) ⋆ x + W2b1 at every pixel,
 * zero padding included). It folds only when it does not add work: the folded convolution's
 * multiply-accumulates per output pixel, O2·C·kh·kw, are at most the pair's,
 * O1·C·kh·kw + O2·O1. Two stacked 1×1 convolutions that do not expand the channels become one
 * convolution, one GEMM over channels; GoogLeNet's 1×1 reduction before a 3×3 is never folded
 * (the second conv is not 1×1) and keeps its reduction. Every value between the two ops must
 * have exactly one use; otherwise it is needed anyway and nothing folds.
 *
 * <p>The folded weights are a parameter-only subgraph (reshape, matmul, sqrt, div, mul, add) in
 * the rewritten graph: computed from the current parameters on every run, so there is no derived
 * state to keep in sync with training or checkpoints. Its cost is that of the weights
 * (O2·O1·C·kh·kw, a batch-independent fraction of the convolution it replaces). Training steps
 * do not run this pass: their batch norm is batch_norm_train (batch statistics), and their
 * backward pass reads the intermediate values, so none would have a single use.
 *
 * <p>Algorithm: sweeps like {@link RewriteEngine}'s, each over the nodes in order with their
 * inputs substituted; a match needs the producers it folds to be unchanged nodes of the current
 * graph (their use counts are known), so a fold that creates another opportunity (a batch norm
 * folded into the first of two 1×1 convs) is taken in the next sweep. Dead-code elimination
 * then removes the replaced convolutions.
 */
public final class FoldLinear implements Pass {
    private int folded;

    @Override public String name() { return "fold-linear"; }

    @Override public String description() {
        return "fold batch norm into the conv before it, and a 1x1 conv into the conv before it (inference)";
    }

    /** Number of folds in the last run. */
    public int folded() { return folded; }

    @Override public Graph run(Graph g) {
        folded = 0;
        Graph cur = g;
        for (int sweep = 0; sweep < RewriteEngine.MAX_SWEEPS; sweep++) {
            Graph next = sweep(cur);
            if (next == cur) break;
            cur = next;
        }
        return cur == g ? g : new DeadCodeElimination().run(cur);
    }

    private Graph sweep(Graph g) {
        Map<Value, Integer> uses = g.useCounts();
        GraphRewriter rw = new GraphRewriter(g);
        for (Node n : g.nodes()) {
            Node m = rw.remap(n);
            Value r = switch (m.op()) {
                case BATCH_NORM -> foldBatchNorm(m, rw, uses);
                case CONV2D -> foldPointwise(m, rw, uses);
                default -> null;
            };
            if (r != null) {
                rw.replace(n.out(), r);
                folded++;
            } else {
                rw.keep(m);
            }
        }
        return rw.finish();
    }

    /** A convolution feeding {@code v}, directly or through one bias_add, with every value on the way used once. */
    private record Source(Node conv, Value bias) {}

    private static Source source(Value v, GraphRewriter rw, Map<Value, Integer> uses) {
        Node p = rw.producer(v);
        if (p == null || uses.getOrDefault(v, 0) != 1) return null;
        if (p.op() == Op.CONV2D) return new Source(p, null);
        if (p.op() != Op.BIAS_ADD) return null;
        Node c = rw.producer(p.in(0));
        if (c == null || c.op() != Op.CONV2D || uses.getOrDefault(p.in(0), 0) != 1) return null;
        return new Source(c, p.in(1));
    }

    private static Value foldBatchNorm(Node bn, GraphRewriter rw, Map<Value, Integer> uses) {
        Source s = source(bn.in(0), rw, uses);
        if (s == null) return null;
        Value gamma = bn.in(1), beta = bn.in(2), mean = bn.in(3), var = bn.in(4);
        Shape w = s.conv.in(1).shape();
        int o = w.dim(0);
        // k = γ / √(var + ε)
        Value std = rw.add(Op.SQRT, Attrs.NONE, rw.add(Op.SCALE, Attrs.of("alpha", 1f, "beta", bn.attrs().f("eps", 1e-5f)), var));
        Value k = rw.add(Op.DIV, Attrs.NONE, gamma, std);
        Value kw = rw.add(Op.RESHAPE, Attrs.of("shape", new int[] {o, 1, 1, 1}), k);
        Value weight = rw.add(Op.MUL, Attrs.NONE, s.conv.in(1), kw);
        Value centred = s.bias == null ? rw.add(Op.NEG, Attrs.NONE, mean) : rw.add(Op.SUB, Attrs.NONE, s.bias, mean);
        Value bias = rw.add(Op.ADD, Attrs.NONE, rw.add(Op.MUL, Attrs.NONE, centred, k), beta);
        Value y = rw.add(Op.CONV2D, s.conv.attrs(), s.conv.in(0), weight);
        return rw.add(Op.BIAS_ADD, Attrs.NONE, y, bias);
    }

    private static boolean pointwise(Node conv) {
        Shape w = conv.in(1).shape();
        Attrs a = conv.attrs();
        int[] st = ConvArithmetic.pair(a, "stride", 1), pad = ConvArithmetic.pair(a, "padding", 0);
        return w.dim(2) == 1 && w.dim(3) == 1 && st[0] == 1 && st[1] == 1 && pad[0] == 0 && pad[1] == 0 && a.i("groups", 1) == 1;
    }

    private static Value foldPointwise(Node second, GraphRewriter rw, Map<Value, Integer> uses) {
        if (!pointwise(second)) return null;
        Source s = source(second.in(0), rw, uses);
        if (s == null || s.conv.attrs().i("groups", 1) != 1) return null;
        Shape w1 = s.conv.in(1).shape();
        int o1 = w1.dim(0), c = w1.dim(1), kh = w1.dim(2), kw = w1.dim(3), o2 = second.in(1).shape().dim(0);
        long taps = (long) c * kh * kw;
        if ((long) o2 * taps > (long) o1 * taps + (long) o2 * o1) return null; // folding would add work
        Value w2m = rw.add(Op.RESHAPE, Attrs.of("shape", new int[] {o2, o1}), second.in(1));
        Value w1m = rw.add(Op.RESHAPE, Attrs.of("shape", new int[] {o1, (int) taps}), s.conv.in(1));
        Value weight = rw.add(Op.RESHAPE, Attrs.of("shape", new int[] {o2, c, kh, kw}), rw.add(Op.MATMUL, Attrs.NONE, w2m, w1m));
        Value y = rw.add(Op.CONV2D, s.conv.attrs(), s.conv.in(0), weight);
        if (s.bias == null) return y;
        Value b1 = rw.add(Op.RESHAPE, Attrs.of("shape", new int[] {o1, 1}), s.bias);
        Value bias = rw.add(Op.RESHAPE, Attrs.of("shape", new int[] {o2}), rw.add(Op.MATMUL, Attrs.NONE, w2m, b1));
        return rw.add(Op.BIAS_ADD, Attrs.NONE, y, bias);
    }
}
