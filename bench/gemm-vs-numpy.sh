#!/usr/bin/env bash
# Runs Smok's generated GEMM (a one-matmul graph compiled by the CPU backend) and numpy's
# sgemm (OpenBLAS) back to back on the same shapes with the same number of threads, and prints
# GFLOP/s of each and the ratio smok/numpy.
#
#   bench/gemm-vs-numpy.sh [--threads T] [--warmup S] [MxNxK ...]
#
# Defaults: 2 threads, the issue's shapes 1024x1024x1024 64x784x512 256x4096x4096.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
[ -x "$JAVA_HOME/bin/java" ] || JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64

threads=2
warmup=3
shapes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    *) shapes+=("$1"); shift ;;
  esac
done
[ ${#shapes[@]} -gt 0 ] || shapes=(1024x1024x1024 64x784x512 256x4096x4096)

mvn -q -pl bench -am package -DskipTests >/dev/null
cp="bench/target/classes:codegen-cpu/target/classes:ir/target/classes:$(find ~/.m2/repository/org/ow2/asm/asm/9.9 -name 'asm-9.9.jar' | head -1)"

smok_out=$("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$cp" dev.smok.bench.GemmRunner \
  --threads "$threads" --warmup "$warmup" "${shapes[@]}" 2>/dev/null)

numpy_out=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads" \
  python3 - "$warmup" "${shapes[@]}" <<'PY'
import sys, time
import numpy as np
warmup = float(sys.argv[1])
for shape in sys.argv[2:]:
    m, n, k = map(int, shape.split("x"))
    rng = np.random.default_rng(1)
    a = (rng.random((m, k), dtype=np.float32) - 0.5)
    b = (rng.random((k, n), dtype=np.float32) - 0.5)
    c = np.empty((m, n), dtype=np.float32)
    end = time.perf_counter() + warmup
    iters = 0
    t0 = time.perf_counter()
    while time.perf_counter() < end:
        np.matmul(a, b, out=c); iters += 1
    per = (time.perf_counter() - t0) / max(iters, 1)
    batch = max(1, min(100000, int(0.05 / per)))
    samples = []
    for _ in range(7):
        s = time.perf_counter()
        for _ in range(batch):
            np.matmul(a, b, out=c)
        samples.append((time.perf_counter() - s) / batch)
    samples.sort()
    print(f"numpy {shape} {2.0 * m * n * k / samples[3] / 1e9:.1f}")
PY
)

printf '%-16s %8s %14s %14s %8s\n' shape threads "smok GFLOP/s" "numpy GFLOP/s" ratio
for s in "${shapes[@]}"; do
  sm=$(echo "$smok_out" | awk -v s="$s" '$2==s{print $3}')
  np=$(echo "$numpy_out" | awk -v s="$s" '$2==s{print $3}')
  ratio=$(awk -v a="$sm" -v b="$np" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "n/a" }')
  printf '%-16s %8s %14s %14s %8s\n' "$s" "$threads" "$sm" "$np" "${ratio}x"
done
