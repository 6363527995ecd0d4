#!/usr/bin/env bash
# Runs the JMH benchmarks of the CPU backend; arguments go to JMH (e.g. a benchmark regex,
# -p shape=1024x1024x1024, -wi 3 -i 5 -f 1).
#   bench/jmh.sh GemmBenchmark
#   bench/jmh.sh MlpBenchmark
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
mvn -q -pl bench -am package -DskipTests >/dev/null
mvn -q -pl bench dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null 2>&1 || \
  mvn -q -pl bench -am dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
deps=$(cat bench/target/bench.classpath)
cp="bench/target/classes:codegen-cpu/target/classes:ir/target/classes:$deps"
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$cp" org.openjdk.jmh.Main "$@"
