package dev.smok.gpu;

import java.util.List;

/**
 * The kernel IR: a tiny structured, typed language in which the graph lowering writes every
 * kernel once, so that each GPU target only needs an emitter ({@link OpenClEmitter} for OpenCL C,
 * {@link PtxEmitter} for PTX). A new target (Metal, SPIR-V, HIP) is one more emitter.
 *
 * <p>Design: expressions are trees of 32-bit ints, 32-bit floats and predicates; statements are
 * assignments to named mutable scalar variables, global and work-group-local stores, counted
 * loops, one-armed ifs and barriers. Every shape is a compile-time constant, so index arithmetic
 * is plain integer expressions over thread ids and loop variables. Kernel parameters are all
 * global float buffers; values of type {@link Type#I32} never live in memory (integer class labels
 * are stored as exact floats and converted with {@link Un#TO_INT}). {@link Type#I64} is unsigned
 * 64-bit arithmetic modulo 2^64 (add, mul, xor, logical shift right), for counter-based random
 * numbers such as the dropout mask.
 */
final class KernelIr {
    private KernelIr() {}

    /** Scalar types. PRED is the result of comparisons and the condition of selects and ifs. */
    enum Type { I32, F32, PRED, I64 }

    /** ThreadId coordinates: work-group (CUDA block) ids and local (thread) ids in x and y. */
    enum Special { GROUP_X, GROUP_Y, LOCAL_X, LOCAL_Y }

    /** Unary ops; TO_I64 sign-extends an I32 or truncates an F32, TO_FLOAT also takes an I64. */
    enum Un { NEG, EXP, LOG, SQRT, TANH, ABS, TO_FLOAT, TO_INT, TO_I64, NOT }

    /**
     * Binary ops; comparisons yield PRED, AND/OR take PRED, REM is for I32 only; XOR and SHR
     * (logical shift right by an I32 amount) are for I64 only, which supports ADD and MUL too.
     */
    enum Bin { ADD, SUB, MUL, DIV, REM, MIN, MAX, LT, LE, GT, GE, EQ, NE, AND, OR, XOR, SHR }

    /** An expression of a fixed {@link Type}. */
    sealed interface Expr permits IntConst, LongConst, FloatConst, Var, ThreadId, Unary, Binary, Fma, Select, Load, LoadLocal {
        Type type();
    }

    record IntConst(int value) implements Expr { public Type type() { return Type.I32; } }
    record LongConst(long value) implements Expr { public Type type() { return Type.I64; } }
    record FloatConst(float value) implements Expr { public Type type() { return Type.F32; } }
    /** A mutable scalar variable; declared by its first {@link Assign}. */
    record Var(String name, Type type) implements Expr {}
    record ThreadId(Special which) implements Expr { public Type type() { return Type.I32; } }
    record Unary(Un op, Expr a) implements Expr {
        public Type type() {
            return switch (op) {
                case TO_FLOAT -> Type.F32;
                case TO_INT -> Type.I32;
                case TO_I64 -> Type.I64;
                case NOT -> Type.PRED;
                default -> a.type();
            };
        }
    }
    record Binary(Bin op, Expr a, Expr b) implements Expr {
        Binary {
            if (op == Bin.SHR ? a.type() != Type.I64 || b.type() != Type.I32 : a.type() != b.type()) throw new IllegalArgumentException(op + " of " + a.type() + " and " + b.type());
        }
        public Type type() {
            return switch (op) {
                case LT, LE, GT, GE, EQ, NE, AND, OR -> Type.PRED;
                default -> a.type();
            };
        }
    }
    /** a * b + c in float32, fused. */
    record Fma(Expr a, Expr b, Expr c) implements Expr { public Type type() { return Type.F32; } }
    record Select(Expr cond, Expr ifTrue, Expr ifFalse) implements Expr { public Type type() { return ifTrue.type(); } }
    /** Float element {@code index} of kernel buffer parameter {@code param}. */
    record Load(int param, Expr index) implements Expr { public Type type() { return Type.F32; } }
    /** Float element of a work-group-local array. */
    record LoadLocal(String array, Expr index) implements Expr { public Type type() { return Type.F32; } }

    sealed interface Stmt permits Assign, Store, StoreLocal, LoadLocal4, For, If, Barrier {}

    record Assign(Var var, Expr value) implements Stmt {
        Assign {
            if (var.type() != value.type()) throw new IllegalArgumentException("assign " + value.type() + " to " + var);
        }
    }
    record Store(int param, Expr index, Expr value) implements Stmt {}
    record StoreLocal(String array, Expr index, Expr value) implements Stmt {}
    /**
     * Four consecutive floats of a work-group-local array, starting at {@code index} (a multiple of
     * 4), into four F32 variables in one 128-bit load (OpenCL float4, PTX ld.shared.v4.f32): the GEMM
     * inner loop reads its operands this way, a quarter of the shared-memory instructions.
     */
    record LoadLocal4(String array, Expr index, List<Var> into) implements Stmt {
        LoadLocal4 {
            if (into.size() != 4 || into.stream().anyMatch(v -> v.type() != Type.F32)) throw new IllegalArgumentException("LoadLocal4 needs four F32 variables: " + into);
            into = List.copyOf(into);
        }
    }
    /** for (var = from; var < to; var += step) body; var is an I32 variable. */
    record For(Var var, Expr from, Expr to, int step, List<Stmt> body) implements Stmt {}
    record If(Expr cond, List<Stmt> body) implements Stmt {}
    /** Work-group barrier over local memory (OpenCL barrier, PTX bar.sync). */
    record Barrier() implements Stmt {}

    /** A work-group-local float array. */
    record LocalArray(String name, int size) {}

    /**
     * One kernel: its entry name, the number of float buffer parameters, local arrays, body and
     * launch geometry (a grid of {@code groups} work-groups of {@code block} threads, in x and y).
     */
    record Kernel(String name, int params, List<LocalArray> locals, List<Stmt> body,
                  int groupsX, int groupsY, int blockX, int blockY) {}

    // ---- construction shorthands used by the lowering ------------------------------------------

    static Expr i(int v) { return new IntConst(v); }
    static Expr f(float v) { return new FloatConst(v); }
    static Expr f(double v) { return new FloatConst((float) v); }
    static Var ivar(String n) { return new Var(n, Type.I32); }
    static Var fvar(String n) { return new Var(n, Type.F32); }
    static Expr add(Expr a, Expr b) {
        if (b instanceof IntConst c && c.value() == 0) return a;
        if (a instanceof IntConst c && c.value() == 0) return b;
        return new Binary(Bin.ADD, a, b);
    }
    static Expr sub(Expr a, Expr b) { return new Binary(Bin.SUB, a, b); }
    static Expr mul(Expr a, Expr b) {
        if (b instanceof IntConst c && c.value() == 1) return a;
        if (a instanceof IntConst c && c.value() == 1) return b;
        if (b instanceof IntConst c && c.value() == 0 && a.type() == Type.I32) return b;
        return new Binary(Bin.MUL, a, b);
    }
    static Expr div(Expr a, Expr b) {
        if (b instanceof IntConst c && c.value() == 1) return a;
        return new Binary(Bin.DIV, a, b);
    }
    static Expr rem(Expr a, Expr b) { return new Binary(Bin.REM, a, b); }
    static Expr lt(Expr a, Expr b) { return new Binary(Bin.LT, a, b); }
    static Expr gt(Expr a, Expr b) { return new Binary(Bin.GT, a, b); }
    static Expr ge(Expr a, Expr b) { return new Binary(Bin.GE, a, b); }
    static Expr eq(Expr a, Expr b) { return new Binary(Bin.EQ, a, b); }
    static Expr and(Expr a, Expr b) { return new Binary(Bin.AND, a, b); }
    static Expr max(Expr a, Expr b) { return new Binary(Bin.MAX, a, b); }
    static Expr min(Expr a, Expr b) { return new Binary(Bin.MIN, a, b); }
    static Expr un(Un op, Expr a) { return new Unary(op, a); }
    static Expr select(Expr c, Expr t, Expr e) { return new Select(c, t, e); }
    static Expr load(int param, Expr index) { return new Load(param, index); }
    static Expr thread(Special s) { return new ThreadId(s); }
}
