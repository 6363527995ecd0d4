#!/usr/bin/env bash
# LeNet-5 and cnn inference and training step on the CPU backend with kernel fusion on and off,
# timed in alternating rounds; prints images/s of each and the ratio unfused/fused time.
#   bench/fusion.sh [--threads T] [--batch B] [--rounds R] [--warmup S] [lenet5] [cnn]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
mvn -o -q -pl bench -am package -DskipTests >/dev/null
cp="bench/target/classes:codegen-cpu/target/classes:ir/target/classes:frontend/target/classes:optimizer/target/classes"
cp="$cp:$(find ~/.m2/repository/org/ow2/asm/asm/9.9 -name 'asm-9.9.jar' | head -1)"
echo "load: $(uptime)"
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$cp" dev.smok.bench.FusionBenchmark "$@" 2>/dev/null
echo "load: $(uptime)"
