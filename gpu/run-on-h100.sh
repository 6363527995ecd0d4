#!/usr/bin/env bash
# Runs the CUDA backend on a machine with an NVIDIA GPU (H100 or any sm_80+), its driver
# (libcuda.so.1), python3 and PyTorch, but no Java: the bundle from gpu/package-for-h100.sh
# carries a jlink runtime and the jars. Not run in the session that wrote it (no GPU there).
#   1. correctness: every per-op graph and 6 MLP training steps (SGD, Adam) vs the interpreter
#   2. GEMM 4096^3 fp32: the generated kernel alone, then PyTorch with TF32 off
# Usage: gpu/run-on-h100.sh [n=4096]. Generated OpenCL C / PTX go to gpu/dump/.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
B=${BUNDLE:-$HERE/bundle}
N=${1:-4096}
JAVA=("$B/runtime/bin/java" --enable-native-access=ALL-UNNAMED -cp "$B/lib/*")
status=0
echo "== correctness (cuda backend vs interpreter)"
"${JAVA[@]}" dev.smok.gpu.GpuSelfCheck cuda "$HERE/dump" || status=1
echo "== GEMM ${N}^3"
"${JAVA[@]}" dev.smok.gpu.GemmBenchmark cuda "$N" 20 || status=1
python3 "$HERE/torch_gemm.py" "$N" || status=1
exit $status
