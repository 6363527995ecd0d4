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
import java.util.Map;

/**
 * OpenCL through {@code libOpenCL.so.1} (the ICD loader) with the FFM API. Picks the first GPU
 * device of any platform, else the first device of any kind (PoCL's CPU device in CI). One
 * context and one in-order command queue per runtime.
 *
 * <p>Errors carry the OpenCL error name; a failed build carries the build log.
 */
final class OpenClRuntime implements DeviceRuntime {
    private static final String INSTALL = "install pocl-opencl-icd and ocl-icd-libopencl1 (CPU), or a GPU driver with an OpenCL ICD";
    private static final long CL_DEVICE_TYPE_GPU = 1L << 2, CL_DEVICE_TYPE_ALL = 0xFFFFFFFFL;
    private static final int CL_DEVICE_NAME = 0x102B, CL_PLATFORM_NAME = 0x0902, CL_PROGRAM_BUILD_LOG = 0x1183;
    private static final long CL_MEM_READ_WRITE = 1;

    private static NativeLibrary lib;
    private static MethodHandle getPlatformIDs, getDeviceIDs, getDeviceInfo, getPlatformInfo, createContext,
            createQueue, createBuffer, writeBuffer, readBuffer, createProgram, buildProgram, buildInfo,
            createKernel, setKernelArg, enqueueNDRange, finishQueue, releaseMem, releaseKernel, releaseProgram,
            releaseQueue, releaseContext;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment device, context, queue;
    private final String description;
    private final List<Long> buffers = new ArrayList<>(), kernels = new ArrayList<>(), programs = new ArrayList<>();
    private MemorySegment staging = MemorySegment.NULL;

    /**
     * Opens the first suitable device.
     *
     * @throws GpuException when libOpenCL or a platform/device is missing
     */
    OpenClRuntime() {
        bind();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT);
            int rc = (int) getPlatformIDs.invokeExact(0, MemorySegment.NULL, n);
            int count = rc == 0 ? n.get(JAVA_INT, 0) : 0;
            if (count == 0) {
                throw new GpuException("no OpenCL platform found (" + errorName(rc) + "): " + INSTALL
                        + "; with PoCL also set POCL_CACHE_DIR to a writable directory");
            }
            MemorySegment plats = a.allocate(ADDRESS, count);
            check((int) getPlatformIDs.invokeExact(count, plats, n), "clGetPlatformIDs");
            MemorySegment chosen = null, chosenPlatform = null;
            for (long type : new long[] {CL_DEVICE_TYPE_GPU, CL_DEVICE_TYPE_ALL}) {
                for (int p = 0; p < count && chosen == null; p++) {
                    MemorySegment dev = a.allocate(ADDRESS);
                    int r = (int) getDeviceIDs.invokeExact(plats.getAtIndex(ADDRESS, p), type, 1, dev, n);
                    if (r == 0 && n.get(JAVA_INT, 0) > 0) {
                        chosen = dev.get(ADDRESS, 0);
                        chosenPlatform = plats.getAtIndex(ADDRESS, p);
                    }
                }
                if (chosen != null) break;
            }
            if (chosen == null) throw new GpuException("no OpenCL device found on " + count + " platform(s): " + INSTALL);
            device = chosen;
            description = "OpenCL " + info(getPlatformInfo, chosenPlatform, CL_PLATFORM_NAME) + " / " + info(getDeviceInfo, device, CL_DEVICE_NAME);
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment devs = a.allocate(ADDRESS);
            devs.set(ADDRESS, 0, device);
            context = (MemorySegment) createContext.invokeExact(MemorySegment.NULL, 1, devs, MemorySegment.NULL, MemorySegment.NULL, err);
            check(err.get(JAVA_INT, 0), "clCreateContext");
            queue = (MemorySegment) createQueue.invokeExact(context, device, 0L, err);
            check(err.get(JAVA_INT, 0), "clCreateCommandQueue");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    private static synchronized void bind() {
        if (lib != null) return;
        NativeLibrary l = NativeLibrary.open("libOpenCL.so.1", INSTALL);
        getPlatformIDs = l.function("clGetPlatformIDs", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        getDeviceIDs = l.function("clGetDeviceIDs", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
        getDeviceInfo = l.function("clGetDeviceInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        getPlatformInfo = l.function("clGetPlatformInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        createContext = l.function("clCreateContext", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        createQueue = l.function("clCreateCommandQueue", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        createBuffer = l.function("clCreateBuffer", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS));
        FunctionDescriptor rw = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        writeBuffer = l.function("clEnqueueWriteBuffer", rw);
        readBuffer = l.function("clEnqueueReadBuffer", rw);
        createProgram = l.function("clCreateProgramWithSource", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        buildProgram = l.function("clBuildProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        buildInfo = l.function("clGetProgramBuildInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        createKernel = l.function("clCreateKernel", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        setKernelArg = l.function("clSetKernelArg", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS));
        enqueueNDRange = l.function("clEnqueueNDRangeKernel",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        finishQueue = l.function("clFinish", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        FunctionDescriptor release = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        releaseMem = l.function("clReleaseMemObject", release);
        releaseKernel = l.function("clReleaseKernel", release);
        releaseProgram = l.function("clReleaseProgram", release);
        releaseQueue = l.function("clReleaseCommandQueue", release);
        releaseContext = l.function("clReleaseContext", release);
        lib = l;
    }

    private static String info(MethodHandle h, MemorySegment obj, int param) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(256);
            int rc = (int) h.invokeExact(obj, param, 256L, buf, MemorySegment.NULL);
            return rc == 0 ? buf.getString(0) : "?";
        }
    }

    @Override public String describe() { return description; }

    @Override public long alloc(long floats) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment mem = (MemorySegment) createBuffer.invokeExact(context, CL_MEM_READ_WRITE, Math.max(1, floats) * 4, MemorySegment.NULL, err);
            check(err.get(JAVA_INT, 0), "clCreateBuffer(" + floats * 4 + " bytes)");
            buffers.add(mem.address());
            return mem.address();
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
            check((int) writeBuffer.invokeExact(queue, MemorySegment.ofAddress(buf), 1, 0L, 4L * n, s, 0,
                    MemorySegment.NULL, MemorySegment.NULL), "clEnqueueWriteBuffer");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    @Override public void download(long buf, float[] dst, int off, int n) {
        MemorySegment s = staging(4L * n);
        try {
            check((int) readBuffer.invokeExact(queue, MemorySegment.ofAddress(buf), 1, 0L, 4L * n, s, 0,
                    MemorySegment.NULL, MemorySegment.NULL), "clEnqueueReadBuffer");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
        MemorySegment.copy(s, JAVA_FLOAT, 0, dst, off, n);
    }

    @Override public long[] build(String source, List<Kernel> list) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment strings = a.allocate(ADDRESS);
            strings.set(ADDRESS, 0, a.allocateFrom(source));
            MemorySegment program = (MemorySegment) createProgram.invokeExact(context, 1, strings, MemorySegment.NULL, err);
            check(err.get(JAVA_INT, 0), "clCreateProgramWithSource");
            programs.add(program.address());
            MemorySegment devs = a.allocate(ADDRESS);
            devs.set(ADDRESS, 0, device);
            int rc = (int) buildProgram.invokeExact(program, 1, devs, a.allocateFrom("-cl-std=CL1.2"), MemorySegment.NULL, MemorySegment.NULL);
            if (rc != 0) {
                throw new GpuException("clBuildProgram failed with " + errorName(rc) + " on " + description
                        + "; build log:\n" + buildLog(program));
            }
            long[] handles = new long[list.size()];
            for (int k = 0; k < handles.length; k++) {
                MemorySegment kernel = (MemorySegment) createKernel.invokeExact(program, a.allocateFrom(list.get(k).name()), err);
                check(err.get(JAVA_INT, 0), "clCreateKernel(" + list.get(k).name() + ")");
                kernels.add(kernel.address());
                handles[k] = kernel.address();
            }
            return handles;
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    private String buildLog(MemorySegment program) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            if ((int) buildInfo.invokeExact(program, device, CL_PROGRAM_BUILD_LOG, 0L, MemorySegment.NULL, size) != 0) return "(no log)";
            long n = size.get(JAVA_LONG, 0);
            MemorySegment log = a.allocate(n + 1);
            if ((int) buildInfo.invokeExact(program, device, CL_PROGRAM_BUILD_LOG, n, log, MemorySegment.NULL) != 0) return "(no log)";
            return log.getString(0);
        }
    }

    @Override public void launch(long kernel, Kernel g, long[] bufs) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment k = MemorySegment.ofAddress(kernel);
            MemorySegment arg = a.allocate(ADDRESS);
            for (int i = 0; i < bufs.length; i++) {
                arg.set(JAVA_LONG, 0, bufs[i]);
                check((int) setKernelArg.invokeExact(k, i, 8L, arg), "clSetKernelArg");
            }
            MemorySegment global = a.allocate(JAVA_LONG, 2), local = a.allocate(JAVA_LONG, 2);
            global.setAtIndex(JAVA_LONG, 0, (long) g.groupsX() * g.blockX());
            global.setAtIndex(JAVA_LONG, 1, (long) g.groupsY() * g.blockY());
            local.setAtIndex(JAVA_LONG, 0, g.blockX());
            local.setAtIndex(JAVA_LONG, 1, g.blockY());
            check((int) enqueueNDRange.invokeExact(queue, k, 2, MemorySegment.NULL, global, local, 0,
                    MemorySegment.NULL, MemorySegment.NULL), "clEnqueueNDRangeKernel(" + g.name() + ")");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    @Override public void finish() {
        try {
            check((int) finishQueue.invokeExact(queue), "clFinish");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    @Override public void close() {
        try {
            for (long b : buffers) { int rc = (int) releaseMem.invokeExact(MemorySegment.ofAddress(b)); }
            for (long k : kernels) { int rc = (int) releaseKernel.invokeExact(MemorySegment.ofAddress(k)); }
            for (long p : programs) { int rc = (int) releaseProgram.invokeExact(MemorySegment.ofAddress(p)); }
            int rq = (int) releaseQueue.invokeExact(queue);
            int rc = (int) releaseContext.invokeExact(context);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        } finally {
            buffers.clear();
            kernels.clear();
            programs.clear();
            arena.close();
        }
    }

    private static void check(int rc, String call) {
        if (rc != 0) throw new GpuException(call + " failed with " + errorName(rc));
    }

    private static final Map<Integer, String> ERRORS = Map.ofEntries(
            Map.entry(-1, "CL_DEVICE_NOT_FOUND"), Map.entry(-2, "CL_DEVICE_NOT_AVAILABLE"),
            Map.entry(-3, "CL_COMPILER_NOT_AVAILABLE"), Map.entry(-4, "CL_MEM_OBJECT_ALLOCATION_FAILURE"),
            Map.entry(-5, "CL_OUT_OF_RESOURCES"), Map.entry(-6, "CL_OUT_OF_HOST_MEMORY"),
            Map.entry(-11, "CL_BUILD_PROGRAM_FAILURE"), Map.entry(-30, "CL_INVALID_VALUE"),
            Map.entry(-32, "CL_INVALID_PLATFORM"), Map.entry(-33, "CL_INVALID_DEVICE"),
            Map.entry(-34, "CL_INVALID_CONTEXT"), Map.entry(-36, "CL_INVALID_COMMAND_QUEUE"),
            Map.entry(-38, "CL_INVALID_MEM_OBJECT"), Map.entry(-44, "CL_INVALID_PROGRAM"),
            Map.entry(-45, "CL_INVALID_PROGRAM_EXECUTABLE"), Map.entry(-46, "CL_INVALID_KERNEL_NAME"),
            Map.entry(-48, "CL_INVALID_KERNEL"), Map.entry(-49, "CL_INVALID_ARG_INDEX"),
            Map.entry(-50, "CL_INVALID_ARG_VALUE"), Map.entry(-51, "CL_INVALID_ARG_SIZE"),
            Map.entry(-52, "CL_INVALID_KERNEL_ARGS"), Map.entry(-53, "CL_INVALID_WORK_DIMENSION"),
            Map.entry(-54, "CL_INVALID_WORK_GROUP_SIZE"), Map.entry(-55, "CL_INVALID_WORK_ITEM_SIZE"),
            Map.entry(-61, "CL_INVALID_BUFFER_SIZE"), Map.entry(-63, "CL_INVALID_GLOBAL_WORK_SIZE"),
            Map.entry(-1001, "CL_PLATFORM_NOT_FOUND_KHR"));

    /** The OpenCL name of an error code, e.g. {@code CL_BUILD_PROGRAM_FAILURE (-11)}. */
    static String errorName(int rc) { return ERRORS.getOrDefault(rc, "CL_ERROR") + " (" + rc + ")"; }
}
