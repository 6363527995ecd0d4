#!/usr/bin/env bash
# Old code against new code, paired in one JVM (dev.smok.bench.TreeAB): builds this tree and
# OTHER_TREE (a checkout of another commit, e.g. `git worktree add --detach ../smok-old HEAD~1`),
# then runs both trees' CPU backends on the same workloads in alternating windows and prints the
# median of the paired ratios B/A (A = OTHER_TREE, B = this tree).
#
#   bench/ab.sh OTHER_TREE [--threads T] [--rounds R] [--window-ms W] [MxNxK | mlp1 ...]
#
# Default workloads: the GEMM goal's three shapes and batch-1 MLP inference.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
[ -x "$JAVA_HOME/bin/java" ] || JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
[ $# -ge 1 ] || { echo "usage: bench/ab.sh OTHER_TREE [--threads T] [--rounds R] [--window-ms W] [MxNxK | mlp1 ...]" >&2; exit 2; }
other="$(cd "$1" && pwd)"; shift
args=("$@")
has_work=0
for a in "${args[@]+"${args[@]}"}"; do [[ "$a" =~ ^[0-9]+x[0-9]+x[0-9]+$|^mlp1$ ]] && has_work=1; done
[ $has_work = 1 ] || args+=(1024x1024x1024 64x784x512 256x4096x4096 mlp1)

for tree in "$other" "$PWD"; do (cd "$tree" && mvn -q -o -pl bench -am package -DskipTests >/dev/null); done
asm="$(find ~/.m2/repository/org/ow2/asm/asm/9.9 -name 'asm-9.9.jar' | head -1)"
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -Dsmok.asm.jar="$asm" -cp bench/target/classes \
    dev.smok.bench.TreeAB "$other" "$PWD" "${args[@]}" 2>/dev/null
