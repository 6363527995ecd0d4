package dev.smok.gpu;

/**
 * The OpenCL backend ({@code --backend opencl}): kernels as OpenCL C 1.2, built and launched
 * through {@code libOpenCL.so.1}. Runs on any OpenCL device; CI uses PoCL on the CPU
 * ({@code apt-get install pocl-opencl-icd ocl-icd-libopencl1}, and {@code POCL_CACHE_DIR} set
 * to a writable directory). Each compiled executable owns its own context and queue.
 */
public final class OpenClBackend extends GpuBackend {
    @Override public String name() { return "opencl"; }
    @Override DeviceRuntime openDevice() { return new OpenClRuntime(); }
    @Override boolean usesPtx() { return false; }
}
