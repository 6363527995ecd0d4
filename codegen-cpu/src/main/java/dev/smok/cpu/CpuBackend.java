package dev.smok.cpu;

import dev.smok.ir.Backend;
import dev.smok.ir.Graph;
import dev.smok.ir.IrException;
import dev.smok.ir.IrPrinter;
import dev.smok.ir.Op;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The CPU backend ({@code --backend cpu}): compiles a graph to one hidden class of JVM bytecode
 * that drives Vector API kernels specialised to the graph's constant shapes.
 *
 * <p>Pipeline: {@link KernelPlan} (fusion by {@link dev.smok.ir.FusionKind}) → {@link MemoryPlan}
 * (one arena, buffers reused after their last reader) → {@link ScheduleEmitter} and
 * {@link FusedLoopEmitter} (ASM) → {@code Lookup.defineHiddenClassWithClassData}. Every op in
 * {@link Op} is supported; an op without a kernel is an {@link IrException} naming it.
 *
 * <p>Each executable owns a {@link WorkerPool} of {@code threads} threads (the caller included),
 * closed by {@link CpuExecutable#close()}. A backend made with {@code fuse} false runs every node
 * as its own kernel ({@code --no-fusion}): the baseline that measures what fusion gains.
 */
public final class CpuBackend implements Backend {
    private final int threads;
    private final boolean fuse;
    private final Set<Op> supported;

    /** A backend using every available processor. */
    public CpuBackend() { this(Runtime.getRuntime().availableProcessors()); }

    /** A backend whose executables run kernels on {@code threads} threads (at least 1). */
    public CpuBackend(int threads) { this(threads, true); }

    /** A backend on {@code threads} threads that fuses (the default) or runs every node as its own kernel. */
    public CpuBackend(int threads, boolean fuse) { this(threads, fuse, KernelPlan.SUPPORTED, true); }

    CpuBackend(int threads, Set<Op> supported) { this(threads, true, supported, true); }

    /** {@code warmup}: start the JVM's {@link CodegenWarmup} (once per JVM) so the first compile finds the code generator loaded. */
    CpuBackend(int threads, boolean fuse, Set<Op> supported, boolean warmup) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.fuse = fuse;
        this.supported = supported;
        if (warmup) CodegenWarmup.start();
    }

    @Override public String name() { return "cpu"; }

    /** Threads per executable. */
    public int threads() { return threads; }

    /** Whether kernels are fused (epilogues, elementwise chains) or every node runs alone. */
    public boolean fuses() { return fuse; }

    @Override public CpuExecutable compile(Graph graph, Path dumpDir) {
        KernelPlan kp = KernelPlan.plan(graph, supported, fuse, true);
        MemoryPlan mp = MemoryPlan.plan(kp);
        WorkerPool pool = new WorkerPool(threads);
        try {
            ScheduleEmitter.Emitted em = new ScheduleEmitter(kp, mp, pool).emit();
            Program program = link(em);
            String planText = planText(graph, kp, mp, em);
            if (dumpDir != null) dump(dumpDir, graph, em, planText);
            return new CpuExecutable(graph, program, pool, mp, kp.kernelCount(), planText);
        } catch (RuntimeException | Error e) {
            pool.close();
            throw e;
        } catch (Throwable t) {
            pool.close();
            throw new IllegalStateException("cpu backend: defining the generated class failed", t);
        }
    }

    /** Defines the emitted schedule class and binds its kernels; the program runs over an arena of the plan's size. */
    static Program link(ScheduleEmitter.Emitted em) throws Throwable {
        MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClassWithClassData(em.bytes(), em.classData(), true);
        Program program = (Program) lookup.findConstructor(lookup.lookupClass(),
                java.lang.invoke.MethodType.methodType(void.class)).invoke();
        for (GemmKernel g : em.gemms()) g.bind(program);
        for (FusedTask t : em.tasks()) t.bind(program);
        return program;
    }

    private static String planText(Graph g, KernelPlan kp, MemoryPlan mp, ScheduleEmitter.Emitted em) {
        StringBuilder b = new StringBuilder("# kernel plan of graph ").append(g.name())
                .append(" (the IR each kernel was generated from follows it, lines starting with '|';\n")
                .append("# values are named by builder id; @N is an offset in floats into the arena)\n");
        b.append("kernels: ").append(kp.kernelCount()).append("  arena: ").append(mp.bytes()).append(" bytes\n");
        for (var in : g.inputs()) b.append(in.role().text()).append(' ').append(in.name()).append(" @").append(mp.offsets.get(in.value())).append('\n');
        for (var e : mp.outputOffsets.entrySet()) b.append("output ").append(e.getKey()).append(" @").append(e.getValue()).append('\n');
        for (String note : mp.notes) b.append(note).append('\n');
        return b.append(em.plan()).toString();
    }

    private static void dump(Path dir, Graph g, ScheduleEmitter.Emitted em, String planText) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("GeneratedSchedule.class"), em.bytes());
            Files.writeString(dir.resolve(g.name() + ".ir"), IrPrinter.print(g));
            Files.writeString(dir.resolve(g.name() + ".plan.txt"), planText);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
