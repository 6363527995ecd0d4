/*
 * FoldedBiases: which bias_add nodes of an inference graph a peer should fold into the
 * convolution or dense product before them, as PyTorch modules and ONNX exporters do
 * (nn.Conv2d and nn.Linear carry their bias; ONNX Conv and Gemm take it as an input).
 */
package dev.smok.harness;

import dev.smok.ir.Graph;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Value;

import java.util.IdentityHashMap;
import java.util.Map;

/** The bias of each conv2d or 2-D matmul whose only use is a bias_add. */
public final class FoldedBiases {
    private final Map<Value, Value> biasOf = new IdentityHashMap<>();

    /** Analyses {@code g}: a conv2d, or a matmul with {@code trans_b} and not {@code trans_a}, used only by a bias_add. */
    public FoldedBiases(Graph g) {
        Map<Value, Integer> uses = g.useCounts();
        for (Node n : g.nodes()) {
            if (n.op() != Op.BIAS_ADD) continue;
            Node p = g.producer(n.in(0));
            if (p == null || uses.getOrDefault(n.in(0), 0) != 1) continue;
            boolean dense = p.op() == Op.MATMUL && p.attrs().b("trans_b", false) && !p.attrs().b("trans_a", false);
            if (p.op() == Op.CONV2D || dense) biasOf.put(p.out(), n.in(1));
        }
    }

    /** The bias folded into the op producing {@code out}, or null. */
    public Value biasOf(Value out) { return biasOf.get(out); }

    /** Whether {@code n} is a bias_add whose bias went into the op before it (it is then the identity). */
    public boolean folded(Node n) { return n.op() == Op.BIAS_ADD && biasOf.containsKey(n.in(0)); }
}
