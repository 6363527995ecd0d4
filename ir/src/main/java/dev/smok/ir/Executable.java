package dev.smok.ir;

/**
 * A graph compiled by a backend. The executable owns one buffer per graph input (data inputs,
 * parameters and states) and per named output. Callers write inputs into their buffers, call
 * {@link #run()}, then read outputs; after a run every parameter and state named in the graph's
 * updates holds its new value. Not thread-safe: one run at a time.
 *
 * <p>A backend may keep values computed from parameters and states alone (folded weights) from one
 * run to the next; it computes them again after {@link #buffer} was called for a parameter or
 * state. So write a parameter or state through the tensor of a {@code buffer} call made after the
 * last run, not through one kept from before it.
 */
public interface Executable extends AutoCloseable {
    Graph graph();

    /**
     * The live buffer of an input, parameter, state or output, by name. The same tensor is
     * returned on every call; its contents change with each run.
     *
     * @throws IllegalArgumentException when the graph has no such name
     */
    Tensor buffer(String name);

    /**
     * Bytes of the memory the executable holds for all its buffers (the CPU backend's arena:
     * inputs, parameters, states and every intermediate, reused after their last reader), or -1
     * when the backend does not keep one such block.
     */
    default long arenaBytes() { return -1; }

    /** Executes the graph once. */
    void run();

    /** Releases native or worker resources. The default does nothing. */
    @Override default void close() {}
}
