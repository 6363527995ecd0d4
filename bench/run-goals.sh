#!/usr/bin/env bash
# Prints the CPU backend's goal numbers in one run (compile time, training step vs interpreter,
# inference latency, bytes per step, GEMM GFLOP/s): dev.smok.bench.GoalsReport.
#   bench/run-goals.sh [--threads T] [--skip-gemm]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
mvn -q -pl bench -am package -DskipTests >/dev/null
cp="bench/target/classes:codegen-cpu/target/classes:ir/target/classes:$(find ~/.m2/repository/org/ow2/asm/asm/9.9 -name 'asm-9.9.jar' | head -1)"
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$cp" dev.smok.bench.GoalsReport "$@" 2>/dev/null
