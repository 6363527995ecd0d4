package dev.smok.ir;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The derivative rule of {@link Op#SCAN}: backpropagation through time as a second scan.
 *
 * <p>Forward, step t computes (c_t, y_t) = F(x_t, c_{t-1}, w). Given the gradients of the final
 * carries and of every stacked output, the backward loop runs the steps in the opposite order
 * with carries dc (the gradient of the carry leaving the step, starting from the final carries'
 * gradients) and dw (the running sum of the invariants' gradients, starting at zero). Its body
 * <ol>
 *   <li>recomputes F's nodes from x_t and the saved incoming carry c_{t-1} (a scanned input:
 *       the forward scan stores it, see {@link Scan#withSavedCarries}),</li>
 *   <li>seeds the gradients of F's outputs with dc and the step's slice of the output gradient,</li>
 *   <li>applies each node's derivative rule in reverse order (the same walk as the optimizer's
 *       autodiff pass, summing gradients of values read several times),</li>
 *   <li>outputs the new dc = d/dc_{t-1}, the new dw = dw + d/dw, and per step d/dx_t.</li>
 * </ol>
 * After the loop, dc is the gradient of the initial carries, dw that of the invariants, and the
 * stacked d/dx_t that of the sequences. Only inputs that depend on a parameter get gradients
 * (data sequences do not), and nodes of the backward body that no output needs are dropped.
 */
final class ScanGradient {
    private ScanGradient() {}

    static Value[] vjp(GraphBuilder b, Node n, Value g) {
        Attrs a = n.attrs();
        if (!a.b(Scan.SAVES_CARRIES, false)) {
            throw new IrException("scan: backpropagation through time needs the carry of every step; "
                    + "differentiate with the autodiff pass, which saves them (Scan.withSavedCarries)");
        }
        Graph body = a.graph(Scan.BODY);
        int length = a.i(Scan.LENGTH), nSeq = a.i(Scan.SEQUENCES), nCarry = a.i(Scan.CARRIES);
        boolean reverse = a.b(Scan.REVERSE, false);
        List<Value> ins = n.inputs();
        int nInv = ins.size() - nSeq - nCarry;
        List<Input> bin = body.inputs();
        List<Map.Entry<String, Value>> bout = List.copyOf(body.outputs().entrySet());
        int nOut = bout.size() - 2 * nCarry; // per-step outputs before the saved carries
        Set<Value> paramDependent = paramDependent(b);
        boolean[] diff = new boolean[ins.size()];
        for (int i = 0; i < ins.size(); i++) diff[i] = ins.get(i).dtype() == DType.F32 && paramDependent.contains(ins.get(i));

        // ---- the backward body: inputs in scan order (sequences, carries, invariants)
        GraphBuilder bb = new GraphBuilder(body.name() + ".grad");
        Map<Value, Value> map = new IdentityHashMap<>();
        for (int s = 0; s < nSeq; s++) map.put(bin.get(s).value(), bb.input(bin.get(s).name(), bin.get(s).shape()));
        for (int j = 0; j < nCarry; j++) map.put(bin.get(nSeq + j).value(), bb.input(bin.get(nSeq + j).name(), bin.get(nSeq + j).shape()));
        List<Value> outGrads = new ArrayList<>();
        for (int p = 0; p < nOut; p++) {
            outGrads.add(bb.input("grad/" + bout.get(nCarry + p).getKey(), bout.get(nCarry + p).getValue().shape()));
        }
        List<Value> carryGrads = new ArrayList<>();
        for (int j = 0; j < nCarry; j++) carryGrads.add(bb.input("grad/" + bin.get(nSeq + j).name(), bin.get(nSeq + j).shape()));
        List<Integer> diffInv = new ArrayList<>();
        List<Value> invGrads = new ArrayList<>();
        for (int k = 0; k < nInv; k++) {
            if (!diff[nSeq + nCarry + k]) continue;
            Input w = bin.get(nSeq + nCarry + k);
            diffInv.add(k);
            invGrads.add(bb.input("grad/" + w.name(), w.shape()));
        }
        for (int k = 0; k < nInv; k++) {
            Input w = bin.get(nSeq + nCarry + k);
            map.put(w.value(), bb.input(w.name(), w.shape()));
        }

        // 1. recompute the step
        for (Node m : body.nodes()) {
            if (m.op() == Op.SCAN) throw new IrException("scan: a scan nested in a scan body is not differentiable yet");
            Value[] mi = m.inputs().stream().map(map::get).toArray(Value[]::new);
            map.put(m.out(), bb.op(m.op(), m.attrs(), mi));
        }
        List<Node> recomputed = List.copyOf(bb.nodes());
        Set<Value> needs = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int s = 0; s < nSeq; s++) if (diff[s]) needs.add(map.get(bin.get(s).value()));
        for (int j = 0; j < nCarry; j++) needs.add(map.get(bin.get(nSeq + j).value()));
        for (int k : diffInv) needs.add(map.get(bin.get(nSeq + nCarry + k).value()));
        for (Node m : recomputed) if (m.inputs().stream().anyMatch(needs::contains)) needs.add(m.out());

        // 2. seed, 3. reverse walk
        Map<Value, Value> grads = new IdentityHashMap<>();
        for (int j = 0; j < nCarry; j++) accumulate(bb, grads, map.get(bout.get(j).getValue()), carryGrads.get(j));
        for (int p = 0; p < nOut; p++) accumulate(bb, grads, map.get(bout.get(nCarry + p).getValue()), outGrads.get(p));
        for (int i = recomputed.size() - 1; i >= 0; i--) {
            Node m = recomputed.get(i);
            Value gOut = grads.get(m.out());
            if (gOut == null || m.inputs().stream().noneMatch(needs::contains)) continue;
            Value[] gIn = m.op().vjp(bb, m, gOut);
            for (int k = 0; k < gIn.length; k++) {
                if (gIn[k] != null && needs.contains(m.in(k))) accumulate(bb, grads, m.in(k), gIn[k]);
            }
        }

        // 4. outputs: new carries (dc, dw), then per-step sequence gradients
        for (int j = 0; j < nCarry; j++) {
            Input c = bin.get(nSeq + j);
            bb.output("grad/" + c.name(), orZeros(bb, grads.get(map.get(c.value())), c.shape()));
        }
        for (int i = 0; i < diffInv.size(); i++) {
            Input w = bin.get(nSeq + nCarry + diffInv.get(i));
            Value gw = grads.get(map.get(w.value()));
            bb.output("grad/" + w.name(), gw == null ? invGrads.get(i) : bb.add(invGrads.get(i), gw));
        }
        List<Integer> diffSeq = new ArrayList<>();
        for (int s = 0; s < nSeq; s++) {
            if (!diff[s]) continue;
            diffSeq.add(s);
            bb.output("grad/" + bin.get(s).name(), orZeros(bb, grads.get(map.get(bin.get(s).value())), bin.get(s).shape()));
        }

        // ---- the backward loop in the outer graph
        Scan.Result fwd = new Scan.Result(b, n.out(), a), dOut = new Scan.Result(b, g, a);
        List<Value> seqs = new ArrayList<>(ins.subList(0, nSeq));
        for (int j = 0; j < nCarry; j++) seqs.add(fwd.stacked(nOut + j));
        for (int p = 0; p < nOut; p++) seqs.add(dOut.stacked(p));
        List<Value> inits = new ArrayList<>();
        for (int j = 0; j < nCarry; j++) inits.add(dOut.carry(j));
        for (int k : diffInv) inits.add(b.constant(ins.get(nSeq + nCarry + k).shape(), 0f));
        Scan.Result back = Scan.build(b, pruned(bb), length, !reverse, seqs, inits, ins.subList(nSeq + nCarry, ins.size()));

        Value[] result = new Value[ins.size()];
        for (int j = 0; j < nCarry; j++) if (diff[nSeq + j]) result[nSeq + j] = back.carry(j);
        for (int i = 0; i < diffInv.size(); i++) result[nSeq + nCarry + diffInv.get(i)] = back.carry(nCarry + i);
        for (int i = 0; i < diffSeq.size(); i++) result[diffSeq.get(i)] = back.stacked(i);
        return result;
    }

    private static void accumulate(GraphBuilder b, Map<Value, Value> grads, Value v, Value g) {
        Value prev = grads.get(v);
        grads.put(v, prev == null ? g : b.add(prev, g));
    }

    private static Value orZeros(GraphBuilder b, Value g, Shape s) { return g != null ? g : b.constant(s, 0f); }

    /** Values of {@code b} computed from a parameter (the values autodiff differentiates). */
    private static Set<Value> paramDependent(GraphBuilder b) {
        Set<Value> dep = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Input in : b.inputs()) if (in.role() == Role.PARAM) dep.add(in.value());
        for (Node m : b.nodes()) if (m.inputs().stream().anyMatch(dep::contains)) dep.add(m.out());
        return dep;
    }

    /** {@code bb}'s graph without the nodes that reach no output. */
    private static Graph pruned(GraphBuilder bb) {
        Graph g = bb.build();
        Set<Value> live = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Value> work = new ArrayDeque<>(g.outputs().values());
        while (!work.isEmpty()) {
            Value v = work.pop();
            if (!live.add(v)) continue;
            Node m = g.producer(v);
            if (m != null) work.addAll(m.inputs());
        }
        GraphBuilder p = new GraphBuilder(g.name());
        for (Input in : g.inputs()) p.addInput(in);
        for (Node m : g.nodes()) if (live.contains(m.out())) p.add(m);
        g.outputs().forEach(p::output);
        return p.build();
    }
}
