package dev.smok.optimizer;

import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Input;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Role;
import dev.smok.ir.Scan;
import dev.smok.ir.Value;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Prepares scans for backpropagation through time: every {@link Op#SCAN} that reads a value
 * computed from a parameter is replaced by one that also outputs, stacked over the steps, the
 * carries entering each step ({@link Scan#withSavedCarries}); the backward scan reads them. The
 * existing results keep their offsets in the packed output, so the nodes that read them are
 * only re-created with the new (longer) scan value. {@link Autodiff} runs this first.
 */
public final class SaveScanCarries implements Pass {
    @Override public String name() { return "save-scan-carries"; }

    @Override public Graph run(Graph g) {
        Set<Value> dependent = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Input p : g.inputs(Role.PARAM)) dependent.add(p.value());
        boolean any = false;
        for (Node n : g.nodes()) {
            if (n.inputs().stream().noneMatch(dependent::contains)) continue;
            dependent.add(n.out());
            any |= n.op() == Op.SCAN && !n.attrs().b(Scan.SAVES_CARRIES, false);
        }
        if (!any) return g;
        GraphBuilder b = new GraphBuilder(g.name());
        for (Input in : g.inputs()) b.addInput(in);
        Map<Value, Value> map = new IdentityHashMap<>();
        boolean rebuilding = false; // after the first replacement every node gets a fresh value (unique ids)
        for (Node n : g.nodes()) {
            Value[] ins = n.inputs().stream().map(v -> map.getOrDefault(v, v)).toArray(Value[]::new);
            boolean replace = n.op() == Op.SCAN && dependent.contains(n.out()) && !n.attrs().b(Scan.SAVES_CARRIES, false);
            if (replace) {
                map.put(n.out(), b.op(Op.SCAN, Scan.withSavedCarries(n.attrs()), ins));
                rebuilding = true;
            } else if (rebuilding) {
                map.put(n.out(), b.op(n.op(), n.attrs(), ins));
            } else {
                b.add(n);
            }
        }
        g.outputs().forEach((k, v) -> b.output(k, map.getOrDefault(v, v)));
        g.updates().forEach((k, v) -> b.update(k, map.getOrDefault(v, v)));
        return b.build();
    }
}
