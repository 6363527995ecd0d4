package dev.smok.cpu;

import dev.smok.ir.Executable;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Role;
import dev.smok.ir.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A graph compiled by {@link CpuBackend}: one float[] arena holding every input, parameter,
 * state, output and intermediate, and the generated {@link Program} that runs over it. Buffers
 * are views of the arena, so writing an input costs no copy; a steady-state {@link #run()}
 * allocates nothing. Not thread-safe: one run at a time.
 *
 * <p>The arena is allocated when first needed (the first {@link #buffer} or {@link #run}), not by
 * the compile: its size grows with what the graph keeps (backpropagation through T time steps
 * keeps T steps of activations), while the generated code does not, so compile time stays
 * independent of T and the allocation is paid by the first use, where it belongs.
 *
 * <p>Values computed from parameters and states alone (fold-linear's folded weights) are the
 * prologue ({@link KernelPlan}): a run computes them only when they may be stale, that is on the
 * first run and after {@link #buffer} handed out a parameter or state (which is how callers write
 * them). A caller that keeps a parameter's tensor and writes it later must call {@link #buffer}
 * for it again before the next run.
 */
public final class CpuExecutable implements Executable {
    private final Graph graph;
    private final Program program;
    private final WorkerPool pool;
    private final MemoryPlan memory;
    private float[] arena; // allocated by the first buffer() or run()
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private boolean prepared; // the prologue's results match the parameters and states
    private int prologueRuns;
    private final int kernelCount;
    private final String plan;

    CpuExecutable(Graph graph, Program program, WorkerPool pool, MemoryPlan mp, int kernelCount, String plan) {
        this.graph = graph;
        this.program = program;
        this.pool = pool;
        this.memory = mp;
        this.kernelCount = kernelCount;
        this.plan = plan;
    }

    /** The arena, allocated with a view per input and output on first use. */
    private float[] arena() {
        if (arena == null) {
            arena = new float[Math.max(memory.size, 1)];
            for (Input in : graph.inputs()) buffers.put(in.name(), new Tensor(in.shape(), arena, memory.offsets.get(in.value())));
            for (var e : graph.outputs().entrySet()) {
                buffers.putIfAbsent(e.getKey(), new Tensor(e.getValue().shape(), arena, memory.outputOffsets.get(e.getKey())));
            }
        }
        return arena;
    }

    @Override public Graph graph() { return graph; }

    @Override public Tensor buffer(String name) {
        arena();
        Tensor t = buffers.get(name);
        if (t == null) throw new IllegalArgumentException("graph '" + graph.name() + "' has no input or output named '" + name + "'");
        Input in = graph.input(name);
        if (in != null && in.role() != Role.INPUT) prepared = false; // the caller may write a parameter or state
        return t;
    }

    @Override public void run() {
        float[] a = arena();
        if (!prepared) {
            program.prepare(a);
            prepared = true;
            prologueRuns++;
        }
        program.run(a);
    }

    /**
     * How many times {@link #run} has run the prologue (the values computed from parameters and
     * states alone): once, then again after each {@link #buffer} call for a parameter or state.
     */
    public int prologueRuns() { return prologueRuns; }

    /** Kernels the schedule runs per step (fused loops, products and kernel calls). */
    public int kernelCount() { return kernelCount; }

    /** Size of the arena in bytes (all buffers of the executable), whether or not it is allocated yet. */
    public long arenaBytes() { return (long) Math.max(memory.size, 1) * Float.BYTES; }

    /** Whether the arena has been allocated (by a {@link #buffer} or {@link #run} call). */
    public boolean arenaAllocated() { return arena != null; }

    /** The kernel plan as text: which nodes fused into which kernel, arena offsets, copies. */
    public String plan() { return plan; }

    /** Thread ids of the executable's worker threads. */
    public long[] workerThreadIds() { return pool.workerThreadIds(); }

    /** The worker pool's {offers, offers taken back unstarted} so far (see {@link WorkerPool#offerCounts}). */
    public long[] workerOfferCounts() { return pool.offerCounts(); }

    @Override public void close() { pool.close(); }
}
