package dev.smok.gpu;

/**
 * The CUDA backend ({@code --backend cuda}): kernels as PTX (sm_80 and newer), loaded and launched
 * through the CUDA driver API in {@code libcuda.so.1} on device 0's primary context. Needs an
 * NVIDIA GPU and driver, not the CUDA toolkit. Without them {@link #compile} throws a
 * {@link GpuException} saying so (the PTX is still dumped when a dump directory is given).
 * The system property {@code smok.cuda.library} may name another driver library (a path), read
 * once, when the first CUDA executable is compiled.
 */
public final class CudaBackend extends GpuBackend {
    @Override public String name() { return "cuda"; }
    @Override DeviceRuntime openDevice() { return new CudaRuntime(); }
    @Override boolean usesPtx() { return true; }
}
