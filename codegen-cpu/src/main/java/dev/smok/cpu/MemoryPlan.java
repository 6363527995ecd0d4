package dev.smok.cpu;

import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Node;
import dev.smok.ir.Value;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Places every tensor of an executable in one float[] arena.
 *
 * <p>Algorithm: graph inputs (data, parameters, states) get fixed regions first. Then a linear
 * scan over the schedule: each step's materialized results get the first free region that fits
 * (first fit over a sorted free list, adjacent holes merged), and a region goes back to the free
 * list after the last step that reads it. A result is written before any of the step's inputs is
 * freed, so a kernel never writes over something it reads. Reshapes share their input's region
 * (its lifetime extends to the view's last reader). Graph outputs keep their regions for good.
 *
 * <p>Updates are done in place when possible: when a parameter's new value comes from a fused
 * elementwise loop that is also the last reader of the parameter, the loop writes straight into the
 * parameter (it loads all inputs of an element before it stores). Other updates and outputs that
 * cannot be pinned are copied at the end of the run ({@link #finalCopies}).
 * The prologue's results that other steps read keep their regions for good as well (the prologue
 * runs only after parameters change, see {@link KernelPlan}); its temporaries are reused.
 * Offsets are multiples of 16 floats (64 bytes, one cache line, a whole number of vectors).
 */
final class MemoryPlan {
    static final int ALIGN = 16;

    /** An end-of-run copy of {@code length} floats. */
    record Copy(int from, int to, int length, String what) {}

    final Map<Value, Integer> offsets = new IdentityHashMap<>();
    final Map<String, Integer> outputOffsets = new LinkedHashMap<>();
    final List<Copy> finalCopies = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    int size;
    private final List<int[]> free = new ArrayList<>();

    static MemoryPlan plan(KernelPlan kp) {
        MemoryPlan mp = new MemoryPlan();
        mp.build(kp);
        return mp;
    }

    private void build(KernelPlan kp) {
        Graph g = kp.graph;
        for (Input in : g.inputs()) offsets.put(in.value(), bump(in.shape().size()));
        int nSteps = kp.steps.size();
        // storage roots: a view's value lives in its input's root
        Map<Value, Value> root = new IdentityHashMap<>();
        for (Input in : g.inputs()) root.put(in.value(), in.value());
        for (KernelPlan.Step s : kp.steps) {
            for (Node n : KernelPlan.nodesOf(s)) {
                root.put(n.out(), s instanceof KernelPlan.View ? root.get(n.in(0)) : n.out());
            }
        }
        // last step reading each root
        Map<Value, Integer> lastUse = new IdentityHashMap<>();
        for (KernelPlan.Step s : kp.steps) {
            for (Node n : KernelPlan.nodesOf(s)) {
                for (Value v : n.inputs()) lastUse.merge(root.get(v), s.index, Math::max);
            }
        }
        // pinned: outputs produced by nodes, and values copied into updates at the end
        Map<Value, Boolean> pinned = new IdentityHashMap<>();
        Map<Value, String> inPlace = new IdentityHashMap<>();
        for (var e : g.updates().entrySet()) {
            Value v = e.getValue();
            Input target = g.input(e.getKey());
            KernelPlan.Step s = kp.producer.get(v);
            boolean ok = s instanceof KernelPlan.Fused f && (f.head == null || f.head.out() != v)
                    && lastUse.getOrDefault(target.value(), -1) <= s.index
                    && !g.outputs().containsValue(v) && !inPlace.containsKey(v)
                    && !(f.head != null && f.head.inputs().contains(target.value()))
                    && !readLater(kp, v, s);
            if (ok) inPlace.put(v, e.getKey());
            pinned.put(root.get(v), true); // in place: the parameter's own region, never freed

        }
        for (Value v : g.outputs().values()) pinned.put(root.get(v), true);
        // the prologue does not run every time: what the other steps read of it keeps its region
        for (KernelPlan.Step s : kp.steps) {
            if (s.hoisted) continue;
            for (Node n : KernelPlan.nodesOf(s)) {
                for (Value v : n.inputs()) {
                    KernelPlan.Step p = kp.producer.get(v);
                    if (p != null && p.hoisted) pinned.put(root.get(v), true);
                }
            }
        }

        for (KernelPlan.Step s : kp.steps) {
            for (Node n : KernelPlan.nodesOf(s)) {
                Value v = n.out();
                if (s instanceof KernelPlan.View) {
                    offsets.put(v, offsets.get(n.in(0)));
                } else if (s instanceof KernelPlan.Fused f && !f.materialized.contains(v)) {
                    // lives only in registers
                } else if (s instanceof KernelPlan.Call c && c.last() != n) {
                    // a convolution's value before its epilogue: never a tensor of its own (the epilogue rewrites each tile in place)
                } else if (inPlace.containsKey(v)) {
                    offsets.put(v, offsets.get(g.input(inPlace.get(v)).value()));
                    notes.add("update " + inPlace.get(v) + " is written in place by kernel " + s.index);
                } else {
                    offsets.put(v, allocate(v.shape().size()));
                }
            }
            // free regions whose last reader is this step (never inputs or pinned values)
            for (Node n : KernelPlan.nodesOf(s)) {
                for (Value v : n.inputs()) release(root.get(v), s.index, lastUse, pinned, g);
                release(root.get(n.out()), s.index, lastUse, pinned, g);
            }
        }
        for (var e : g.outputs().entrySet()) {
            Value v = e.getValue();
            boolean own = kp.producer.get(v) != null && !(kp.producer.get(v) instanceof KernelPlan.View);
            if (own) {
                outputOffsets.put(e.getKey(), offsets.get(v));
            } else {
                int at = bump(v.shape().size());
                outputOffsets.put(e.getKey(), at);
                finalCopies.add(new Copy(offsets.get(v), at, v.shape().size(), "output " + e.getKey()));
            }
        }
        for (var e : g.updates().entrySet()) {
            Value v = e.getValue();
            if (inPlace.containsKey(v) && inPlace.get(v).equals(e.getKey())) continue;
            int to = offsets.get(g.input(e.getKey()).value());
            finalCopies.add(new Copy(offsets.get(v), to, v.shape().size(), "update " + e.getKey()));
        }
    }

    /** True when a step after {@code s} reads {@code v}. */
    private static boolean readLater(KernelPlan kp, Value v, KernelPlan.Step s) {
        for (KernelPlan.Step t : kp.steps) {
            if (t.index <= s.index) continue;
            for (Node n : KernelPlan.nodesOf(t)) if (n.inputs().contains(v)) return true;
        }
        return false;
    }

    private void release(Value r, int step, Map<Value, Integer> lastUse, Map<Value, Boolean> pinned, Graph g) {
        if (r == null || r.name() != null || pinned.containsKey(r)) return;
        Integer at = offsets.get(r);
        if (at == null || lastUse.getOrDefault(r, -1) > step) return;
        if (freed.put(r, true) != null) return;
        free(at, r.shape().size());
    }

    private final Map<Value, Boolean> freed = new IdentityHashMap<>();

    private static int align(int n) { return (n + ALIGN - 1) / ALIGN * ALIGN; }

    private int bump(int n) {
        int at = size;
        size += align(n);
        return at;
    }

    private int allocate(int n) {
        int len = align(n);
        for (int i = 0; i < free.size(); i++) {
            int[] h = free.get(i);
            if (h[1] >= len) {
                int at = h[0];
                h[0] += len;
                h[1] -= len;
                if (h[1] == 0) free.remove(i);
                return at;
            }
        }
        // extend the arena; a hole at its end is grown
        if (!free.isEmpty() && free.getLast()[0] + free.getLast()[1] == size) {
            int[] h = free.removeLast();
            size = h[0] + len;
            return h[0];
        }
        return bump(n);
    }

    private void free(int at, int n) {
        int len = align(n);
        int i = 0;
        while (i < free.size() && free.get(i)[0] < at) i++;
        free.add(i, new int[] {at, len});
        if (i + 1 < free.size() && at + len == free.get(i + 1)[0]) {
            free.get(i)[1] += free.get(i + 1)[1];
            free.remove(i + 1);
        }
        if (i > 0 && free.get(i - 1)[0] + free.get(i - 1)[1] == at) {
            free.get(i - 1)[1] += free.get(i)[1];
            free.remove(i);
        }
    }

    int bytes() { return size * Float.BYTES; }
}
