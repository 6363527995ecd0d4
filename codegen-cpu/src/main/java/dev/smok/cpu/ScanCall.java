package dev.smok.cpu;

import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Node;
import dev.smok.ir.Scan;
import dev.smok.ir.Value;

import java.util.List;
import java.util.Map;

/**
 * {@link dev.smok.ir.Op#SCAN}: the loop over time steps, with the semantics of {@link Scan}.
 *
 * <p>Design: the body graph is compiled once, by this backend, into its own generated schedule
 * (a nested {@link Program}) over its own small arena, sharing the executable's worker pool. The
 * outer schedule calls one {@link Loop} object whose {@code run} is a plain Java loop over t: copy
 * the step's sequence slices into the body's input regions, run the body program, copy the
 * per-step outputs to row t of their stacked results and the new carries back into the carry
 * inputs. Loop invariants (weights) and initial carries are copied in once per run. Code size
 * and compile time therefore do not depend on the length T, and the copies are O(state) per step
 * next to the body's O(state × weights) products. A reverse scan (backpropagation through time)
 * walks t downwards. Nothing is allocated per run.
 */
final class ScanCall {
    private ScanCall() {}

    static OpCalls.Kernel create(Node n, Map<Value, Integer> offsets, OpCalls.Context ctx) {
        Graph body = n.attrs().graph(Scan.BODY);
        int length = n.attrs().i(Scan.LENGTH), nSeq = n.attrs().i(Scan.SEQUENCES), nCarry = n.attrs().i(Scan.CARRIES);
        boolean reverse = n.attrs().b(Scan.REVERSE, false);
        Scan.Layout layout = Scan.layout(body, length, nCarry);
        KernelPlan kp = KernelPlan.plan(body, KernelPlan.SUPPORTED);
        MemoryPlan mp = MemoryPlan.plan(kp);
        Program program;
        ScheduleEmitter.Emitted em;
        try {
            em = new ScheduleEmitter(kp, mp, ctx.pool).emit();
            program = CpuBackend.link(em);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cpu backend: defining the scan body '" + body.name() + "' failed", t);
        }
        List<Input> bin = body.inputs();
        int[] bodyIn = new int[bin.size()], sizes = new int[bin.size()], outerIn = new int[bin.size()];
        for (int i = 0; i < bodyIn.length; i++) {
            bodyIn[i] = mp.offsets.get(bin.get(i).value());
            sizes[i] = bin.get(i).shape().size();
            outerIn[i] = offsets.get(n.in(i));
        }
        List<String> names = List.copyOf(body.outputs().keySet());
        int[] bodyOut = new int[names.size()], outSizes = new int[names.size()], packed = new int[names.size()];
        for (int p = 0; p < names.size(); p++) {
            bodyOut[p] = mp.outputOffsets.get(names.get(p));
            outSizes[p] = body.outputs().get(names.get(p)).shape().size();
            packed[p] = offsets.get(n.out()) + layout.offsets()[p];
        }
        return new Loop(body.name(), program, new float[Math.max(mp.size, 1)], length, nSeq, nCarry, reverse,
                bodyIn, sizes, outerIn, bodyOut, outSizes, packed, kp.kernelCount());
    }

    /** The compiled loop: the body program, its arena, and every offset of the copies. */
    static final class Loop extends OpCalls.Kernel {
        private final String name;
        private final Program body;
        private final float[] arena;
        private final int length, nSeq, nCarry, bodyKernels;
        private final boolean reverse;
        private final int[] bodyIn, inSize, outerIn, bodyOut, outSize, packed;

        Loop(String name, Program body, float[] arena, int length, int nSeq, int nCarry, boolean reverse, int[] bodyIn, int[] inSize,
             int[] outerIn, int[] bodyOut, int[] outSize, int[] packed, int bodyKernels) {
            this.name = name; this.body = body; this.arena = arena; this.length = length; this.nSeq = nSeq; this.nCarry = nCarry;
            this.reverse = reverse; this.bodyIn = bodyIn; this.inSize = inSize; this.outerIn = outerIn; this.bodyOut = bodyOut;
            this.outSize = outSize; this.packed = packed; this.bodyKernels = bodyKernels;
        }

        @Override public void run(float[] a) {
            float[] b = arena;
            for (int i = nSeq; i < bodyIn.length; i++) System.arraycopy(a, outerIn[i], b, bodyIn[i], inSize[i]);
            for (int k = 0; k < length; k++) {
                int t = reverse ? length - 1 - k : k;
                for (int s = 0; s < nSeq; s++) System.arraycopy(a, outerIn[s] + t * inSize[s], b, bodyIn[s], inSize[s]);
                body.run(b);
                // stacked outputs first: saved carries are the carry inputs of this step, overwritten next
                for (int p = nCarry; p < bodyOut.length; p++) System.arraycopy(b, bodyOut[p], a, packed[p] + t * outSize[p], outSize[p]);
                for (int j = 0; j < nCarry; j++) System.arraycopy(b, bodyOut[j], b, bodyIn[nSeq + j], outSize[j]);
            }
            for (int j = 0; j < nCarry; j++) System.arraycopy(b, bodyIn[nSeq + j], a, packed[j], outSize[j]);
        }

        @Override String describe() {
            return "scan of body " + name + " (" + bodyKernels + " kernels, arena " + arena.length * 4 + " bytes) x " + length
                    + (reverse ? " reverse" : "");
        }
    }
}
