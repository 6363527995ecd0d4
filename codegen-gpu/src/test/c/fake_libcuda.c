/*
 * A stand-in for libcuda.so.1 for CudaRuntimeStubTest: host memory instead of device memory,
 * PTX modules kept as text, launches recorded instead of executed. It checks that the FFM
 * bindings pass the right arguments in the right order (sizes, pointers, grid and block,
 * kernelParams as pointers to CUdeviceptr values) on machines without an NVIDIA GPU.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A function handle: its name and its parameter count, read from the module's .param names. */
typedef struct { char name[256]; int params; } fake_function;

typedef int CUresult;
typedef unsigned long long CUdeviceptr;

static void *current;
static unsigned last_grid[3], last_block[3];
static CUdeviceptr last_params[4];
static int launches;

CUresult cuInit(unsigned flags) { return flags == 0 ? 0 : 1; }
CUresult cuDeviceGetCount(int *n) { *n = 1; return 0; }
CUresult cuDeviceGet(int *dev, int ordinal) { *dev = ordinal; return ordinal == 0 ? 0 : 101; }
CUresult cuDeviceGetName(char *name, int len, int dev) { strncpy(name, "Fake CUDA device", len); return 0; }
CUresult cuDevicePrimaryCtxRetain(void **ctx, int dev) { *ctx = (void *) 0x5EED; return 0; }
CUresult cuCtxSetCurrent(void *ctx) { current = ctx; return ctx == (void *) 0x5EED ? 0 : 201; }

CUresult cuModuleLoadDataEx(void **module, const void *image, unsigned n, int *options, void **values) {
    if (current == 0) return 201;
    if (strstr((const char *) image, ".entry") == 0) {
        for (unsigned i = 0; i < n; i++) {
            if (options[i] == 5) strcpy((char *) values[i], "ptxas fatal: no .entry in module");
        }
        return 218; /* CUDA_ERROR_INVALID_PTX */
    }
    *module = strdup((const char *) image);
    return 0;
}

CUresult cuModuleGetFunction(void **fn, void *module, const char *name) {
    if (strstr((const char *) module, name) == 0) return 500; /* CUDA_ERROR_NOT_FOUND */
    fake_function *f = calloc(1, sizeof(fake_function));
    strncpy(f->name, name, sizeof(f->name) - 1);
    char key[300];
    for (;;) {
        snprintf(key, sizeof(key), "%s_p%d", name, f->params);
        if (strstr((const char *) module, key) == 0) break;
        f->params++;
    }
    *fn = f;
    return 0;
}

CUresult cuModuleUnload(void *module) { free(module); return 0; }
CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t bytes) { *p = (CUdeviceptr) malloc(bytes); return *p ? 0 : 2; }
CUresult cuMemFree_v2(CUdeviceptr p) { free((void *) p); return 0; }
CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t bytes) { memcpy((void *) dst, src, bytes); return 0; }
CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t bytes) { memcpy(dst, (void *) src, bytes); return 0; }

CUresult cuLaunchKernel(void *fn, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, void *stream, void **params, void **extra) {
    if (shared != 0 || stream != 0 || extra != 0 || bx * by * bz > 1024) return 1;
    last_grid[0] = gx; last_grid[1] = gy; last_grid[2] = gz;
    last_block[0] = bx; last_block[1] = by; last_block[2] = bz;
    /* kernelParams has exactly one entry per kernel parameter */
    int n = ((fake_function *) fn)->params;
    for (int i = 0; i < 3 && i < n; i++) last_params[i] = *(CUdeviceptr *) params[i];
    launches++;
    return 0;
}

CUresult cuCtxSynchronize(void) { return 0; }

CUresult cuGetErrorName(CUresult error, const char **name) {
    *name = error == 218 ? "CUDA_ERROR_INVALID_PTX" : error == 500 ? "CUDA_ERROR_NOT_FOUND" : "CUDA_ERROR_UNKNOWN";
    return 0;
}

/* Inspection for the test. */
int fake_launches(void) { return launches; }
unsigned fake_last_geometry(int i) { return i < 3 ? last_grid[i] : last_block[i - 3]; }
CUdeviceptr fake_last_param(int i) { return last_params[i]; }
