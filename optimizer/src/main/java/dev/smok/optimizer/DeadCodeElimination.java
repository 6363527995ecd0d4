package dev.smok.optimizer;

import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Input;
import dev.smok.ir.Node;
import dev.smok.ir.Value;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Removes nodes whose results reach no output and no update. Graph inputs stay (they are the
 * executable's interface) even when unread.
 */
public final class DeadCodeElimination implements Pass {
    @Override public String name() { return "dce"; }

    @Override public String description() { return "remove nodes that reach no output or update"; }

    @Override public Graph run(Graph g) {
        Set<Value> live = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Value> work = new ArrayDeque<>();
        work.addAll(g.outputs().values());
        work.addAll(g.updates().values());
        while (!work.isEmpty()) {
            Value v = work.pop();
            if (!live.add(v)) continue;
            Node n = g.producer(v);
            if (n != null) work.addAll(n.inputs());
        }
        if (g.nodes().stream().allMatch(n -> live.contains(n.out()))) return g;
        GraphBuilder b = new GraphBuilder(g.name());
        for (Input in : g.inputs()) b.addInput(in);
        for (Node n : g.nodes()) if (live.contains(n.out())) b.add(n);
        g.outputs().forEach(b::output);
        g.updates().forEach(b::update);
        return b.build();
    }
}
