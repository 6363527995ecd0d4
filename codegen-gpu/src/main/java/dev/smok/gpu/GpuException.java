package dev.smok.gpu;

/**
 * A failure of a GPU runtime: a missing library or device, or an OpenCL / CUDA call that returned
 * an error. The message names the failing call and the error by its API name
 * ({@code CL_BUILD_PROGRAM_FAILURE}, {@code CUDA_ERROR_OUT_OF_MEMORY}, ...), and for kernel build
 * failures it includes the compiler's log.
 */
public class GpuException extends RuntimeException {
    public GpuException(String message) { super(message); }
    public GpuException(String message, Throwable cause) { super(message, cause); }
}
