package dev.smok.cpu;

import dev.smok.cpu.conv.Conv2dKernels;
import dev.smok.cpu.conv.ConvGeometry;
import dev.smok.ir.ConvArithmetic;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;

/**
 * Calls of the convolution kernels of {@link Conv2dKernels} from the generated schedule:
 * conv2d (x, w), conv2d_input_grad (g, w) and conv2d_weight_grad (x, g), all NCHW.
 *
 * <p>Each node becomes one {@link ConvCall} with a constant {@link ConvGeometry}. The bias is a
 * separate bias_add in the IR, so the forward runs without one (an epilogue could fuse it later).
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

    static OpCalls.Kernel create(Node n, int[] in, int out, OpCalls.Context ctx) {
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
        int threads = g.macs() >= PARALLEL_MACS ? ctx.pool.threads() : 1;
        ctx.reserve(threads * Conv2dKernels.scratchPerThread(g));
        return new ConvCall(kind, g, in[0], in[1], out, threads, ctx);
    }

    /** One convolution node: which kernel, its geometry and arena offsets (a, b are the node's inputs). */
    static final class ConvCall extends OpCalls.Kernel implements WorkerPool.Task {
        private final Kind kind;
        private final ConvGeometry g;
        private final int a0, b0, out, threads;
        private final OpCalls.Context ctx;
        private float[] arena; // set for the duration of a parallel run

        ConvCall(Kind kind, ConvGeometry g, int a0, int b0, int out, int threads, OpCalls.Context ctx) {
            this.kind = kind; this.g = g; this.a0 = a0; this.b0 = b0; this.out = out; this.threads = threads; this.ctx = ctx;
        }

        @Override public void run(float[] a) {
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
                case FORWARD -> Conv2dKernels.forward(g, a, a0, a, b0, null, 0, a, out, scratch, 0, part, parts);
                case INPUT_GRAD -> Conv2dKernels.inputGrad(g, a, a0, a, b0, a, out, scratch, 0, part, parts);
                case WEIGHT_GRAD -> Conv2dKernels.weightGrad(g, a, a0, a, b0, a, out, scratch, 0, part, parts);
            }
        }

        @Override String describe() {
            return switch (kind) { case FORWARD -> "conv2d"; case INPUT_GRAD -> "conv2d input grad"; case WEIGHT_GRAD -> "conv2d weight grad"; }
                    + " " + g + (threads > 1 ? " on " + threads + " threads" : "");
        }
    }

    /** Whether {@code op} is one of the convolutions this class compiles. */
    static boolean isConv(Op op) { return op == Op.CONV2D || op == Op.CONV2D_INPUT_GRAD || op == Op.CONV2D_WEIGHT_GRAD; }
}
