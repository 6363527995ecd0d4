#!/usr/bin/env bash
# Runs Smok's generated GEMM (a one-matmul graph compiled by the CPU backend) and numpy's
# sgemm (OpenBLAS) on the same shapes with the same number of threads, in alternating rounds
# (Smok, numpy, Smok, ...) so that both see the same machine load, and prints the median and the
# best round of each in GFLOP/s and the ratios smok/numpy (see GemmVsNumpy).
#
#   bench/gemm-vs-numpy.sh [--threads T] [--warmup S] [--rounds R] [MxNxK ...]
#
# Defaults: 2 threads, 3 s warm-up, 9 rounds, the issue's shapes 1024x1024x1024 64x784x512 256x4096x4096.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
[ -x "$JAVA_HOME/bin/java" ] || JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64

args=("$@")
has_shape=0
for a in "${args[@]+"${args[@]}"}"; do [[ "$a" =~ ^[0-9]+x[0-9]+x[0-9]+$ ]] && has_shape=1; done
[ $has_shape = 1 ] || args+=(1024x1024x1024 64x784x512 256x4096x4096)

mvn -q -pl bench -am package -DskipTests >/dev/null
cp="bench/target/classes:codegen-cpu/target/classes:ir/target/classes:$(find ~/.m2/repository/org/ow2/asm/asm/9.9 -name 'asm-9.9.jar' | head -1)"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$cp" dev.smok.bench.GemmVsNumpy "${args[@]}" 2>/dev/null
