package dev.smok.runtime;

import dev.smok.cpu.CpuBackend;
import dev.smok.gpu.CudaBackend;
import dev.smok.gpu.OpenClBackend;
import dev.smok.ir.Backend;
import dev.smok.ir.interp.InterpreterBackend;

/** The backends selectable by name ({@code --backend}). An unknown name is an error, never a fallback. */
public final class Backends {
    private Backends() {}

    public static Backend byName(String name) {
        return switch (name) {
            case "cpu" -> new CpuBackend();
            case "interpreter" -> new InterpreterBackend();
            case "opencl" -> new OpenClBackend();
            case "cuda" -> new CudaBackend();
            default -> throw new IllegalArgumentException("unknown backend '" + name + "' (available: cpu, interpreter, opencl, cuda)");
        };
    }
}
