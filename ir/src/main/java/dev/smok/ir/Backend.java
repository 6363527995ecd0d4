package dev.smok.ir;

import java.nio.file.Path;

/** Compiles graphs to executables. Every backend is tested against the reference interpreter. */
public interface Backend {
    /** The name used by {@code --backend}. */
    String name();

    /**
     * Compiles {@code graph}. An op the backend cannot compile is an {@link IrException} naming
     * the op; a backend never falls back silently.
     *
     * @param dumpDir where to write generated code for inspection, or null
     */
    Executable compile(Graph graph, Path dumpDir);
}
