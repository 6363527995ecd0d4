package dev.smok.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * A shared library opened with the FFM API (no JNI) and typed downcalls into it. Opening fails
 * with a {@link GpuException} whose message says what to install.
 */
final class NativeLibrary {
    private final String name;
    private final SymbolLookup lookup;
    private final Linker linker = Linker.nativeLinker();

    private NativeLibrary(String name, SymbolLookup lookup) {
        this.name = name;
        this.lookup = lookup;
    }

    /**
     * Opens {@code soname} for the life of the JVM.
     *
     * @param installHint appended to the error when the library cannot be loaded
     */
    @SuppressWarnings("restricted") // loading native code is this class's purpose
    static NativeLibrary open(String soname, String installHint) {
        try {
            return new NativeLibrary(soname, SymbolLookup.libraryLookup(soname, Arena.global()));
        } catch (IllegalArgumentException | IllegalCallerException e) {
            throw new GpuException("cannot load " + soname + " (" + e.getMessage() + "): " + installHint, e);
        }
    }

    /** A downcall handle for {@code symbol}; a missing symbol is a {@link GpuException}. */
    @SuppressWarnings("restricted")
    MethodHandle function(String symbol, FunctionDescriptor fd) {
        MemorySegment addr = lookup.find(symbol)
                .orElseThrow(() -> new GpuException(name + " has no symbol " + symbol + " (driver too old?)"));
        return linker.downcallHandle(addr, fd);
    }

    /** Rethrows what a downcall threw; downcalls only throw on linkage errors. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new GpuException("native call failed", t);
    }
}
