package dev.smok.cpu;

import static org.objectweb.asm.Opcodes.*;

import dev.smok.ir.Attrs;
import dev.smok.ir.IrException;
import dev.smok.ir.Node;

import org.objectweb.asm.MethodVisitor;

/**
 * Emits the lane-wise arithmetic of one elementwise op as direct {@code FloatVector} calls. The
 * op's input vectors are on the operand stack (first input deepest); the emitted code leaves the
 * result vector there. Only JDK Vector API methods are called (they are all force-inlined), so
 * C2 never sees a vector cross a call it might not inline, and never boxes one. Three scratch
 * locals hold operands that are used twice. Semantics match the reference interpreter.
 */
final class VectorOpEmitter {
    private static final String FV = FusedLoopEmitter.FV, FV_D = FusedLoopEmitter.FV_D;
    private static final String V_D = "Ljdk/incubator/vector/Vector;";
    private static final String OPS = "jdk/incubator/vector/VectorOperators";

    private final MethodVisitor mv;
    private final int s1, s2, s3;

    VectorOpEmitter(MethodVisitor mv, int s1, int s2, int s3) {
        this.mv = mv;
        this.s1 = s1;
        this.s2 = s2;
        this.s3 = s3;
    }

    /**
     * Emits {@code n}'s arithmetic; {@code ic1Slot}/{@code ic2Slot} hold Adam's per-row inverse
     * bias corrections (float locals), unused for other ops.
     */
    void emit(Node n, int ic1Slot, int ic2Slot) {
        Attrs a = n.attrs();
        switch (n.op()) {
            case CONSTANT -> {
                mv.visitFieldInsn(GETSTATIC, FusedLoopEmitter.VM, "SPECIES", FusedLoopEmitter.SPECIES_D);
                mv.visitLdcInsn(a.f("value"));
                mv.visitMethodInsn(INVOKESTATIC, FV, "broadcast", "(" + FusedLoopEmitter.SPECIES_D + "F)" + FV_D, false);
            }
            case IDENTITY, BROADCAST_TO -> { }
            case NEG -> neg();
            case EXP -> unary("EXP");
            case LOG -> unary("LOG");
            case SQRT -> unary("SQRT");
            case TANH -> unary("TANH");
            case RELU -> { f(0f); vf("max"); }
            case SCALE -> { f(a.f("alpha")); vf("mul"); f(a.f("beta", 0f)); vf("add"); }
            case SIGMOID -> {
                // 1 / (1 + exp(-x))
                neg(); unary("EXP"); f(1f); vf("add");
                mv.visitInsn(DUP); f(1f);
                mv.visitMethodInsn(INVOKEVIRTUAL, FV, "broadcast", "(F)" + FV_D, false);
                mv.visitInsn(SWAP); vv("div");
            }
            case ADD, BIAS_ADD -> vv("add");
            case SUB -> vv("sub");
            case MUL -> vv("mul");
            case DIV -> vv("div");
            case RELU_GRAD -> {
                // (y, g): y > 0 ? g : 0
                mv.visitVarInsn(ASTORE, s2); mv.visitVarInsn(ASTORE, s1);
                mv.visitVarInsn(ALOAD, s2);
                mv.visitFieldInsn(GETSTATIC, OPS, "LE", "L" + OPS + "$Comparison;");
                mv.visitVarInsn(ALOAD, s1);
                mv.visitInsn(SWAP);
                f(0f);
                mv.visitMethodInsn(INVOKEVIRTUAL, FV, "compare", "(L" + OPS + "$Comparison;F)" + FusedLoopEmitter.MASK_D, false);
                mv.visitVarInsn(ASTORE, s3);
                f(0f);
                mv.visitVarInsn(ALOAD, s3);
                mv.visitMethodInsn(INVOKEVIRTUAL, FV, "blend", "(F" + FusedLoopEmitter.MASK_D + ")" + FV_D, false);
            }
            case SIGMOID_GRAD -> {
                // (y, g): g * y * (1 - y)
                mv.visitVarInsn(ASTORE, s2); mv.visitVarInsn(ASTORE, s1);
                mv.visitVarInsn(ALOAD, s2); mv.visitVarInsn(ALOAD, s1); vv("mul");
                mv.visitVarInsn(ALOAD, s1); neg(); f(1f); vf("add"); vv("mul");
            }
            case TANH_GRAD -> {
                // (y, g): g * (1 - y*y)
                mv.visitVarInsn(ASTORE, s2); mv.visitVarInsn(ASTORE, s1);
                mv.visitVarInsn(ALOAD, s2);
                mv.visitVarInsn(ALOAD, s1); mv.visitVarInsn(ALOAD, s1); vv("mul"); neg(); f(1f); vf("add");
                vv("mul");
            }
            case MSE_GRAD -> {
                // (p, t, g): (p - t) * g * 2/size
                mv.visitVarInsn(ASTORE, s3);
                vv("sub"); mv.visitVarInsn(ALOAD, s3); vv("mul"); f(2f / n.out().shape().size()); vf("mul");
            }
            case BCE_GRAD -> {
                // (p, t, g): q = clamp(p); (q - t) / (q (1 - q)) * g / size
                mv.visitVarInsn(ASTORE, s3); mv.visitVarInsn(ASTORE, s2);
                f(VectorMath.BCE_EPS); vf("max"); f(1f - VectorMath.BCE_EPS); vf("min");
                mv.visitVarInsn(ASTORE, s1);
                mv.visitVarInsn(ALOAD, s1); mv.visitVarInsn(ALOAD, s2); vv("sub");
                mv.visitVarInsn(ALOAD, s1); mv.visitVarInsn(ALOAD, s1); neg(); f(1f); vf("add"); vv("mul");
                vv("div");
                mv.visitVarInsn(ALOAD, s3); vv("mul"); f(1f / n.out().shape().size()); vf("mul");
            }
            case SGD_UPDATE -> {
                // (p, g): p - lr * (g + wd * p)
                mv.visitVarInsn(ASTORE, s2); mv.visitVarInsn(ASTORE, s1);
                mv.visitVarInsn(ALOAD, s1);
                mv.visitVarInsn(ALOAD, s2); mv.visitVarInsn(ALOAD, s1); f(a.f("weight_decay", 0f)); vf("mul"); vv("add");
                f(a.f("lr")); vf("mul");
                vv("sub");
            }
            case MOMENTUM_VELOCITY -> {
                // (v, g): mu * v + g
                mv.visitVarInsn(ASTORE, s2); f(a.f("momentum")); vf("mul"); mv.visitVarInsn(ALOAD, s2); vv("add");
            }
            case ADAM_MOMENT -> {
                // (m, g): b * m + (1 - b) * g
                float b = a.f("beta");
                mv.visitVarInsn(ASTORE, s2); f(b); vf("mul");
                mv.visitVarInsn(ALOAD, s2); f(1f - b); vf("mul"); vv("add");
            }
            case ADAM_VELOCITY -> {
                // (v, g): b * v + (1 - b) * g^2
                float b = a.f("beta");
                mv.visitVarInsn(ASTORE, s2); f(b); vf("mul");
                mv.visitVarInsn(ALOAD, s2); mv.visitVarInsn(ALOAD, s2); vv("mul"); f(1f - b); vf("mul"); vv("add");
            }
            case ADAM_UPDATE -> {
                // (p, m, v, step): p - (m * ic1 * lr) / (sqrt(v * ic2) + eps)
                mv.visitInsn(POP);
                mv.visitVarInsn(ASTORE, s3); mv.visitVarInsn(ASTORE, s2);
                mv.visitVarInsn(ALOAD, s2); mv.visitVarInsn(FLOAD, ic1Slot); f(a.f("lr")); mv.visitInsn(FMUL); vf("mul");
                mv.visitVarInsn(ALOAD, s3); mv.visitVarInsn(FLOAD, ic2Slot); vf("mul"); unary("SQRT"); f(a.f("eps")); vf("add");
                vv("div");
                vv("sub");
            }
            default -> throw new IrException("cpu backend cannot compile op '" + n.op().text() + "' in a fused elementwise loop");
        }
    }

    private void f(float v) { mv.visitLdcInsn(v); }

    private void neg() { mv.visitMethodInsn(INVOKEVIRTUAL, FV, "neg", "()" + FV_D, false); }

    private void vv(String name) { mv.visitMethodInsn(INVOKEVIRTUAL, FV, name, "(" + V_D + ")" + FV_D, false); }

    private void vf(String name) { mv.visitMethodInsn(INVOKEVIRTUAL, FV, name, "(F)" + FV_D, false); }

    private void unary(String op) {
        mv.visitFieldInsn(GETSTATIC, OPS, op, "L" + OPS + "$Unary;");
        mv.visitMethodInsn(INVOKEVIRTUAL, FV, "lanewise", "(L" + OPS + "$Unary;)" + FV_D, false);
    }
}
