package dev.smok.cpu;

import dev.smok.cpu.conv.Conv2dKernels;
import dev.smok.cpu.conv.ConvEpilogue;
import dev.smok.cpu.conv.ConvGeometry;
import dev.smok.ir.ConvArithmetic;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Calls of the convolution kernels of {@link Conv2dKernels} from the generated schedule:
 * conv2d (x, w), conv2d_input_grad (g, w) and conv2d_weight_grad (x, g), all NCHW.
 *
 * <p>Each node becomes one {@link ConvCall} with a constant {@link ConvGeometry}. A forward
 * convolution carries the epilogue {@link KernelPlan} gave it ({@link #epilogueOf}): its
 * bias_add, inference batch_norm, residual add and relu consumers, composed at the start of each
 * run into one per-channel scale and shift (from the current bias, γ, β and running statistics),
 * the residual's offset and a ReLU flag, which the kernel applies to each output tile right after storing it (still in L1)
 * ({@link ConvEpilogue}).
 * Threads: a call with at least {@link #PARALLEL_MACS} multiply-accumulates is split into
 * {@code pool.threads()} slices by the kernels' own slice form (disjoint outputs), run through
 * {@link WorkerPool#run} with the call itself as the task; smaller ones stay on the caller.
 * Scratch is the executable's shared array, one {@link Conv2dKernels#scratchPerThread} slice per
 * thread.
 */
final class ConvCalls {
    private ConvCalls() {}

    /** Below this many multiply-accumulates a convolution runs on the calling thread. */
    static final long PARALLEL_MACS = 1 << 19;

    enum Kind { FORWARD, INPUT_GRAD, WEIGHT_GRAD }

    /**
     * The consumers of {@code conv} that its kernel applies as an epilogue, in order: follows the
     * chain while the current value has exactly one use and that use is a node (not a graph
     * output or update) of the form the kernel can apply — bias_add or batch_norm taking it as
     * the first operand, then at most one add of another tensor of the same shape (a residual),
     * then a relu, which ends the chain. Every other input of those nodes (bias, γ, β, running
     * statistics, the residual) is read from the arena when the call runs; the residual must be
     * {@code ready} when the convolution is planned (made by an earlier step, or a graph input),
     * so of two convolutions meeting in one add (ResNet's body and projected shortcut) the later
     * one takes the add.
     */
    static List<Node> epilogueOf(Node conv, Map<Value, Integer> uses, Map<Value, List<Node>> consumers, Predicate<Value> ready) {
        List<Node> chain = new ArrayList<>();
        Value cur = conv.out();
        boolean added = false;
        while (uses.getOrDefault(cur, 0) == 1 && consumers.getOrDefault(cur, List.of()).size() == 1) {
            Node c = consumers.get(cur).get(0);
            boolean perChannel = (c.op() == Op.BIAS_ADD || c.op() == Op.BATCH_NORM) && c.in(0) == cur && !added;
            boolean residual = c.op() == Op.ADD && !added && c.in(0) != c.in(1)
                    && c.in(0).shape().equals(c.in(1).shape()) && c.out().shape().equals(cur.shape())
                    && ready.test(c.in(0) == cur ? c.in(1) : c.in(0));
            if (!perChannel && !residual && c.op() != Op.RELU) break;
            chain.add(c);
            if (c.op() == Op.RELU) break;
            added |= residual;
            cur = c.out();
        }
        return List.copyOf(chain);
    }

    static OpCalls.Kernel create(Node n, int[] in, int out, OpCalls.Context ctx) {
        return create(n, List.of(), in, out, Map.of(), ctx);
    }

    /** The call of forward convolution {@code n} with its epilogue, writing the epilogue's last value. */
    static OpCalls.Kernel create(KernelPlan.Call c, Map<Value, Integer> offsets, OpCalls.Context ctx) {
        Node n = c.node;
        return create(n, c.epilogue, new int[] {offsets.get(n.in(0)), offsets.get(n.in(1))}, offsets.get(c.last().out()), offsets, ctx);
    }

    private static OpCalls.Kernel create(Node n, List<Node> epilogue, int[] in, int out, Map<Value, Integer> offsets,
                                         OpCalls.Context ctx) {
        Shape x, w;
        Kind kind;
        switch (n.op()) {
            case CONV2D -> { x = n.in(0).shape(); w = n.in(1).shape(); kind = Kind.FORWARD; }
            case CONV2D_INPUT_GRAD -> { x = n.out().shape(); w = n.in(1).shape(); kind = Kind.INPUT_GRAD; }
            case CONV2D_WEIGHT_GRAD -> { x = n.in(0).shape(); w = n.out().shape(); kind = Kind.WEIGHT_GRAD; }
            default -> throw new IllegalArgumentException(n.op().text());
        }
        int[] s = ConvArithmetic.pair(n.attrs(), "stride", 1), p = ConvArithmetic.pair(n.attrs(), "padding", 0);
        int[] d = ConvArithmetic.pair(n.attrs(), "dilation", 1);
        ConvGeometry g = new ConvGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3),
                s[0], s[1], p[0], p[1], d[0], d[1], n.attrs().i("groups", 1));
        Epilogue ep = Epilogue.of(epilogue, offsets, g.o(), out);
        if (kind == Kind.FORWARD && pointwiseGemm(g)) return new PointwiseCall(g, in[0], in[1], out, ctx.pool, ep);
        int threads = g.macs() >= PARALLEL_MACS ? ctx.pool.threads() : 1;
        ctx.reserve(threads * Conv2dKernels.scratchPerThread(g));
        return new ConvCall(kind, g, in[0], in[1], out, threads, ctx, ep);
    }

    /**
     * A forward convolution's epilogue as it runs: {@link #prepare} composes the bias_add and
     * batch_norm steps, in chain order, into {@link #scale} and {@link #shift} from the arena's
     * current values; {@link #kernel} is the {@link ConvEpilogue} view of those arrays.
     */
    static final class Epilogue {
        private final Op[] ops;
        private final int[][] operands; // arena offsets of each step's inputs after the first
        private final float[] eps;
        private final float[] scale, shift;
        final ConvEpilogue kernel;

        private Epilogue(List<Node> chain, Map<Value, Integer> offsets, int channels, int out) {
            ops = new Op[chain.size()];
            operands = new int[chain.size()][];
            eps = new float[chain.size()];
            boolean scaled = false, relu = false;
            int residual = -1;
            Value cur = chain.isEmpty() ? null : chain.get(0).in(0);
            for (int i = 0; i < ops.length; i++) {
                Node e = chain.get(i);
                ops[i] = e.op();
                operands[i] = new int[e.inputs().size()];
                if (e.op() != Op.ADD) { // the add's operands are the chain's value and the residual, either way round
                    for (int j = 1; j < operands[i].length; j++) operands[i][j] = offsets.get(e.in(j));
                }
                eps[i] = e.attrs().f("eps", 1e-5f);
                scaled |= e.op() == Op.BATCH_NORM;
                relu |= e.op() == Op.RELU;
                if (e.op() == Op.ADD) residual = offsets.get(e.in(0) == cur ? e.in(1) : e.in(0));
                cur = e.out();
            }
            scale = new float[channels];
            shift = new float[channels];
            kernel = new ConvEpilogue(scaled ? scale : null, shift, residual >= 0, residual - out, relu);
        }

        /** The epilogue of {@code chain} for a call writing arena offset {@code out}, or null when the chain is empty. */
        static Epilogue of(List<Node> chain, Map<Value, Integer> offsets, int channels, int out) {
            return chain.isEmpty() ? null : new Epilogue(chain, offsets, channels, out);
        }

        /** y = scale·acc + shift: starts at (1, 0) and composes each affine step with the current parameters. */
        void prepare(float[] a) {
            java.util.Arrays.fill(scale, 1f);
            java.util.Arrays.fill(shift, 0f);
            for (int i = 0; i < ops.length; i++) {
                int[] at = operands[i];
                switch (ops[i]) {
                    case BIAS_ADD -> { for (int c = 0; c < shift.length; c++) shift[c] += a[at[1] + c]; }
                    case BATCH_NORM -> { // (x, gamma, beta, mean, var): γ(y − mean)/√(var + ε) + β
                        for (int c = 0; c < shift.length; c++) {
                            float k = a[at[1] + c] * (float) (1 / Math.sqrt(a[at[4] + c] + (double) eps[i]));
                            scale[c] *= k;
                            shift[c] = (shift[c] - a[at[3] + c]) * k + a[at[2] + c];
                        }
                    }
                    default -> { } // add (the residual) and relu: the kernel's flags
                }
            }
        }

        String describe() {
            StringBuilder b = new StringBuilder();
            for (Op op : ops) b.append(b.isEmpty() ? "" : "+").append(op.text());
            return b.toString();
        }
    }

    /** One convolution node: which kernel, its geometry and arena offsets (a, b are the node's inputs). */
    static final class ConvCall extends OpCalls.Kernel implements WorkerPool.Task {
        private final Kind kind;
        private final ConvGeometry g;
        private final int a0, b0, out, threads;
        private final OpCalls.Context ctx;
        private final Epilogue epilogue; // forward only; null when none
        private final ConvEpilogue applied;
        private float[] arena; // set for the duration of a parallel run

        ConvCall(Kind kind, ConvGeometry g, int a0, int b0, int out, int threads, OpCalls.Context ctx, Epilogue epilogue) {
            this.kind = kind; this.g = g; this.a0 = a0; this.b0 = b0; this.out = out; this.threads = threads; this.ctx = ctx;
            this.epilogue = epilogue;
            this.applied = epilogue == null ? null : epilogue.kernel;
        }

        @Override public void run(float[] a) {
            if (epilogue != null) epilogue.prepare(a);
            if (threads == 1) {
                slice(a, 0, 1);
            } else {
                arena = a;
                ctx.pool.run(this, threads);
                arena = null;
            }
        }

        @Override public void run(int part, int parts) { slice(arena, part, parts); }

        private void slice(float[] a, int part, int parts) {
            float[] scratch = ctx.scratch;
            switch (kind) {
                case FORWARD -> Conv2dKernels.forward(g, a, a0, a, b0, applied, a, out, scratch, 0, part, parts);
                case INPUT_GRAD -> Conv2dKernels.inputGrad(g, a, a0, a, b0, a, out, scratch, 0, part, parts);
                case WEIGHT_GRAD -> Conv2dKernels.weightGrad(g, a, a0, a, b0, a, out, scratch, 0, part, parts);
            }
        }

        @Override String describe() {
            return switch (kind) { case FORWARD -> "conv2d"; case INPUT_GRAD -> "conv2d input grad"; case WEIGHT_GRAD -> "conv2d weight grad"; }
                    + " " + g + (threads > 1 ? " on " + threads + " threads" : "")
                    + (epilogue == null ? "" : ", epilogue " + epilogue.describe() + " on each stored tile");
        }
    }

    /**
     * Whether forward convolution {@code g} runs as one {@link GemmKernel} product: a 1×1
     * convolution without padding and with one group over a single image is exactly
     * y[o, p] = w[o, c] · x[c, pixel p] on the arena as it lies (no copy; with a stride, the packing
     * gathers every s-th pixel of every s-th row), with the GEMM's packing and cache blocking, which
     * the pixel-lane tile lacks (ResNet-50 at batch 1: 324 → 223 ms, {@code ./smok bench
     * resnet50-infer-b1 --systems smok-cpu}, old and new checkouts one after the other). With more
     * images it would be one product per image, each owning its packing buffers, so batches keep the
     * direct kernel.
     */
    static boolean pointwiseGemm(ConvGeometry g) {
        return g.n() == 1 && g.groups() == 1 && g.kh() == 1 && g.kw() == 1 && g.padH() == 0 && g.padW() == 0;
    }

    /**
     * A 1×1 convolution of one image as a {@link GemmKernel} product (see {@link #pointwiseGemm}):
     * A = the weights [o, c], B = the image [c, h·w] (its output pixels' columns only, when
     * strided), C = y [o, outH·outW]. The epilogue (per output channel, so per row of C) runs on
     * each finished block of C inside the product, on the thread that made it.
     */
    static final class PointwiseCall extends OpCalls.Kernel implements GemmKernel.BlockEpilogue {
        private final ConvGeometry g;
        private final GemmKernel gemm;
        private final Epilogue epilogue; // null when none
        private final int out, pixels;

        PointwiseCall(ConvGeometry g, int x, int w, int out, WorkerPool pool, Epilogue epilogue) {
            this.g = g;
            this.out = out;
            this.pixels = g.outH() * g.outW();
            this.epilogue = epilogue;
            int plane = g.h() * g.w();
            if (g.strideH() == 1 && g.strideW() == 1) {
                this.gemm = new GemmKernel(pool, g.o(), pixels, g.c(), w, g.c(), 1, x, plane, 1, out);
            } else {
                int[] cols = new int[pixels]; // output pixel (r, q) reads input pixel (r·sh, q·sw)
                for (int p = 0; p < pixels; p++) cols[p] = p / g.outW() * g.strideH() * g.w() + p % g.outW() * g.strideW();
                this.gemm = new GemmKernel(pool, g.o(), pixels, g.c(), w, g.c(), 1, x, plane, cols, out);
            }
            if (epilogue != null) gemm.blockEpilogue = this;
        }

        @Override public void run(float[] a) {
            if (epilogue != null) epilogue.prepare(a);
            gemm.run(a);
        }

        @Override public void apply(float[] a, int i0, int i1, int j0, int j1) {
            for (int oc = i0; oc < i1; oc++) epilogue.kernel.applyInPlace(oc, a, out + oc * pixels + j0, j1 - j0);
        }

        @Override String describe() {
            return "conv2d " + g + " as a GEMM " + g.o() + "x" + pixels + "x" + g.c()
                    + (epilogue == null ? "" : ", epilogue " + epilogue.describe() + " on each finished block");
        }
    }

    /** Whether {@code op} is one of the convolutions this class compiles. */
    static boolean isConv(Op op) { return op == Op.CONV2D || op == Op.CONV2D_INPUT_GRAD || op == Op.CONV2D_WEIGHT_GRAD; }
}
