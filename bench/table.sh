#!/usr/bin/env bash
# Runs the Reed-Solomon, CRC-32 and cipher JMH benchmarks and prints one table of the results
# (the throughput figures of the issue's step 7). Takes about 5-6 minutes; one fork each.
#
#   ./build.sh bench-table          build bench/target/benchmarks.jar, then run this
#   bench/table.sh                  run with an already built jar
#
# Environment: JAVA_HOME, JAR (default bench/target/benchmarks.jar), OUT (default
# bench/target/bench-table: JMH's JSON results and logs), JMH_ITER (warmup and measurement options).
set -euo pipefail

cd "$(dirname "$0")/.."
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAR=${JAR:-bench/target/benchmarks.jar}
OUT=${OUT:-bench/target/bench-table}
JMH_ITER=${JMH_ITER:--wi 3 -w 1s -i 8 -r 500ms}
[ -f "$JAR" ] || { echo "table.sh: $JAR missing: run ./build.sh bench-table" >&2; exit 1; }
mkdir -p "$OUT"
JVM=("$JAVA" --enable-native-access=ALL-UNNAMED)

# What this machine offers: C paths, cipher names.
env_out=$("${JVM[@]}" -cp "$JAR" io.kcp.bench.BenchEnv)
get() { sed -n "s/^$1=//p" <<<"$env_out"; }
rs_paths=$(get rs.paths)
crc_best=$(get crc.best)
ciphers=$(get ciphers)

# jmh <name> <benchmark regex> [params...]: one JMH run, JSON to $OUT/<name>.json.
jmh() {
  local name=$1; shift
  echo "running $name benchmarks (log: $OUT/$name.log)" >&2
  # shellcheck disable=SC2086
  "${JVM[@]}" -jar "$JAR" "$@" -f 1 $JMH_ITER -rf json -rff "$OUT/$name.json" \
    >"$OUT/$name.log" 2>&1 || { tail -30 "$OUT/$name.log" >&2; exit 1; }
  if grep -q '<failure>' "$OUT/$name.log"; then
    grep -B2 -A8 '<failure>' "$OUT/$name.log" >&2
    echo "table.sh: a $name benchmark failed" >&2
    exit 1
  fi
}

jmh rs 'io\.kcp\.bench\.ReedSolomonBenchmark\.' -p impl="$rs_paths,java" -p shardLen=1400
jmh crc 'io\.kcp\.bench\.Crc32Benchmark\.' -p impl=jdk,native -p size=64,1400 -p buffer=direct \
  -p path="$crc_best"
jmh ciphers 'io\.kcp\.bench\.PacketCipherBenchmark\.' -p cipher="$ciphers" -p size=1400

echo
echo "$(get jvm); CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)"
echo "C Reed-Solomon paths: $rs_paths; C CRC-32 paths: $(get crc.paths); JMH $JMH_ITER -f 1"
echo
"${JVM[@]}" -cp "$JAR" io.kcp.bench.BenchTable "$OUT/rs.json" "$OUT/crc.json" "$OUT/ciphers.json"
