package dev.smok.gpu;

import dev.smok.gpu.KernelIr.Kernel;

import java.util.List;

/**
 * What an executable needs from a GPU API: device memory, copies, kernel builds and launches.
 * Buffers and kernels are opaque native handles ({@code cl_mem} / {@code CUdeviceptr},
 * {@code cl_kernel} / {@code CUfunction}). One instance serves one executable; calls are not
 * thread-safe. Launches are asynchronous until {@link #finish()} or a download.
 */
interface DeviceRuntime extends AutoCloseable {
    /** Device and platform, for messages. */
    String describe();

    /** Allocates room for {@code floats} float32 values. */
    long alloc(long floats);

    /** Copies {@code n} floats from {@code src[off..]} to the start of device buffer {@code buf}; blocking. */
    void upload(long buf, float[] src, int off, int n);

    /** Copies {@code n} floats from device buffer {@code buf} to {@code dst[off..]}; blocking. */
    void download(long buf, float[] dst, int off, int n);

    /**
     * Builds all kernels (from the target's source, which the runtime emits itself) and returns
     * their handles in order.
     *
     * @param source the program text in this runtime's language (OpenCL C or PTX)
     */
    long[] build(String source, List<Kernel> kernels);

    /** Enqueues {@code kernel} with its buffer arguments over the kernel's grid. */
    void launch(long kernel, Kernel geometry, long[] buffers);

    /** Waits until every enqueued launch has finished. */
    void finish();

    /** Frees buffers, kernels and programs. */
    @Override void close();
}
