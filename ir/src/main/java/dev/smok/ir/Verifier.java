package dev.smok.ir;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Checks a graph's invariants: every value is defined once and before it is read, every node's
 * shape agrees with its op's shape rule, outputs and updates refer to defined values, and each
 * update targets a parameter or state of the same shape. A scan's body is verified as a graph of
 * its own, and the scan's shape rule checks the body's interface against the node's inputs.
 */
public final class Verifier {
    private Verifier() {}

    /** Throws {@link IrException} describing the first violation. */
    public static void verify(Graph g) {
        Set<Value> defined = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Input in : g.inputs()) {
            if (!defined.add(in.value())) throw fail(g, "input " + in.name() + " is declared twice");
        }
        for (Node n : g.nodes()) {
            for (Value v : n.inputs()) {
                if (!defined.contains(v)) {
                    throw fail(g, n.op().text() + " reads " + v.ref() + " before it is defined");
                }
            }
            Shape expect = n.op().inferShape(n.inputs(), n.attrs());
            if (!expect.equals(n.out().shape())) {
                throw fail(g, n.op().text() + " defines " + n.out().ref() + " as " + n.out().shape()
                        + " but its shape rule gives " + expect);
            }
            if (!defined.add(n.out())) throw fail(g, "value " + n.out().ref() + " is defined twice");
            if (n.attrs().has(Scan.BODY)) verify(n.attrs().graph(Scan.BODY)); // a loop body is a graph of its own
        }
        for (Map.Entry<String, Value> e : g.outputs().entrySet()) {
            if (!defined.contains(e.getValue())) throw fail(g, "output " + e.getKey() + " is not defined");
        }
        for (Map.Entry<String, Value> e : g.updates().entrySet()) {
            Input target = g.input(e.getKey());
            if (target == null || target.role() == Role.INPUT) {
                throw fail(g, "update " + e.getKey() + " does not name a param or state");
            }
            if (!defined.contains(e.getValue())) throw fail(g, "update " + e.getKey() + " is not defined");
            if (!target.shape().equals(e.getValue().shape())) {
                throw fail(g, "update " + e.getKey() + " has shape " + e.getValue().shape() + " but the input is " + target.shape());
            }
        }
    }

    private static IrException fail(Graph g, String what) {
        return new IrException("graph '" + g.name() + "': " + what);
    }
}
