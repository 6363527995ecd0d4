package dev.smok.gpu;

import static dev.smok.gpu.KernelIr.*;

import dev.smok.gpu.KernelIr.Expr;
import dev.smok.gpu.KernelIr.Special;
import dev.smok.gpu.KernelIr.Un;
import dev.smok.ir.Graph;
import dev.smok.ir.Node;
import dev.smok.ir.Scan;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link dev.smok.ir.Op#SCAN} on a GPU, with the semantics of {@link Scan}: the body graph is
 * lowered once ({@link GraphLowering#lowerBody}), and the plan launches its kernels once per time
 * step. Kernel count and build time therefore do not grow with the length T; the launches do.
 *
 * <p>Per step, in one in-order queue:
 * <ol>
 *   <li>one copy kernel per sequence moves slice t of the sequence into the body's input buffer;</li>
 *   <li>the body's launches run;</li>
 *   <li>one copy kernel per per-step output writes it to row t of its stacked result in the scan's
 *       packed output;</li>
 *   <li>a one-thread kernel advances t.</li>
 * </ol>
 * The time step lives on the device (a one-float buffer set once per run and advanced by the
 * last kernel of each step), so the copy kernels are built once and read their offset from it.
 * Carries ping-pong: carry j has two buffers, its body input's and its body output's; step k
 * reads one and writes the other, which is only a different binding of the same kernels
 * (step 0 reads the initial carry in place). Invariants (weights) are read in place. After the
 * last step the final carries are copied to the front of the packed output.
 */
final class ScanLowering {
    private ScanLowering() {}

    static void scan(GraphLowering l, Node n, int outSlot) {
        Graph body = n.attrs().graph(Scan.BODY);
        int length = n.attrs().i(Scan.LENGTH), nSeq = n.attrs().i(Scan.SEQUENCES), nCarry = n.attrs().i(Scan.CARRIES);
        boolean reverse = n.attrs().b(Scan.REVERSE, false);
        Scan.Layout layout = Scan.layout(body, length, nCarry);
        int nIn = body.inputs().size();
        int[] bodyIn = new int[nIn];
        for (int k = 0; k < nIn; k++) {
            // sequences and carries get their own per-step buffers; invariants are read in place
            bodyIn[k] = k < nSeq + nCarry ? l.scratchSlot(body.inputs().get(k).shape().size()) : l.slotOfValue(n.in(k));
        }
        GraphLowering.BodyLowering step = l.lowerBody(body, bodyIn);
        int tSlot = l.scratchSlot(1);

        l.finish(setStep(tSlot, reverse ? length - 1 : 0), "scan_start", 1, 1, 1, 1);
        int[] copyIn = new int[nSeq], copyOut = new int[layout.count()];
        int[][] copyInSlots = new int[nSeq][], copyOutSlots = new int[layout.count()][];
        for (int s = 0; s < nSeq; s++) {
            int size = body.inputs().get(s).shape().size();
            KernelBuilder kb = copyAtStep(l.slotOfValue(n.in(s)), tSlot, 0, bodyIn[s], 0, size, true);
            copyIn[s] = l.build(kb, "scan_slice", GraphLowering.ceilDiv(size, GraphLowering.BLOCK), 1, GraphLowering.BLOCK, 1);
            copyInSlots[s] = kb.slotArray();
        }
        for (int p = nCarry; p < layout.count(); p++) {
            int size = layout.shapes()[p].size() / length;
            KernelBuilder kb = copyAtStep(step.outputSlots()[p], tSlot, 0, outSlot, layout.offsets()[p], size, false);
            copyOut[p] = l.build(kb, "scan_stack", GraphLowering.ceilDiv(size, GraphLowering.BLOCK), 1, GraphLowering.BLOCK, 1);
            copyOutSlots[p] = kb.slotArray();
        }
        KernelBuilder advance = new KernelBuilder();
        advance.body.store(tSlot, i(0), add(load(advance.param(tSlot), i(0)), f(reverse ? -1 : 1)));
        int advanceKernel = l.build(advance, "scan_next", 1, 1, 1, 1);

        for (int k = 0; k < length; k++) {
            // carry j: step k reads `in` and writes `out`, alternating between the two buffers
            Map<Integer, Integer> bind = new HashMap<>();
            for (int j = 0; j < nCarry; j++) {
                int in = bodyIn[nSeq + j], out = step.outputSlots()[j];
                if (k == 0) bind.put(in, l.slotOfValue(n.in(nSeq + j)));
                else if (k % 2 == 1) { bind.put(in, out); bind.put(out, in); }
            }
            for (int s = 0; s < nSeq; s++) l.launch(copyIn[s], copyInSlots[s]);
            for (ExecutionPlan.Launch launch : step.launches()) l.launch(launch.kernel(), rebind(launch.slots(), bind));
            for (int p = nCarry; p < layout.count(); p++) l.launch(copyOut[p], rebind(copyOutSlots[p], bind));
            l.launch(advanceKernel, new int[] {tSlot});
        }
        for (int j = 0; j < nCarry; j++) {
            int in = bodyIn[nSeq + j], out = step.outputSlots()[j];
            int last = (length - 1) % 2 == 1 ? in : out; // written by the last step
            int size = layout.shapes()[j].size();
            KernelBuilder kb = new KernelBuilder();
            Expr gid = kb.body.tmp(add(mul(thread(Special.GROUP_X), i(GraphLowering.BLOCK)), thread(Special.LOCAL_X)));
            var w = kb.body.when(lt(gid, i(size)));
            w.store(outSlot, add(gid, i(layout.offsets()[j])), load(kb.param(last), gid));
            l.finish(kb, "scan_carry", GraphLowering.ceilDiv(size, GraphLowering.BLOCK), 1, GraphLowering.BLOCK, 1);
        }
    }

    /** t[0] = value. */
    private static KernelBuilder setStep(int tSlot, int value) {
        KernelBuilder kb = new KernelBuilder();
        kb.body.store(tSlot, i(0), f(value));
        return kb;
    }

    /**
     * One thread per element i < size: dst[dstOff + i] = src[srcOff + i], with the block of step t
     * (t from the step buffer) on the source side ({@code sliceSource}) or on the destination side.
     */
    private static KernelBuilder copyAtStep(int src, int tSlot, int srcOff, int dst, int dstOff, int size, boolean sliceSource) {
        KernelBuilder kb = new KernelBuilder();
        var b = kb.body;
        Expr gid = b.tmp(add(mul(thread(Special.GROUP_X), i(GraphLowering.BLOCK)), thread(Special.LOCAL_X)));
        Expr base = b.tmp(mul(un(Un.TO_INT, load(kb.param(tSlot), i(0))), i(size)));
        var w = b.when(lt(gid, i(size)));
        Expr from = add(gid, sliceSource ? add(base, i(srcOff)) : i(srcOff));
        Expr to = add(gid, sliceSource ? i(dstOff) : add(base, i(dstOff)));
        w.store(dst, to, load(kb.param(src), from));
        return kb;
    }

    private static int[] rebind(int[] slots, Map<Integer, Integer> bind) {
        int[] r = slots.clone();
        for (int p = 0; p < r.length; p++) r[p] = bind.getOrDefault(r[p], r[p]);
        return r;
    }
}
