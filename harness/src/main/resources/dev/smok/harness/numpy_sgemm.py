# numpy_sgemm.py: the numpy/OpenBLAS side of the Smok harness (NumpySystem.java).
# Reads commands on stdin, one per line, answers one line each on stdout:
#   info                      -> numpy version, BLAS library, OpenBLAS core (kernel) and threads, as JSON
#   load M K N A.bin B.bin    -> "ok" (float32 little-endian, row-major)
#   check C.bin               -> writes A @ B to C.bin, "ok"
#   time ITERATIONS           -> nanoseconds for ITERATIONS products into a preallocated C
#   quit
import ctypes, json, sys, time
import numpy as np

def openblas_info():
    info = {"numpy": np.__version__}
    libs = [l.split()[-1] for l in open("/proc/self/maps") if "openblas" in l.lower()]
    if libs:
        lib = ctypes.CDLL(libs[0])
        info["blas_library"] = libs[0].rsplit("/", 1)[-1]
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", ""):
                core = getattr(lib, prefix + "_get_corename" + suffix, None)
                threads = getattr(lib, prefix + "_get_num_threads" + suffix, None)
                if core is not None:
                    core.restype = ctypes.c_char_p
                    info["openblas_core"] = core().decode()
                    if threads is not None:
                        info["threads"] = threads()
                    return info
    return info

a = b = c = None
for line in sys.stdin:
    cmd = line.split()
    if not cmd:
        continue
    if cmd[0] == "info":
        np.ones((4, 4), dtype=np.float32) @ np.ones((4, 4), dtype=np.float32)  # loads BLAS
        print(json.dumps(openblas_info()), flush=True)
    elif cmd[0] == "load":
        m, k, n = map(int, cmd[1:4])
        a = np.fromfile(cmd[4], dtype="<f4").reshape(m, k)
        b = np.fromfile(cmd[5], dtype="<f4").reshape(k, n)
        c = np.empty((m, n), dtype=np.float32)
        print("ok", flush=True)
    elif cmd[0] == "check":
        np.matmul(a, b, out=c)
        c.astype("<f4").tofile(cmd[1])
        print("ok", flush=True)
    elif cmd[0] == "time":
        iterations = int(cmd[1])
        t0 = time.perf_counter_ns()
        for _ in range(iterations):
            np.matmul(a, b, out=c)
        print(time.perf_counter_ns() - t0, flush=True)
    elif cmd[0] == "quit":
        break
    else:
        print("error: unknown command " + cmd[0], flush=True)
