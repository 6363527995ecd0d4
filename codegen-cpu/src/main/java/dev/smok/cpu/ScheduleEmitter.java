package dev.smok.cpu;

import static org.objectweb.asm.Opcodes.*;

import dev.smok.ir.IrException;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

import java.util.ArrayList;
import java.util.List;

/**
 * Emits the one class that drives an executable's schedule, {@code GeneratedSchedule implements
 * Program}:
 * <ul>
 *   <li>{@code prepare(float[] a)}: the prologue's steps ({@link KernelPlan}'s hoisted steps: values
 *       computed from parameters and states alone, such as folded weights), emitted like run's.</li>
 *   <li>{@code run(float[] a)}: straight-line code, one call per step, every offset and extent a
 *       constant: {@code GemmKernel.run} for products, a direct {@code invokestatic} of the fused
 *       loop (or {@code FusedTask.run} when it is split over threads), static kernel routines for
 *       reductions, softmax and losses, and {@code System.arraycopy} for final copies.</li>
 *   <li>{@code fused(id, ...)}: a tableswitch onto the private static fused loops (see
 *       {@link FusedLoopEmitter}), used by workers and GEMM epilogues.</li>
 *   <li>Kernel objects (GEMMs, fused tasks, index-map kernels) arrive as the hidden class's class
 *       data and sit in static final fields, which C2 treats as constants.</li>
 * </ul>
 */
final class ScheduleEmitter {
    static final String NAME = "dev/smok/cpu/GeneratedSchedule";

    /** The emitted class and everything it needs at definition time. */
    record Emitted(byte[] bytes, Object[] classData, List<GemmKernel> gemms, List<FusedTask> tasks, String plan) {}

    private final KernelPlan kp;
    private final MemoryPlan mp;
    private final WorkerPool pool;
    private final List<Object> data = new ArrayList<>();
    private final List<GemmKernel> gemms = new ArrayList<>();
    private final List<FusedTask> tasks = new ArrayList<>();
    private final StringBuilder plan = new StringBuilder();
    private final OpCalls.Context calls;

    ScheduleEmitter(KernelPlan kp, MemoryPlan mp, WorkerPool pool) {
        this.kp = kp;
        this.mp = mp;
        this.pool = pool;
        this.calls = new OpCalls.Context(pool);
    }

    Emitted emit() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override protected String getCommonSuperClass(String a, String b) { return "java/lang/Object"; }
        };
        cw.visit(V25, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, NAME, null, "java/lang/Object", new String[] {"dev/smok/cpu/Program"});
        MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        List<FusedLoopEmitter> loops = new ArrayList<>();
        MethodVisitor prepare = cw.visitMethod(ACC_PUBLIC, "prepare", "([F)V", null, null);
        prepare.visitCode();
        MethodVisitor run = cw.visitMethod(ACC_PUBLIC, "run", "([F)V", null, null);
        run.visitCode();
        for (KernelPlan.Step s : kp.steps) {
            plan.append("kernel ").append(s.index).append(s.hoisted ? " (prologue)" : "").append(": ");
            MethodVisitor mv = s.hoisted ? prepare : run;
            switch (s) {
                case KernelPlan.Fused f -> {
                    FusedLoopEmitter fe = new FusedLoopEmitter(f, mp);
                    loops.add(fe);
                    fe.emit(cw, "k" + f.fusedId);
                    emitFusedStep(mv, f, fe);
                }
                case KernelPlan.Call c -> {
                    plan.append("call ").append(c.name()).append(" -> ").append(c.last().out().ref())
                            .append(" @").append(mp.offsets.get(c.last().out()));
                    emitCall(mv, c);
                }
                case KernelPlan.View v -> plan.append("view ").append(v.node.out().ref()).append(" = reshape of ")
                        .append(v.node.in(0).ref()).append(" @").append(mp.offsets.get(v.node.out()));
            }
            plan.append('\n');
            for (Node n : KernelPlan.nodesOf(s)) plan.append("    | ").append(irLine(n)).append('\n');
        }
        for (MemoryPlan.Copy c : mp.finalCopies) {
            run.visitVarInsn(ALOAD, 1);
            FusedLoopEmitter.push(run, c.from());
            run.visitVarInsn(ALOAD, 1);
            FusedLoopEmitter.push(run, c.to());
            FusedLoopEmitter.push(run, c.length());
            run.visitMethodInsn(INVOKESTATIC, "java/lang/System", "arraycopy", "(Ljava/lang/Object;ILjava/lang/Object;II)V", false);
            plan.append("copy ").append(c.length()).append(" floats @").append(c.from()).append(" -> @").append(c.to())
                    .append(" (").append(c.what()).append(")\n");
        }
        for (MethodVisitor mv : new MethodVisitor[] {prepare, run}) {
            mv.visitInsn(RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
        emitDispatch(cw, loops.size());
        emitDataFields(cw);
        cw.visitEnd();
        return new Emitted(cw.toByteArray(), data.toArray(), gemms, tasks, plan.toString());
    }

    private void emitFusedStep(MethodVisitor mv, KernelPlan.Fused f, FusedLoopEmitter fe) {
        StringBuilder members = new StringBuilder();
        for (Node n : f.members) {
            members.append(members.isEmpty() ? "" : ", ").append(n.op().text()).append(' ').append(n.out().ref());
            if (f.materialized.contains(n.out())) members.append(" @").append(mp.offsets.get(n.out()));
        }
        if (f.head != null) {
            Node h = f.head;
            Shape as = h.in(0).shape(), bs = h.in(1).shape();
            boolean ta = h.attrs().b("trans_a", false), tb = h.attrs().b("trans_b", false);
            int m = h.out().shape().dim(0), n = h.out().shape().dim(1), k = ta ? as.dim(0) : as.dim(1);
            GemmKernel g = new GemmKernel(pool, m, n, k,
                    mp.offsets.get(h.in(0)), ta ? 1 : as.dim(1), ta ? as.dim(1) : 1,
                    mp.offsets.get(h.in(1)), tb ? 1 : bs.dim(1), tb ? bs.dim(1) : 1,
                    mp.offsets.get(h.out()));
            if (!f.members.isEmpty()) gemms.add(g);
            int field = addData(g);
            getData(mv, field, GemmKernel.class);
            mv.visitVarInsn(ALOAD, 1);
            mv.visitMethodInsn(INVOKEVIRTUAL, Type.getInternalName(GemmKernel.class), "run", "([F)V", false);
            plan.append("gemm ").append(m).append('x').append(n).append('x').append(k)
                    .append(ta ? " trans_a" : "").append(tb ? " trans_b" : "").append(g.gemv ? " gemv" : g.pack ? " packed-B" : " B-panel-by-panel")
                    .append(" -> ").append(h.out().ref()).append(" @").append(mp.offsets.get(h.out()));
            if (!f.members.isEmpty()) plan.append("\n    epilogue k").append(f.fusedId).append(": ").append(members)
                    .append("\n      ").append(fe.describe());
            g.epilogueId = f.members.isEmpty() ? -1 : f.fusedId;
            return;
        }
        FusedTask t = new FusedTask(pool, f.fusedId, fe.rows, fe.cols);
        tasks.add(t);
        plan.append("fused k").append(f.fusedId).append(": ").append(members).append("\n      ").append(fe.describe());
        if (t.parallel()) {
            int field = addData(t);
            getData(mv, field, FusedTask.class);
            mv.visitVarInsn(ALOAD, 1);
            mv.visitMethodInsn(INVOKEVIRTUAL, Type.getInternalName(FusedTask.class), "run", "([F)V", false);
            plan.append(" parallel");
        } else {
            mv.visitVarInsn(ALOAD, 1);
            FusedLoopEmitter.push(mv, 0);
            FusedLoopEmitter.push(mv, fe.rows);
            FusedLoopEmitter.push(mv, 0);
            FusedLoopEmitter.push(mv, fe.cols);
            mv.visitMethodInsn(INVOKESTATIC, NAME, "k" + f.fusedId, "([FIIII)V", false);
        }
    }

    private void emitCall(MethodVisitor mv, KernelPlan.Call c) {
        Node n = c.node;
        if (OpCalls.handles(n)) {
            OpCalls.Kernel k = c.epilogue.isEmpty() ? OpCalls.create(n, mp.offsets, calls) : ConvCalls.create(c, mp.offsets, calls);
            getData(mv, addData(k), k.getClass());
            mv.visitVarInsn(ALOAD, 1);
            mv.visitMethodInsn(INVOKEVIRTUAL, Type.getInternalName(k.getClass()), "run", "([F)V", false);
            plan.append(" [").append(k.describe()).append(']');
            return;
        }
        Shape os = n.out().shape();
        int out = mp.offsets.get(n.out());
        int[] in = new int[n.inputs().size()];
        for (int i = 0; i < in.length; i++) in[i] = mp.offsets.get(n.in(i));
        String red = "dev/smok/cpu/Reductions", loss = "dev/smok/cpu/LossKernels";
        switch (n.op()) {
            case SOFTMAX, LOG_SOFTMAX -> staticCall(mv, red, "softmax", "([FIIIIZ)V",
                    in[0], out, os.size() / os.dim(-1), os.dim(-1), n.op() == Op.LOG_SOFTMAX ? 1 : 0);
            case SOFTMAX_GRAD, LOG_SOFTMAX_GRAD -> staticCall(mv, red, "softmaxGrad", "([FIIIIIZ)V",
                    in[0], in[1], out, os.size() / os.dim(-1), os.dim(-1), n.op() == Op.LOG_SOFTMAX_GRAD ? 1 : 0);
            case REDUCE_SUM, REDUCE_MEAN, REDUCE_MAX, REDUCE_MAX_GRAD -> {
                Shape xs = n.in(0).shape();
                int[] axes = xs.normalizeAxes(n.attrs().ints("axes"));
                int[] omi = contiguous(xs, axes);
                boolean grad = n.op() == Op.REDUCE_MAX_GRAD;
                int mode = switch (n.op()) { case REDUCE_SUM -> 0; case REDUCE_MEAN -> 1; default -> 2; };
                if (omi != null && grad) {
                    staticCall(mv, red, "reduceMaxGrad", "([FIIIIIII)V", in[0], in[1], in[2], out, omi[0], omi[1], omi[2]);
                } else if (omi != null) {
                    staticCall(mv, red, "reduce", "([FIIIIII)V", in[0], out, omi[0], omi[1], omi[2], mode);
                } else {
                    boolean[] reduced = new boolean[xs.rank()];
                    for (int ax : axes) reduced[ax] = true;
                    IndexedKernels.Kind kind = grad ? IndexedKernels.Kind.REDUCE_MAX_GRAD
                            : IndexedKernels.Kind.values()[mode];
                    int outSize = grad ? n.in(1).shape().size() : os.size();
                    indexed(mv, new IndexedKernels(kind, IndexedKernels.reduceMap(xs.dims(), reduced), in[0], out,
                            grad ? in[1] : 0, grad ? in[2] : 0, outSize));
                }
            }
            case ONE_HOT -> staticCall(mv, loss, "oneHot", "([FIIII)V", in[0], out, os.dim(0), os.dim(1));
            case MSE_LOSS -> staticCall(mv, loss, "mse", "([FIIII)V", in[0], in[1], out, n.in(0).shape().size());
            case BCE_LOSS -> staticCall(mv, loss, "bce", "([FIIII)V", in[0], in[1], out, n.in(0).shape().size());
            case SOFTMAX_XENT -> staticCall(mv, loss, "softmaxXent", "([FIIIII)V",
                    in[0], in[1], out, n.in(0).shape().dim(0), n.in(0).shape().dim(1));
            case SOFTMAX_XENT_GRAD -> staticCall(mv, loss, "softmaxXentGrad", "([FIIIIII)V",
                    in[0], in[1], in[2], out, os.dim(0), os.dim(1));
            default -> throw new IrException("cpu backend cannot compile op '" + n.op().text() + "' (no kernel for its fusion kind "
                    + n.op().kind() + ")");
        }
    }

    /** The node in IR text form, with the graph builder's value ids (as {@code Value.ref()}). */
    static String irLine(Node n) {
        StringBuilder b = new StringBuilder(n.out().ref()).append(": ").append(n.out().dtype().text()).append(n.out().shape())
                .append(" = ").append(n.op().text()).append('(');
        for (int i = 0; i < n.inputs().size(); i++) b.append(i > 0 ? ", " : "").append(n.in(i).ref());
        b.append(')');
        String attrs = n.attrs().toString();
        return attrs.isEmpty() ? b.toString() : b.append(' ').append(attrs).toString();
    }

    /** {outer, mid, inner} when {@code axes} are contiguous, else null. */
    private static int[] contiguous(Shape s, int[] axes) {
        if (axes.length == 0) return new int[] {s.size(), 1, 1};
        for (int i = 1; i < axes.length; i++) if (axes[i] != axes[i - 1] + 1) return null;
        int lo = axes[0], hi = axes[axes.length - 1] + 1;
        return new int[] {s.size(0, lo), s.size(lo, hi), s.size(hi, s.rank())};
    }

    private void indexed(MethodVisitor mv, IndexedKernels k) {
        int field = addData(k);
        getData(mv, field, IndexedKernels.class);
        mv.visitVarInsn(ALOAD, 1);
        mv.visitMethodInsn(INVOKEVIRTUAL, Type.getInternalName(IndexedKernels.class), "run", "([F)V", false);
    }

    private static void staticCall(MethodVisitor mv, String owner, String name, String desc, int... args) {
        mv.visitVarInsn(ALOAD, 1);
        Type[] types = Type.getArgumentTypes(desc);
        for (int i = 0; i < args.length; i++) {
            if (types[i + 1] == Type.BOOLEAN_TYPE) mv.visitInsn(args[i] != 0 ? ICONST_1 : ICONST_0);
            else FusedLoopEmitter.push(mv, args[i]);
        }
        mv.visitMethodInsn(INVOKESTATIC, owner, name, desc, false);
    }

    private int addData(Object o) {
        data.add(o);
        return data.size() - 1;
    }

    private static void getData(MethodVisitor mv, int field, Class<?> type) {
        mv.visitFieldInsn(GETSTATIC, NAME, "D" + field, Type.getDescriptor(type));
    }

    private void emitDispatch(ClassWriter cw, int count) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "fused", "(I[FIIII)V", null, null);
        mv.visitCode();
        Label dflt = new Label();
        Label[] cases = new Label[count];
        for (int i = 0; i < count; i++) cases[i] = new Label();
        if (count > 0) {
            mv.visitVarInsn(ILOAD, 1);
            mv.visitTableSwitchInsn(0, count - 1, dflt, cases);
            for (int i = 0; i < count; i++) {
                mv.visitLabel(cases[i]);
                mv.visitVarInsn(ALOAD, 2);
                for (int j = 3; j <= 6; j++) mv.visitVarInsn(ILOAD, j);
                mv.visitMethodInsn(INVOKESTATIC, NAME, "k" + i, "([FIIII)V", false);
                mv.visitInsn(RETURN);
            }
        }
        mv.visitLabel(dflt);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void emitDataFields(ClassWriter cw) {
        for (int i = 0; i < data.size(); i++) {
            cw.visitField(ACC_STATIC | ACC_FINAL | ACC_PRIVATE, "D" + i, Type.getDescriptor(data.get(i).getClass()), null, null).visitEnd();
        }
        MethodVisitor mv = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
        mv.visitCode();
        if (!data.isEmpty()) {
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup", "()Ljava/lang/invoke/MethodHandles$Lookup;", false);
            mv.visitLdcInsn("_");
            mv.visitLdcInsn(Type.getType("[Ljava/lang/Object;"));
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/invoke/MethodHandles", "classData",
                    "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;", false);
            mv.visitTypeInsn(CHECKCAST, "[Ljava/lang/Object;");
            mv.visitVarInsn(ASTORE, 0);
            for (int i = 0; i < data.size(); i++) {
                mv.visitVarInsn(ALOAD, 0);
                FusedLoopEmitter.push(mv, i);
                mv.visitInsn(AALOAD);
                mv.visitTypeInsn(CHECKCAST, Type.getInternalName(data.get(i).getClass()));
                mv.visitFieldInsn(PUTSTATIC, NAME, "D" + i, Type.getDescriptor(data.get(i).getClass()));
            }
        }
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }
}
