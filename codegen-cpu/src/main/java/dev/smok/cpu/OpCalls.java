package dev.smok.cpu;

import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The ops the schedule runs through a <em>kernel object</em>: convolution and its gradients,
 * pooling, batch norm, dropout, LRN, concat / slice / pad / transpose, CTC and scan.
 *
 * <p>Design: at compile time {@link #create} turns a node into an instance of a small final
 * {@link Kernel} class whose fields hold everything constant about the node (arena offsets,
 * geometry, attributes, scratch and thread split). The schedule keeps the instance in a static
 * final field of the generated class and emits {@code getstatic; aload a; invokevirtual run}, so
 * C2 sees a constant receiver and inlines the kernel with constant fields. Nothing is allocated
 * per run: scratch memory is one array per executable ({@link Context#scratch}), sized at compile
 * time to the largest request, and multi-threaded kernels implement {@link WorkerPool.Task}
 * themselves instead of capturing lambdas.
 *
 * <p>{@link KernelPlan} and {@link ScheduleEmitter} consult {@link #handles} first, so ops whose
 * fusion kind says otherwise (conv2d is OUT_ELEMENTWISE_FUSABLE, dropout ELEMENTWISE, batch_norm
 * BROADCAST) become calls here rather than fused-loop members; their elementwise consumers form
 * their own fused loop.
 */
final class OpCalls {
    private OpCalls() {}

    /** Ops always run by a kernel object. */
    static final Set<Op> OPS = EnumSet.of(Op.CONV2D, Op.CONV2D_INPUT_GRAD, Op.CONV2D_WEIGHT_GRAD,
            Op.MAX_POOL, Op.MAX_POOL_GRAD, Op.AVG_POOL, Op.AVG_POOL_GRAD, Op.GLOBAL_AVG_POOL,
            Op.CONCAT, Op.SLICE, Op.PAD, Op.TRANSPOSE, Op.DROPOUT,
            Op.BATCH_NORM, Op.BATCH_NORM_TRAIN, Op.BATCH_NORM_INPUT_GRAD, Op.BATCH_NORM_GAMMA_GRAD,
            Op.LRN, Op.LRN_GRAD, Op.CTC_LOSS, Op.CTC_GRAD, Op.SCAN);

    /** A compiled call: everything about the node is in final fields; {@code run} computes it over the arena. */
    abstract static class Kernel {
        public abstract void run(float[] a);

        /** One line for the kernel plan. */
        abstract String describe();
    }

    /**
     * A kernel over {@code items} independent items (planes, channels) that splits them over the
     * executable's worker pool when given a context, else runs them all on the calling thread.
     */
    abstract static class SplitKernel extends Kernel implements WorkerPool.Task {
        private final int items;
        /** The pool's context, or null: one thread. */
        final Context ctx;
        private float[] arena; // while the pool runs the parts

        SplitKernel(int items, Context ctx) { this.items = items; this.ctx = ctx; }

        /** Computes items [from, to) over {@code a} as part {@code part} (0 on one thread; below the pool's thread count). */
        abstract void items(float[] a, int from, int to, int part);

        /** Parts a run can have at once: per-part scratch is sized by it. */
        int maxParts() { return ctx == null ? 1 : ctx.pool.threads(); }

        @Override public final void run(float[] a) {
            if (ctx == null) {
                items(a, 0, items, 0);
            } else {
                arena = a;
                ctx.pool.run(this, ctx.pool.threads());
                arena = null;
            }
        }

        @Override public final void run(int part, int parts) {
            items(arena, (int) ((long) items * part / parts), (int) ((long) items * (part + 1) / parts), part);
        }
    }

    /** What the kernels of one executable share: its worker pool and one scratch array. */
    static final class Context {
        final WorkerPool pool;
        /** Scratch shared by all kernels of the executable (they run one at a time); grown at compile time only. */
        float[] scratch = new float[0];

        Context(WorkerPool pool) { this.pool = pool; }

        /** Makes {@link #scratch} hold at least {@code floats}. */
        void reserve(int floats) {
            if (scratch.length < floats) scratch = new float[floats];
        }
    }

    /** Whether {@code n} is run by a kernel object of this class rather than a fused loop or a built-in call. */
    static boolean handles(Node n) {
        if (OPS.contains(n.op())) return true;
        // bias gradient of a convolution: the sum over N, H, W of an NCHW tensor
        return n.op() == Op.REDUCE_SUM && channelSumShape(n) != null;
    }

    /** {n, c, inner} when {@code n} reduces [N,C,...] (rank >= 3) to [C] keeping nothing else, else null. */
    static int[] channelSumShape(Node n) {
        Shape xs = n.in(0).shape();
        if (xs.rank() < 3 || n.attrs().b("keepdims", false)) return null;
        int[] axes = xs.normalizeAxes(n.attrs().ints("axes"));
        if (axes.length != xs.rank() - 1) return null;
        java.util.Arrays.sort(axes);
        if (axes[0] != 0) return null;
        for (int i = 1; i < axes.length; i++) if (axes[i] != i + 1) return null;
        return new int[] {xs.dim(0), xs.dim(1), xs.size(2, xs.rank())};
    }

    /** The kernel object computing {@code n} over an arena laid out by {@code offsets}. */
    static Kernel create(Node n, Map<Value, Integer> offsets, Context ctx) {
        int out = offsets.get(n.out());
        int[] in = new int[n.inputs().size()];
        for (int i = 0; i < in.length; i++) in[i] = offsets.get(n.in(i));
        return switch (n.op()) {
            case CONV2D, CONV2D_INPUT_GRAD, CONV2D_WEIGHT_GRAD -> ConvCalls.create(n, in, out, ctx);
            case MAX_POOL, MAX_POOL_GRAD, AVG_POOL, AVG_POOL_GRAD, GLOBAL_AVG_POOL -> PoolKernels.create(n, in, out, ctx);
            case CONCAT, SLICE, PAD, TRANSPOSE -> LayoutKernels.create(n, in, out);
            case DROPOUT, BATCH_NORM, BATCH_NORM_TRAIN, BATCH_NORM_INPUT_GRAD, BATCH_NORM_GAMMA_GRAD, LRN, LRN_GRAD, REDUCE_SUM ->
                    NormCalls.create(n, in, out, ctx);
            case CTC_LOSS, CTC_GRAD -> CtcKernel.create(n, in, out);
            case SCAN -> ScanCall.create(n, offsets, ctx);
            default -> throw new dev.smok.ir.IrException("cpu backend cannot compile op '" + n.op().text() + "'");
        };
    }
}
