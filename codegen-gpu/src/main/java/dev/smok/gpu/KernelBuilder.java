package dev.smok.gpu;

import dev.smok.gpu.KernelIr.*;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects one kernel while the lowering writes it: the device slots bound to its buffer
 * parameters (each slot once), its local arrays, and a counter for fresh temporaries.
 * {@link Body} is a statement list inside it (the kernel body, or a loop body).
 */
final class KernelBuilder {
    final List<Integer> slots = new ArrayList<>();
    final List<LocalArray> locals = new ArrayList<>();
    final Body body = new Body(this, new ArrayList<>());
    private int temps;

    /** The parameter index bound to device slot {@code slot}, adding it on first use. */
    int param(int slot) {
        int i = slots.indexOf(slot);
        if (i >= 0) return i;
        slots.add(slot);
        return slots.size() - 1;
    }

    String local(String name, int size) {
        locals.add(new LocalArray(name, size));
        return name;
    }

    Kernel finish(String name, int groupsX, int groupsY, int blockX, int blockY) {
        return new Kernel(name, slots.size(), List.copyOf(locals), body.stmts(), groupsX, groupsY, blockX, blockY);
    }

    int[] slotArray() { return slots.stream().mapToInt(Integer::intValue).toArray(); }

    /** A statement list of this kernel. */
    record Body(KernelBuilder kernel, List<Stmt> stmts) {
        /** Assigns {@code e} to a fresh variable and returns it (so it is computed once). */
        Var tmp(Expr e) {
            Var v = new Var("t" + kernel.temps++, e.type());
            stmts.add(new Assign(v, e));
            return v;
        }

        /** {@code e} itself when it is a constant or variable, else a fresh variable holding it. */
        Expr once(Expr e) { return e instanceof IntConst || e instanceof FloatConst || e instanceof Var ? e : tmp(e); }

        Var var(String name, Expr init) {
            Var v = new Var(name, init.type());
            stmts.add(new Assign(v, init));
            return v;
        }

        void set(Var v, Expr e) { stmts.add(new Assign(v, e)); }
        void add(Stmt s) { stmts.add(s); }
        void store(int slot, Expr index, Expr value) { stmts.add(new Store(kernel.param(slot), index, value)); }

        /** A loop {@code for (var = from; var < to; var += step)}; fill its body through the returned Body. */
        Body loop(Var var, Expr from, Expr to, int step) {
            Body inner = new Body(kernel, new ArrayList<>());
            stmts.add(new For(var, from, to, step, inner.stmts));
            return inner;
        }

        Body when(Expr cond) {
            Body inner = new Body(kernel, new ArrayList<>());
            stmts.add(new If(cond, inner.stmts));
            return inner;
        }
    }
}
