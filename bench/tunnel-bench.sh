#!/usr/bin/env bash
# kcptun against kcp-java's tunnel, side by side on this machine (io.kcp.cli.TunnelBench):
# throughput over 8 connections and 1, with and without compression, CPU seconds per GB at each
# end, and 1,000 concurrent streams (memory, latency). Needs a build with test classes
# (./build.sh test, or mvn -DskipTests test-compile process-classes) and Debian's kcptun.
#
#   bench/tunnel-bench.sh [--bytes 256m] [--reps 3] [--streams 1000] [--kernel native|java]
#                         [--java /path/to/bin/java]   (the JVM the kcp-java tunnel runs on)
#                         [--java-opts "-Xmx256m"] [--parts throughput,scale]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
t=$root/tools/target
[ -d "$t/test-classes/io/kcp/cli" ] || { echo "no test classes: run ./build.sh test first" >&2; exit 1; }
command -v kcptun-server >/dev/null || { echo "needs kcptun (apt-get install kcptun)" >&2; exit 1; }
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
cp="$t/test-classes:$t/classes:$root/relay/target/classes:$root/java/target/classes"
cp="$cp:$root/java/target/native:$(cat "$t/runtime-classpath.txt")"
exec "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.kcp.cli.TunnelBench --root "$root" "$@"
