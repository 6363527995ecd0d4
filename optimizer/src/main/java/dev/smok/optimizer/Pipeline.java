package dev.smok.optimizer;

import dev.smok.ir.Graph;
import dev.smok.ir.IrException;
import dev.smok.ir.Verifier;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An ordered list of passes. A pipeline is a plain value: print it, drop passes from it with
 * {@link #without}, add to it with {@link #then}, and run it. Every pass's result is verified.
 */
public final class Pipeline {
    private final List<Pass> passes;

    public Pipeline(List<Pass> passes) {
        this.passes = List.copyOf(passes);
        Set<String> seen = new HashSet<>();
        for (Pass p : passes) {
            for (String r : p.requires()) {
                if (!seen.contains(r)) {
                    throw new IrException("pass '" + p.name() + "' requires '" + r + "' earlier in the pipeline " + this);
                }
            }
            seen.add(p.name());
        }
    }

    public static Pipeline of(Pass... passes) { return new Pipeline(List.of(passes)); }

    public List<Pass> passes() { return passes; }

    /** Names of the passes, in order. */
    public List<String> names() { return passes.stream().map(Pass::name).toList(); }

    /** A copy without the named passes; an unknown name is an error (it is almost always a typo). */
    public Pipeline without(String... names) {
        List<Pass> kept = new ArrayList<>(passes);
        for (String n : names) {
            if (!kept.removeIf(p -> p.name().equals(n))) {
                throw new IrException("no pass named '" + n + "' in pipeline " + this);
            }
        }
        return new Pipeline(kept);
    }

    /** A copy with {@code pass} appended. */
    public Pipeline then(Pass pass) {
        List<Pass> l = new ArrayList<>(passes);
        l.add(pass);
        return new Pipeline(l);
    }

    public Graph run(Graph g) { return run(g, (name, graph) -> {}); }

    /** Runs every pass in order; {@code afterEach} sees each pass's name and result (for dumps). */
    public Graph run(Graph g, BiConsumer<String, Graph> afterEach) {
        for (Pass p : passes) {
            g = p.run(g);
            Verifier.verify(g);
            afterEach.accept(p.name(), g);
        }
        return g;
    }

    /** One line per pass: its name, what it does and what it requires. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (Pass p : passes) {
            b.append(String.format("%-16s %s", p.name(), p.description()));
            if (!p.requires().isEmpty()) b.append(" (requires ").append(String.join(", ", p.requires())).append(')');
            b.append('\n');
        }
        return b.toString();
    }

    @Override public String toString() { return String.join(" -> ", names()); }
}
