package dev.smok.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.smok.gpu.KernelIr.Kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The CUDA driver API through {@code libcuda.so.1} with the FFM API (no JNI, no CUDA toolkit at
 * run time: PTX is JIT-compiled by the driver). Uses device 0's primary context (retained with
 * {@code cuDevicePrimaryCtxRetain}, made current on the calling thread before each call
 * sequence), the {@code _v2} memory entry points, {@code cuModuleLoadDataEx} with an error-log
 * buffer so a rejected PTX module reports the JIT log, and {@code cuLaunchKernel} on the default
 * stream. Errors carry the driver's name for the code ({@code cuGetErrorName}).
 */
final class CudaRuntime implements DeviceRuntime {
    private static final String INSTALL = "the cuda backend needs an NVIDIA GPU and driver (libcuda.so.1); "
            + "without one use the opencl backend (install pocl-opencl-icd and ocl-icd-libopencl1)";
    /** System property naming the driver library to load instead of {@code libcuda.so.1} (a path or soname). */
    static final String LIBRARY_PROPERTY = "smok.cuda.library";
    private static final int CU_JIT_ERROR_LOG_BUFFER = 5, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;

    private static NativeLibrary lib;
    private static MethodHandle init, deviceGet, deviceGetCount, deviceGetName, primaryCtxRetain, ctxSetCurrent,
            moduleLoadDataEx, moduleGetFunction, moduleUnload, memAlloc, memFree, memcpyHtoD, memcpyDtoH,
            launchKernel, ctxSynchronize, getErrorName;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment context;
    private final String description;
    private final List<Long> buffers = new ArrayList<>(), modules = new ArrayList<>();
    private MemorySegment staging = MemorySegment.NULL;

    /**
     * Initializes the driver and retains device 0's primary context.
     *
     * @throws GpuException when libcuda.so.1 or a CUDA device is missing
     */
    CudaRuntime() {
        bind();
        try (Arena a = Arena.ofConfined()) {
            check((int) init.invokeExact(0), "cuInit");
            MemorySegment n = a.allocate(JAVA_INT);
            check((int) deviceGetCount.invokeExact(n), "cuDeviceGetCount");
            if (n.get(JAVA_INT, 0) == 0) throw new GpuException("no CUDA device found: " + INSTALL);
            MemorySegment dev = a.allocate(JAVA_INT);
            check((int) deviceGet.invokeExact(dev, 0), "cuDeviceGet");
            int device = dev.get(JAVA_INT, 0);
            MemorySegment name = a.allocate(256);
            check((int) deviceGetName.invokeExact(name, 256, device), "cuDeviceGetName");
            description = "CUDA device 0: " + name.getString(0);
            MemorySegment ctx = a.allocate(ADDRESS);
            check((int) primaryCtxRetain.invokeExact(ctx, device), "cuDevicePrimaryCtxRetain");
            context = ctx.get(ADDRESS, 0);
            makeCurrent();
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    private static synchronized void bind() {
        if (lib != null) return;
        NativeLibrary l = NativeLibrary.open(System.getProperty(LIBRARY_PROPERTY, "libcuda.so.1"), INSTALL);
        init = l.function("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        deviceGetCount = l.function("cuDeviceGetCount", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        deviceGet = l.function("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        deviceGetName = l.function("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        primaryCtxRetain = l.function("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        ctxSetCurrent = l.function("cuCtxSetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        moduleLoadDataEx = l.function("cuModuleLoadDataEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        moduleGetFunction = l.function("cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        moduleUnload = l.function("cuModuleUnload", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        memAlloc = l.function("cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        memFree = l.function("cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        memcpyHtoD = l.function("cuMemcpyHtoD_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG));
        memcpyDtoH = l.function("cuMemcpyDtoH_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
        launchKernel = l.function("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        ctxSynchronize = l.function("cuCtxSynchronize", FunctionDescriptor.of(JAVA_INT));
        getErrorName = l.function("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        lib = l;
    }

    /** The primary context is per device, but "current" is per thread: set it before work. */
    private void makeCurrent() throws Throwable {
        check((int) ctxSetCurrent.invokeExact(context), "cuCtxSetCurrent");
    }

    @Override public String describe() { return description; }

    @Override public long alloc(long floats) {
        try (Arena a = Arena.ofConfined()) {
            makeCurrent();
            MemorySegment ptr = a.allocate(JAVA_LONG);
            check((int) memAlloc.invokeExact(ptr, Math.max(1, floats) * 4), "cuMemAlloc_v2(" + floats * 4 + " bytes)");
            long p = ptr.get(JAVA_LONG, 0);
            buffers.add(p);
            return p;
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    private MemorySegment staging(long bytes) {
        if (staging.byteSize() < bytes) staging = arena.allocate(Math.max(bytes, 2 * staging.byteSize()), 64);
        return staging;
    }

    @Override public void upload(long buf, float[] src, int off, int n) {
        MemorySegment s = staging(4L * n);
        MemorySegment.copy(src, off, s, JAVA_FLOAT, 0, n);
        try {
            makeCurrent();
            check((int) memcpyHtoD.invokeExact(buf, s, 4L * n), "cuMemcpyHtoD_v2");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    @Override public void download(long buf, float[] dst, int off, int n) {
        MemorySegment s = staging(4L * n);
        try {
            makeCurrent();
            check((int) memcpyDtoH.invokeExact(s, buf, 4L * n), "cuMemcpyDtoH_v2");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
        MemorySegment.copy(s, JAVA_FLOAT, 0, dst, off, n);
    }

    @Override public long[] build(String ptx, List<Kernel> list) {
        try (Arena a = Arena.ofConfined()) {
            makeCurrent();
            int logSize = 1 << 16;
            MemorySegment log = a.allocate(logSize);
            MemorySegment opts = a.allocate(JAVA_INT, 2), vals = a.allocate(ADDRESS, 2);
            opts.setAtIndex(JAVA_INT, 0, CU_JIT_ERROR_LOG_BUFFER);
            opts.setAtIndex(JAVA_INT, 1, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
            vals.setAtIndex(ADDRESS, 0, log);
            vals.setAtIndex(JAVA_LONG, 1, logSize);
            MemorySegment mod = a.allocate(ADDRESS);
            int rc = (int) moduleLoadDataEx.invokeExact(mod, a.allocateFrom(ptx), 2, opts, vals);
            if (rc != 0) {
                throw new GpuException("cuModuleLoadDataEx failed with " + errorName(rc) + " on " + description
                        + "; JIT log:\n" + log.getString(0));
            }
            MemorySegment module = mod.get(ADDRESS, 0);
            modules.add(module.address());
            long[] handles = new long[list.size()];
            MemorySegment fn = a.allocate(ADDRESS);
            for (int k = 0; k < handles.length; k++) {
                check((int) moduleGetFunction.invokeExact(fn, module, a.allocateFrom(list.get(k).name())),
                        "cuModuleGetFunction(" + list.get(k).name() + ")");
                handles[k] = fn.get(ADDRESS, 0).address();
            }
            return handles;
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    @Override public void launch(long kernel, Kernel g, long[] bufs) {
        try (Arena a = Arena.ofConfined()) {
            makeCurrent();
            MemorySegment values = a.allocate(JAVA_LONG, Math.max(1, bufs.length));
            MemorySegment params = a.allocate(ADDRESS, Math.max(1, bufs.length));
            for (int i = 0; i < bufs.length; i++) {
                values.setAtIndex(JAVA_LONG, i, bufs[i]);
                params.setAtIndex(ADDRESS, i, values.asSlice(8L * i, 8));
            }
            check((int) launchKernel.invokeExact(MemorySegment.ofAddress(kernel), g.groupsX(), g.groupsY(), 1,
                    g.blockX(), g.blockY(), 1, 0, MemorySegment.NULL, params, MemorySegment.NULL), "cuLaunchKernel(" + g.name() + ")");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    @Override public void finish() {
        try {
            makeCurrent();
            check((int) ctxSynchronize.invokeExact(), "cuCtxSynchronize");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** Frees buffers and unloads modules; the primary context stays retained for the process. */
    @Override public void close() {
        try {
            makeCurrent();
            for (long b : buffers) { int rc = (int) memFree.invokeExact(b); }
            for (long m : modules) { int rc = (int) moduleUnload.invokeExact(MemorySegment.ofAddress(m)); }
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        } finally {
            buffers.clear();
            modules.clear();
            arena.close();
        }
    }

    private static void check(int rc, String call) throws Throwable {
        if (rc != 0) throw new GpuException(call + " failed with " + errorName(rc));
    }

    /** The driver's name for a CUresult, e.g. {@code CUDA_ERROR_INVALID_PTX (218)}. */
    @SuppressWarnings("restricted") // the driver returns a static C string of unknown length
    static String errorName(int rc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            int r = (int) getErrorName.invokeExact(rc, p);
            if (r == 0) return p.get(ADDRESS, 0).reinterpret(128).getString(0) + " (" + rc + ")";
        } catch (Throwable ignored) {
            // fall through to the number
        }
        return "CUDA error " + rc;
    }
}
