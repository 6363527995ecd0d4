#!/usr/bin/env bash
# Runs the CUDA backend on a machine with an NVIDIA GPU (H100/H200 or any sm_80+), its driver
# (libcuda.so.1), python3 and PyTorch, but no Java: the bundle from gpu/package-for-h100.sh
# carries a jlink runtime and the jars.
#   1. correctness: every per-op graph and the training graphs vs the interpreter (GpuSelfCheck)
#   2. GEMM n^3 fp32: the generated kernel, then PyTorch with TF32 off
#   3. mlp and lenet5 training/inference at batch 256: smok throughput vs gpu/torch_train.py
#   4. a 3x3 conv layer (forward and both gradients) and LeNet-5's step kernel by kernel:
#      ConvBenchmark vs gpu/torch_conv.py
# Usage: gpu/run-on-h100.sh [n=4096]. Generated OpenCL C / PTX go to $DUMP (default gpu/dump/).
# GEMM_TILINGS="16x8x8 16x8x16" also times the GEMM at those forced tilings (THREADSxPERxTK).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
B=${BUNDLE:-$HERE/bundle}
N=${1:-4096}
DUMP=${DUMP:-$HERE/dump}
JAVA=("$B/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "$B/lib/*")
status=0
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader || true
echo "== correctness (cuda backend vs interpreter)"
"${JAVA[@]}" dev.smok.gpu.GpuSelfCheck cuda "$DUMP" || status=1
echo "== GEMM ${N}^3"
"${JAVA[@]}" dev.smok.gpu.GemmBenchmark cuda "$N" 20 || status=1
for t in ${GEMM_TILINGS:-}; do
    echo "tiling $t:"
    "${JAVA[@]}" -Dsmok.gpu.gemmTiling="$t" dev.smok.gpu.GemmBenchmark cuda "$N" 20 || status=1
done
python3 "$HERE/torch_gemm.py" "$N" || status=1
echo "== training and inference throughput, batch 256"
for model in mlp lenet5; do
    "${JAVA[@]}" dev.smok.runtime.cli.Main throughput "$model" --backend cuda --batch 256 --steps 100 --warmup 20 || status=1
done
python3 "$HERE/torch_train.py" 256 100 20 || status=1
echo "== convolution kernels, batch 256, 64 channels, 14x14"
"${JAVA[@]}" dev.smok.gpu.ConvBenchmark cuda 256 64 14 20 || status=1
python3 "$HERE/torch_conv.py" 256 64 14 256 || status=1
exit $status
