package dev.smok.gpu;

import dev.smok.ir.Backend;
import dev.smok.ir.Executable;
import dev.smok.ir.Graph;
import dev.smok.ir.IrPrinter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The part every GPU backend shares: lower the graph once ({@link GraphLowering}, target
 * neutral), emit both the OpenCL C and the PTX text, dump them, and run the plan on the
 * subclass's {@link DeviceRuntime} with the subclass's source. A new GPU target is an emitter, a
 * runtime and a subclass of a few lines.
 */
abstract sealed class GpuBackend implements Backend permits OpenClBackend, CudaBackend {
    /** A fresh runtime on this backend's device; throws {@link GpuException} when none is usable. */
    abstract DeviceRuntime openDevice();

    /** Which of the two sources this backend's runtime builds. */
    abstract boolean usesPtx();

    /**
     * Compiles {@code graph} for this backend's device. With a non-null {@code dumpDir}, writes
     * {@code <graph>.ir}, {@code <graph>.cl} and {@code <graph>.ptx} there before touching the
     * device, so the code can be inspected even when no device is present.
     *
     * @throws dev.smok.ir.IrException for an op the GPU lowering cannot compile
     * @throws GpuException when the library or device is missing or a kernel fails to build
     */
    @Override public final Executable compile(Graph graph, Path dumpDir) {
        ExecutionPlan plan = GraphLowering.lower(graph, name());
        String cl = OpenClEmitter.emit(graph.name(), plan.kernels());
        String ptx = PtxEmitter.emit(graph.name(), plan.kernels());
        if (dumpDir != null) {
            try {
                Files.createDirectories(dumpDir);
                Files.writeString(dumpDir.resolve(graph.name() + ".ir"), IrPrinter.print(graph));
                Files.writeString(dumpDir.resolve(graph.name() + ".cl"), cl);
                Files.writeString(dumpDir.resolve(graph.name() + ".ptx"), ptx);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new GpuExecutable(graph, plan, openDevice(), usesPtx() ? ptx : cl);
    }
}
