#!/usr/bin/env bash
# Builds gpu/bundle/: a jlink Java runtime plus the jars that gpu/run-on-h100.sh needs, so a GPU
# machine without Java (but with an NVIDIA driver, python3 and PyTorch) can run the CUDA backend.
# Run here, on the build machine (JDK 25, Maven); then copy gpu/ (with bundle/) to the GPU machine.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
OUT=$ROOT/gpu/bundle
cd "$ROOT"
JAVA_HOME=$JAVA_HOME mvn -o -q -pl runtime -am package -DskipTests
rm -rf "$OUT"
mkdir -p "$OUT/lib"
for m in ir frontend optimizer codegen-cpu codegen-gpu runtime; do cp $m/target/smok-$m-*.jar "$OUT/lib/"; done
cp runtime/target/lib/*.jar "$OUT/lib/"
# The self-check and the GEMM benchmark live in the test sources (they reuse the test graphs).
"$JAVA_HOME/bin/jar" --create --file "$OUT/lib/smok-codegen-gpu-checks.jar" -C codegen-gpu/target/test-classes .
"$JAVA_HOME/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.logging --output "$OUT/runtime" \
    --strip-debug --no-header-files --no-man-pages --compress=zip-9
echo "bundle ready: $OUT ($(du -sh "$OUT" | cut -f1))"
