package dev.smok.cpu;

import static org.objectweb.asm.Opcodes.*;

import dev.smok.ir.Attrs;
import dev.smok.ir.IrException;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Emits the bytecode of one fused elementwise kernel: a static method
 * {@code kN(float[] a, int r0, int r1, int c0, int c1)} looping over rows and columns of the
 * kernel's two-dimensional iteration space with Vector API calls.
 *
 * <p>Iteration space: a matmul-headed kernel iterates [M, N] (so the GEMM can call it per finished
 * stripe); a kernel whose inputs are all full-shape or single elements is flattened to
 * [1, size]; any other kernel iterates [size / last, last]. Each external input gets an access
 * pattern: its row offset is a sum of ((r / div) % mod) * stride terms with constant div, mod and
 * stride (numpy broadcasting, bias_add along axis 1), and it either varies along the columns
 * (a vector load per 16 columns) or is loaded once per row and broadcast.
 *
 * <p>Loop body: load every column-varying input, then compute each member in order with direct
 * {@code FloatVector} calls ({@link VectorOpEmitter}) on vector locals, storing materialized
 * results right after they are computed. All loads precede all stores, so a result may overwrite an input in place. Columns
 * run a vector (8 or 16 floats) at a time; the ragged tail repeats the body with a mask from
 * {@code indexInRange(c, c1)}. All shape numbers are constants in the bytecode.
 *
 * <p>A loop of fewer than {@link #SCALAR_MAX_ELEMENTS} elements, and every loop of the prologue
 * (folded weights, run once per parameter change), is emitted with scalar floats instead
 * ({@link ScalarOpEmitter}), one column at a time: it runs too rarely for HotSpot to compile it
 * with C2, and vector code in C1 or the interpreter allocates every vector on the heap (a folded
 * network's first inference paid for that on every weight it folded).
 */
final class FusedLoopEmitter {
    static final String FV = "jdk/incubator/vector/FloatVector";
    static final String FV_D = "L" + FV + ";";
    static final String SPECIES_D = "Ljdk/incubator/vector/VectorSpecies;";
    static final String MASK_D = "Ljdk/incubator/vector/VectorMask;";
    static final String VM = "dev/smok/cpu/VectorMath";
    private static final int[] NONE = {};
    private static final int[] ADAM_STEP = {3};
    /**
     * Loops over fewer elements than this are scalar. A loop of a bias or a step counter runs once
     * per step with one or two vectors' work: HotSpot compiles it with C2 only after some 15,000
     * invocations plus loop iterations, thousands of steps, and until then its C1 code boxes every
     * vector (27 float[8], 1,296 bytes per step of the MLP 784-512-512-10). From this size on a
     * loop counts enough iterations to reach C2 within a few hundred steps.
     */
    static final int SCALAR_MAX_ELEMENTS = 256;

    /** Inputs of {@code op} the loop reads once per row as scalars; they must come from outside the kernel. */
    static int[] rowInvariantInputs(Op op) { return op == Op.ADAM_UPDATE ? ADAM_STEP : NONE; }

    /** One external input: where it lives and how it is indexed. */
    static final class Access {
        final Value value;
        final int offset;
        final List<int[]> terms = new ArrayList<>(); // {div, mod (0: none), stride}
        boolean colVarying;
        int baseSlot = -1, vecSlot = -1, floatSlot = -1;

        Access(Value value, int offset) { this.value = value; this.offset = offset; }
    }

    private final KernelPlan.Fused kernel;
    private final MemoryPlan memory;
    final int rows, cols;
    private final boolean flat;
    /** Scalar floats rather than vectors: the loop is small (see {@link #SCALAR_MAX_ELEMENTS}). */
    final boolean scalar;
    private final int[] outDims;
    private final Map<Value, Access> inputs = new IdentityHashMap<>();
    private final List<Access> inputOrder = new ArrayList<>();
    private final Map<Value, Integer> vecSlot = new IdentityHashMap<>();
    private final Map<Value, Integer> outBaseSlot = new IdentityHashMap<>();
    private final Map<Node, int[]> adamSlots = new IdentityHashMap<>();
    private int nextSlot = 8;
    private int scratch;

    FusedLoopEmitter(KernelPlan.Fused kernel, MemoryPlan memory) {
        this.kernel = kernel;
        this.memory = memory;
        Shape s = kernel.shape;
        outDims = s.dims();
        if (kernel.head != null) {
            rows = s.dim(0);
            cols = s.dim(1);
            flat = false;
        } else if (s.rank() <= 1 || allFullOrScalar()) {
            rows = 1;
            cols = s.size();
            flat = true;
        } else {
            cols = s.dim(-1);
            rows = s.size() / cols;
            flat = false;
        }
        scalar = (long) rows * cols < SCALAR_MAX_ELEMENTS || kernel.hoisted;
        if (kernel.head != null) addInput(kernel.head.out(), outDims);
        for (Node n : kernel.members) {
            for (int i = 0; i < n.inputs().size(); i++) {
                Value v = n.in(i);
                if (!kernel.produces(v)) addInput(v, effectiveDims(n, i));
            }
        }
    }

    /** Input {@code i}'s dims as numpy broadcasting sees them (bias_add's bias lies along axis 1). */
    private int[] effectiveDims(Node n, int i) {
        if (n.op() == Op.BIAS_ADD && i == 1) {
            int[] d = new int[outDims.length];
            java.util.Arrays.fill(d, 1);
            d[1] = n.in(1).shape().dim(0);
            return d;
        }
        return n.in(i).shape().dims();
    }

    private boolean allFullOrScalar() {
        for (Node n : kernel.members) {
            for (int i = 0; i < n.inputs().size(); i++) {
                Value v = n.in(i);
                if (kernel.produces(v)) continue;
                if (v.shape().size() != 1 && !java.util.Arrays.equals(effectiveDims(n, i), outDims)) return false;
            }
        }
        return true;
    }

    private void addInput(Value v, int[] dims) {
        if (inputs.containsKey(v)) return;
        Integer off = memory.offsets.get(v);
        if (off == null) throw new IllegalStateException("no arena offset for " + v);
        Access acc = new Access(v, off);
        int k = outDims.length;
        int size = 1;
        for (int d : dims) size *= d;
        int[] e = new int[k];
        java.util.Arrays.fill(e, 1);
        for (int i = 0; i < dims.length; i++) e[k - dims.length + i] = dims[i];
        if (size == 1) {
            acc.colVarying = false;
        } else if (flat) {
            acc.colVarying = true;
        } else if (java.util.Arrays.equals(e, outDims)) {
            acc.colVarying = true;
            acc.terms.add(new int[] {1, 0, cols});
        } else {
            acc.colVarying = e[k - 1] != 1;
            for (int i = 0; i < k - 1; i++) {
                if (e[i] == 1) continue;
                int stride = 1, div = 1;
                for (int j = i + 1; j < k; j++) stride *= e[j];
                for (int j = i + 1; j < k - 1; j++) div *= outDims[j];
                acc.terms.add(new int[] {div, i == 0 ? 0 : outDims[i], stride});
            }
        }
        inputs.put(v, acc);
        inputOrder.add(acc);
    }

    /** Emits {@code private static void name(float[], int, int, int, int)} into {@code cw}. */
    void emit(ClassWriter cw, String name) {
        MethodVisitor mv = cw.visitMethod(ACC_PRIVATE | ACC_STATIC, name, "([FIIII)V", null, null);
        mv.visitCode();
        for (Access acc : inputOrder) {
            if (acc.colVarying) acc.baseSlot = nextSlot++;
            acc.vecSlot = nextSlot++;
            if (!acc.colVarying) acc.floatSlot = nextSlot++;
        }
        for (Node n : kernel.members) {
            vecSlot.put(n.out(), nextSlot++);
            if (kernel.materialized.contains(n.out())) outBaseSlot.put(n.out(), nextSlot++);
            if (n.op() == Op.ADAM_UPDATE) adamSlots.put(n, new int[] {nextSlot++, nextSlot++});
        }
        scratch = nextSlot;
        nextSlot += 3;
        Label rLoop = new Label(), rEnd = new Label(), cLoop = new Label(), rNext = new Label();
        mv.visitVarInsn(ILOAD, 1);
        mv.visitVarInsn(ISTORE, 5);
        mv.visitLabel(rLoop);
        mv.visitVarInsn(ILOAD, 5);
        mv.visitVarInsn(ILOAD, 2);
        mv.visitJumpInsn(IF_ICMPGE, rEnd);
        emitRowPrologue(mv);
        mv.visitVarInsn(ILOAD, 3);
        mv.visitVarInsn(ISTORE, 6);
        mv.visitLabel(cLoop);
        if (scalar) emitScalarColumns(mv, cLoop, rNext);
        else emitVectorColumns(mv, cLoop, rNext);
        mv.visitLabel(rNext);
        mv.visitIincInsn(5, 1);
        mv.visitJumpInsn(GOTO, rLoop);
        mv.visitLabel(rEnd);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Columns c0 .. c1 of a row one at a time; at {@code cLoop} local 6 is the column. */
    private void emitScalarColumns(MethodVisitor mv, Label cLoop, Label rNext) {
        mv.visitVarInsn(ILOAD, 6);
        mv.visitVarInsn(ILOAD, 4);
        mv.visitJumpInsn(IF_ICMPGE, rNext);
        emitScalarBody(mv);
        mv.visitIincInsn(6, 1);
        mv.visitJumpInsn(GOTO, cLoop);
    }

    /** Columns c0 .. c1 of a row a vector at a time, then the ragged tail under a mask (local 7). */
    private void emitVectorColumns(MethodVisitor mv, Label cLoop, Label rNext) {
        Label tail = new Label();
        mv.visitVarInsn(ILOAD, 6);
        mv.visitVarInsn(ILOAD, 4);
        push(mv, VectorMath.SPECIES.length());
        mv.visitInsn(ISUB);
        mv.visitJumpInsn(IF_ICMPGT, tail);
        emitBody(mv, false);
        mv.visitIincInsn(6, VectorMath.SPECIES.length());
        mv.visitJumpInsn(GOTO, cLoop);
        mv.visitLabel(tail);
        mv.visitVarInsn(ILOAD, 6);
        mv.visitVarInsn(ILOAD, 4);
        mv.visitJumpInsn(IF_ICMPGE, rNext);
        mv.visitFieldInsn(GETSTATIC, VM, "SPECIES", SPECIES_D);
        mv.visitVarInsn(ILOAD, 6);
        mv.visitVarInsn(ILOAD, 4);
        mv.visitMethodInsn(INVOKEINTERFACE, "jdk/incubator/vector/VectorSpecies", "indexInRange", "(II)" + MASK_D, true);
        mv.visitVarInsn(ASTORE, 7);
        emitBody(mv, true);
    }

    /** Row offsets of all inputs and outputs, scalar inputs broadcast, Adam corrections. */
    private void emitRowPrologue(MethodVisitor mv) {
        for (Access acc : inputOrder) {
            push(mv, acc.offset);
            for (int[] t : acc.terms) {
                mv.visitVarInsn(ILOAD, 5);
                if (t[0] != 1) { push(mv, t[0]); mv.visitInsn(IDIV); }
                if (t[1] != 0) { push(mv, t[1]); mv.visitInsn(IREM); }
                if (t[2] != 1) { push(mv, t[2]); mv.visitInsn(IMUL); }
                mv.visitInsn(IADD);
            }
            if (acc.colVarying) {
                mv.visitVarInsn(ISTORE, acc.baseSlot);
            } else {
                // scalar per row: a[base], kept as a float and as a broadcast vector
                mv.visitVarInsn(ISTORE, acc.vecSlot);
                mv.visitVarInsn(ALOAD, 0);
                mv.visitVarInsn(ILOAD, acc.vecSlot);
                mv.visitInsn(FALOAD);
                mv.visitVarInsn(FSTORE, acc.floatSlot);
                if (scalar) continue;
                mv.visitFieldInsn(GETSTATIC, VM, "SPECIES", SPECIES_D);
                mv.visitVarInsn(FLOAD, acc.floatSlot);
                mv.visitMethodInsn(INVOKESTATIC, FV, "broadcast", "(" + SPECIES_D + "F)" + FV_D, false);
                mv.visitVarInsn(ASTORE, acc.vecSlot);
            }
        }
        for (var e : outBaseSlot.entrySet()) {
            push(mv, memory.offsets.get(e.getKey()));
            if (!flat) {
                mv.visitVarInsn(ILOAD, 5);
                push(mv, cols);
                mv.visitInsn(IMUL);
                mv.visitInsn(IADD);
            }
            mv.visitVarInsn(ISTORE, e.getValue());
        }
        for (var e : adamSlots.entrySet()) {
            Node n = e.getKey();
            Access step = inputs.get(n.in(3));
            if (step == null || step.colVarying) {
                throw new IrException("adam_update: the step counter must be a single-element tensor (got " + n.in(3).shape().pretty() + ")");
            }
            Attrs a = n.attrs();
            for (int j = 0; j < 2; j++) {
                mv.visitLdcInsn(a.f(j == 0 ? "beta1" : "beta2"));
                mv.visitVarInsn(FLOAD, step.floatSlot);
                mv.visitMethodInsn(INVOKESTATIC, VM, "adamInverseCorrection", "(FF)F", false);
                mv.visitVarInsn(FSTORE, e.getValue()[j]);
            }
        }
    }

    private void emitBody(MethodVisitor mv, boolean masked) {
        for (Access acc : inputOrder) {
            if (!acc.colVarying) continue;
            mv.visitFieldInsn(GETSTATIC, VM, "SPECIES", SPECIES_D);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ILOAD, acc.baseSlot);
            mv.visitVarInsn(ILOAD, 6);
            mv.visitInsn(IADD);
            if (masked) {
                mv.visitVarInsn(ALOAD, 7);
                mv.visitMethodInsn(INVOKESTATIC, FV, "fromArray", "(" + SPECIES_D + "[FI" + MASK_D + ")" + FV_D, false);
            } else {
                mv.visitMethodInsn(INVOKESTATIC, FV, "fromArray", "(" + SPECIES_D + "[FI)" + FV_D, false);
            }
            mv.visitVarInsn(ASTORE, acc.vecSlot);
        }
        for (Node n : kernel.members) {
            emitOp(mv, n);
            int slot = vecSlot.get(n.out());
            mv.visitVarInsn(ASTORE, slot);
            Integer ob = outBaseSlot.get(n.out());
            if (ob != null) {
                mv.visitVarInsn(ALOAD, slot);
                mv.visitVarInsn(ALOAD, 0);
                mv.visitVarInsn(ILOAD, ob);
                mv.visitVarInsn(ILOAD, 6);
                mv.visitInsn(IADD);
                if (masked) {
                    mv.visitVarInsn(ALOAD, 7);
                    mv.visitMethodInsn(INVOKEVIRTUAL, FV, "intoArray", "([FI" + MASK_D + ")V", false);
                } else {
                    mv.visitMethodInsn(INVOKEVIRTUAL, FV, "intoArray", "([FI)V", false);
                }
            }
        }
    }

    /** One column of the loop in scalar floats: the vector slots hold floats. */
    private void emitScalarBody(MethodVisitor mv) {
        for (Access acc : inputOrder) {
            if (!acc.colVarying) continue;
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ILOAD, acc.baseSlot);
            mv.visitVarInsn(ILOAD, 6);
            mv.visitInsn(IADD);
            mv.visitInsn(FALOAD);
            mv.visitVarInsn(FSTORE, acc.vecSlot);
        }
        for (Node n : kernel.members) {
            for (Value v : n.inputs()) {
                Integer slot = vecSlot.get(v);
                Access acc = inputs.get(v);
                mv.visitVarInsn(FLOAD, slot != null ? slot : acc.colVarying ? acc.vecSlot : acc.floatSlot);
            }
            int[] adam = adamSlots.get(n);
            new ScalarOpEmitter(mv).emit(n, adam == null ? -1 : adam[0], adam == null ? -1 : adam[1]);
            int slot = vecSlot.get(n.out());
            mv.visitVarInsn(FSTORE, slot);
            Integer ob = outBaseSlot.get(n.out());
            if (ob != null) {
                mv.visitVarInsn(ALOAD, 0);
                mv.visitVarInsn(ILOAD, ob);
                mv.visitVarInsn(ILOAD, 6);
                mv.visitInsn(IADD);
                mv.visitVarInsn(FLOAD, slot);
                mv.visitInsn(FASTORE);
            }
        }
    }

    private void loadVec(MethodVisitor mv, Value v) {
        Integer slot = vecSlot.get(v);
        if (slot == null) slot = inputs.get(v).vecSlot;
        mv.visitVarInsn(ALOAD, slot);
    }

    /** Leaves the member's vector on the stack. */
    private void emitOp(MethodVisitor mv, Node n) {
        for (Value v : n.inputs()) loadVec(mv, v);
        int[] adam = adamSlots.get(n);
        new VectorOpEmitter(mv, scratch, scratch + 1, scratch + 2).emit(n, adam == null ? -1 : adam[0], adam == null ? -1 : adam[1]);
    }

    static void push(MethodVisitor mv, int v) {
        if (v >= -1 && v <= 5) mv.visitInsn(ICONST_0 + v);
        else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) mv.visitIntInsn(BIPUSH, v);
        else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) mv.visitIntInsn(SIPUSH, v);
        else mv.visitLdcInsn(v);
    }

    /** One line for the kernel plan dump. */
    String describe() {
        StringBuilder b = new StringBuilder("space [" + rows + "," + cols + "]" + (flat ? " flat" : "") + (scalar ? " scalar" : ""));
        for (Access acc : inputOrder) {
            b.append("\n      in ").append(acc.value.ref()).append(" @").append(acc.offset)
                    .append(acc.colVarying ? " vector" : " scalar/row");
            for (int[] t : acc.terms) b.append(" +((r/").append(t[0]).append(")%").append(t[1] == 0 ? "-" : t[1]).append(")*").append(t[2]);
        }
        return b.toString();
    }
}
