package dev.smok.ir;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The stable text form of a graph, the basis of golden tests and {@code --dump}. Intermediate
 * values are renumbered %0, %1, ... in node order, so graphs that differ only in builder ids
 * print identically; {@link IrParser} reads the text back.
 *
 * <pre>
 * graph mlp {
 *   input %x: f32[64,784]
 *   param %fc1.w: f32[784,512]
 *   %0: f32[64,512] = matmul(%x, %fc1.w)
 *   output logits = %0
 * }
 * </pre>
 *
 * A node with a body (a {@link Scan}) is followed by the body's own text, indented by four more
 * spaces, on the lines after it.
 */
public final class IrPrinter {
    private IrPrinter() {}

    public static String print(Graph g) {
        Map<Value, String> names = new IdentityHashMap<>();
        StringBuilder b = new StringBuilder("graph ").append(g.name()).append(" {\n");
        for (Input in : g.inputs()) {
            names.put(in.value(), "%" + in.name());
            b.append("  ").append(in.role().text()).append(' ').append(names.get(in.value())).append(": ")
                    .append(in.value().dtype().text()).append(in.shape()).append('\n');
        }
        int next = 0;
        for (Node n : g.nodes()) {
            String name = "%" + next++;
            names.put(n.out(), name);
            b.append("  ").append(name).append(": ").append(n.out().dtype().text()).append(n.out().shape())
                    .append(" = ").append(n.op().text()).append('(');
            for (int i = 0; i < n.inputs().size(); i++) {
                if (i > 0) b.append(", ");
                b.append(ref(names, n.in(i)));
            }
            b.append(')');
            Graph body = n.attrs().has(Scan.BODY) ? n.attrs().graph(Scan.BODY) : null;
            String attrs = n.attrs().without(Scan.BODY).toString();
            if (!attrs.isEmpty()) b.append(' ').append(attrs);
            b.append('\n');
            if (body != null) print(body).lines().forEach(l -> b.append("    ").append(l).append('\n'));
        }
        for (var e : g.outputs().entrySet()) {
            b.append("  output ").append(e.getKey()).append(" = ").append(ref(names, e.getValue())).append('\n');
        }
        for (var e : g.updates().entrySet()) {
            b.append("  update ").append(e.getKey()).append(" = ").append(ref(names, e.getValue())).append('\n');
        }
        return b.append("}\n").toString();
    }

    private static String ref(Map<Value, String> names, Value v) {
        String s = names.get(v);
        if (s == null) throw new IrException("value " + v.ref() + " is not defined in the graph");
        return s;
    }
}
