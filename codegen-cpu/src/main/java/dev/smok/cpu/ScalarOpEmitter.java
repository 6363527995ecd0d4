package dev.smok.cpu;

import static org.objectweb.asm.Opcodes.*;

import dev.smok.ir.Attrs;
import dev.smok.ir.IrException;
import dev.smok.ir.Node;

import org.objectweb.asm.MethodVisitor;

/**
 * The scalar twin of {@link VectorOpEmitter}: emits one elementwise op on {@code float} operands
 * (first input deepest on the operand stack), leaving the result there. Used for fused loops too
 * small to be worth vectors (see {@link FusedLoopEmitter#SCALAR_MAX_ELEMENTS}).
 *
 * <p>Why: such a loop runs once per step for a handful of elements (a bias of 10, a step counter),
 * so HotSpot keeps it in C1 for thousands of steps, and C1 does not intrinsify the Vector API: every
 * vector becomes a heap object. Scalar code allocates nothing in any tier. Arithmetic is the
 * vector path's, operation by operation, in float; the transcendental functions round
 * {@link Math}'s double results (the interpreter's).
 */
final class ScalarOpEmitter {
    private static final String SELF = "dev/smok/cpu/ScalarOpEmitter";

    private final MethodVisitor mv;

    ScalarOpEmitter(MethodVisitor mv) { this.mv = mv; }

    /**
     * Emits {@code n}'s arithmetic; {@code ic1Slot}/{@code ic2Slot} hold Adam's per-row inverse
     * bias corrections (float locals), unused for other ops.
     */
    void emit(Node n, int ic1Slot, int ic2Slot) {
        Attrs a = n.attrs();
        switch (n.op()) {
            case CONSTANT -> f(a.f("value"));
            case IDENTITY, BROADCAST_TO -> { }
            case NEG -> mv.visitInsn(FNEG);
            case EXP -> call("exp", 1);
            case LOG -> call("log", 1);
            case SQRT -> call("sqrt", 1);
            case TANH -> call("tanh", 1);
            case RELU -> { f(0f); call("max", 2); }
            case SCALE -> { f(a.f("alpha")); mv.visitInsn(FMUL); f(a.f("beta", 0f)); mv.visitInsn(FADD); }
            case SIGMOID -> call("sigmoid", 1);
            case ADD, BIAS_ADD -> mv.visitInsn(FADD);
            case SUB -> mv.visitInsn(FSUB);
            case MUL -> mv.visitInsn(FMUL);
            case DIV -> mv.visitInsn(FDIV);
            case RELU_GRAD -> call("reluGrad", 2);
            case SIGMOID_GRAD -> call("sigmoidGrad", 2);
            case TANH_GRAD -> call("tanhGrad", 2);
            case MSE_GRAD -> { f(2f / n.out().shape().size()); call("mseGrad", 4); }
            case BCE_GRAD -> { f(1f / n.out().shape().size()); call("bceGrad", 4); }
            case SGD_UPDATE -> { f(a.f("weight_decay", 0f)); f(a.f("lr")); call("sgdUpdate", 4); }
            case MOMENTUM_VELOCITY -> { f(a.f("momentum")); call("momentumVelocity", 3); }
            case ADAM_MOMENT -> { f(a.f("beta")); call("adamMoment", 3); }
            case ADAM_VELOCITY -> { f(a.f("beta")); call("adamVelocity", 3); }
            case ADAM_UPDATE -> {
                mv.visitInsn(POP); // the step counter: its corrections are in ic1Slot and ic2Slot
                mv.visitVarInsn(FLOAD, ic1Slot); f(a.f("lr")); mv.visitInsn(FMUL);
                mv.visitVarInsn(FLOAD, ic2Slot); f(a.f("eps"));
                call("adamUpdate", 6);
            }
            default -> throw new IrException("cpu backend cannot compile op '" + n.op().text() + "' in a fused elementwise loop");
        }
    }

    private void f(float v) { mv.visitLdcInsn(v); }

    private void call(String name, int floats) {
        mv.visitMethodInsn(INVOKESTATIC, SELF, name, "(" + "F".repeat(floats) + ")F", false);
    }

    // The functions the generated code calls, in the order of the vector path's operations.

    static float exp(float x) { return (float) Math.exp(x); }
    static float log(float x) { return (float) Math.log(x); }
    static float sqrt(float x) { return (float) Math.sqrt(x); }
    static float tanh(float x) { return (float) Math.tanh(x); }
    static float max(float x, float y) { return Math.max(x, y); }
    static float sigmoid(float x) { return 1f / (exp(-x) + 1f); }
    static float reluGrad(float y, float g) { return y <= 0f ? 0f : g; }
    static float sigmoidGrad(float y, float g) { return g * y * (-y + 1f); }
    static float tanhGrad(float y, float g) { return g * (-(y * y) + 1f); }
    /** {@code k} = 2 / size. */
    static float mseGrad(float p, float t, float g, float k) { return (p - t) * g * k; }

    /** {@code k} = 1 / size. */
    static float bceGrad(float p, float t, float g, float k) {
        float q = Math.min(Math.max(p, VectorMath.BCE_EPS), 1f - VectorMath.BCE_EPS);
        return (q - t) / (q * (-q + 1f)) * g * k;
    }

    static float sgdUpdate(float p, float g, float wd, float lr) { return p - (g + p * wd) * lr; }
    static float momentumVelocity(float v, float g, float mu) { return v * mu + g; }
    static float adamMoment(float m, float g, float b) { return m * b + g * (1f - b); }
    static float adamVelocity(float v, float g, float b) { return v * b + g * g * (1f - b); }

    /** {@code lrIc1} = lr / (1 - beta1^step), {@code ic2} = 1 / (1 - beta2^step). */
    static float adamUpdate(float p, float m, float v, float lrIc1, float ic2, float eps) {
        return p - m * lrIc1 / (sqrt(v * ic2) + eps);
    }
}
