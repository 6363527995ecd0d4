package dev.smok.runtime;

import dev.smok.cpu.CpuBackend;
import dev.smok.gpu.CudaBackend;
import dev.smok.gpu.OpenClBackend;
import dev.smok.ir.Backend;
import dev.smok.ir.interp.InterpreterBackend;

/** The backends selectable by name ({@code --backend}). An unknown name is an error, never a fallback. */
public final class Backends {
    private Backends() {}

    public static Backend byName(String name) { return byName(name, true); }

    /**
     * The backend {@code name}; {@code fusion} false gives the cpu backend without kernel fusion
     * (the interpreter never fuses; the GPU backends cannot turn it off, which is an error).
     */
    public static Backend byName(String name, boolean fusion) {
        if (!fusion && (name.equals("opencl") || name.equals("cuda"))) {
            throw new IllegalArgumentException("fusion cannot be turned off on the " + name + " backend; use --backend cpu with --no-fusion");
        }
        return switch (name) {
            case "cpu" -> new CpuBackend(Runtime.getRuntime().availableProcessors(), fusion);
            case "interpreter" -> new InterpreterBackend();
            case "opencl" -> new OpenClBackend();
            case "cuda" -> new CudaBackend();
            default -> throw new IllegalArgumentException("unknown backend '" + name + "' (available: cpu, interpreter, opencl, cuda)");
        };
    }
}
