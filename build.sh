#!/usr/bin/env bash
# The one entry point for building and testing kcp-java (CI runs `./build.sh`).
#
#   ./build.sh              everything: native + Java build, ctest, Java tests on both kernels,
#                           platform jars, -Xcheck:jni check, C tests of the cross builds,
#                           chaos stage, packaging check, ASan/UBSan ctest, fuzzing
#   ./build.sh test         quick: native + Java build, ctest, Java tests on both kernels
#   ./build.sh cross        every platform jar (no Java tests), their C tests under qemu and
#                           wine, and the packaging check
#   ./build.sh asan         the C kernel and its tests under ASan/UBSan (build/asan)
#   ./build.sh fuzz         build and run every fuzz target for FUZZ_SECONDS each (build/fuzz)
#   ./build.sh chaos        the chaos stage alone, on both kernels (builds first if needed)
#   ./build.sh chaos-long   the same with a 1 GiB soak and 10-minute floods (about an hour)
#   ./build.sh attack-table [n]  what each kind of hostile datagram costs (CPU, memory), per kernel
#   ./build.sh bench [args] build bench/target/benchmarks.jar and run JMH with args
#   ./build.sh bench-table  build it and print the RS / CRC32 / cipher throughput table
#   ./build.sh demo [flags] build (no tests, one progress line per step) and run `bin/kcp demo`:
#                           no impairment, then plain, FEC, aes and FEC + aes through a lossy,
#                           delaying relay on loopback
#
# Environment: JAVA_HOME (the JDK Maven and the tests use), FUZZ_SECONDS (default 60 per target),
# MVN_ARGS (extra Maven arguments), CLEAN (1: start from an empty target/, the default of the full
# run; the quick loops reuse it), KCP_SKIP_INTEROP (1: without Go and Debian's kcp-go, run the
# rest and report the interoperability tests as skipped; never in CI), PLATFORMS (the platform
# jars to build and check).
set -euo pipefail

cd "$(dirname "$0")"
ROOT=$PWD
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
MVN=(mvn -B -ntp -Dstyle.color=never ${MVN_ARGS:-})
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAR=${JAVA_HOME:+$JAVA_HOME/bin/}jar
JOBS=$(nproc 2>/dev/null || echo 2)

TIMINGS=()
SKIPPED=()
section() { printf '\n==== %s ====\n' "$*"; }
die() { printf 'build.sh: FAILED: %s\n' "$*" >&2; exit 1; }

# Runs a stage and records its duration for the summary.
stage() {
  local name=$1; shift
  section "$name"
  local start=$SECONDS
  "$@"
  TIMINGS+=("$(printf '%-28s %4ds' "$name" $((SECONDS - start)))")
}

summary() {
  section "summary"
  local t
  for t in "${TIMINGS[@]}"; do echo "  $t"; done
  for t in "${SKIPPED[@]}"; do echo "  SKIPPED: $t"; done
  if [ ${#SKIPPED[@]} -gt 0 ]; then
    echo "  all stages passed, but not everything ran (see SKIPPED)"
  else
    echo "  all stages passed"
  fi
}

# ---- what the interoperability tests need, said before ten minutes of building ---------------
interop_preflight() {
  local missing=()
  command -v go >/dev/null || missing+=("Go (golang-go)")
  [ -d /usr/share/gocode/src/github.com/xtaci/kcp-go ] \
    || missing+=("kcp-go 5.6.1 (golang-github-xtaci-kcp-dev)")
  [ -d /usr/share/gocode/src/github.com/klauspost/reedsolomon ] \
    || missing+=("reedsolomon (golang-github-klauspost-reedsolomon-dev)")
  command -v kcptun-server >/dev/null && command -v kcptun-client >/dev/null \
    || missing+=("kcptun's binaries (kcptun)")
  [ ${#missing[@]} -eq 0 ] && return
  if [ "${KCP_SKIP_INTEROP:-}" = 1 ] && [ "${CI:-}" != true ]; then
    SKIPPED+=("the interoperability tests against kcp-go and kcptun (KCP_SKIP_INTEROP=1; missing: ${missing[*]})")
    MVN+=(-Dkcp.test.skipGroups=,interop)
    echo "build.sh: KCP_SKIP_INTEROP=1: the interoperability tests will not run (missing: ${missing[*]})"
    return
  fi
  die "the interoperability tests need ${missing[*]}. On Debian: apt-get install golang-go \
golang-github-xtaci-kcp-dev golang-github-klauspost-reedsolomon-dev kcptun. To run everything else,
with the interop tests reported as skipped: KCP_SKIP_INTEROP=1 ./build.sh ${MODE}"
}

# ---- Maven: native library, Java, ctest, Java tests on both kernels, jars ----------------
maven() {
  local goal=$1; shift
  if [ "$CLEAN" = 1 ]; then
    rm -rf target ./*/target  # javac -h skips up-to-date classes: a stale header tree is never trusted
  else
    # The quick loop builds on what is there; only the reports must be this run's alone.
    rm -rf ./*/target/surefire-reports* target/logs
  fi
  mkdir -p target/logs
  "${MVN[@]}" "$@" "$goal" 2>&1 | tee target/logs/maven.log
}

# ---- -Xcheck:jni findings do not fail Surefire: they land in *.dumpstream --------------------
JNI_FINDINGS='in native method|JNI local refs|in the scope of Get|JNI call made'

# Prints the files under the given paths that hold a -Xcheck:jni finding; false if none.
jni_findings() {
  grep -rlE --include='*.dumpstream' --include='*.txt' --include='*.xml' --include='*.log' \
    "$JNI_FINDINGS" "$@" 2>/dev/null
}

check_jni() {
  # The check itself must be able to fail: feed it a finding first.
  local probe
  probe=$(mktemp -d)
  echo "Corrupted channel ... Stream 'WARNING in native method: JNI call made with exception pending'." \
    > "$probe/x-jvmRun1.dumpstream"
  if ! jni_findings "$probe" >/dev/null; then rm -rf "$probe"; die "the -Xcheck:jni check misses a known finding"; fi
  rm -rf "$probe"

  local reports=(./*/target/surefire-reports*)
  [ -e "${reports[0]}" ] || die "no */target/surefire-reports* to check: did the tests run?"
  local found
  if found=$(jni_findings "${reports[@]}" target/logs); then
    echo "-Xcheck:jni findings in:"
    echo "$found"
    grep -rhE -A3 "$JNI_FINDINGS" $found | head -60
    die "-Xcheck:jni reported problems in native code"
  fi
  echo "no -Xcheck:jni findings in ${reports[*]} and target/logs"
}

# ---- packaging: main jar = classes, platform jars = one library each, and they work together --
# Every platform of native/platforms.tsv has a jar (PLATFORMS= limits the list, e.g. to the
# host's classifier on a machine without the cross toolchains of .ci/run).
PLATFORMS=${PLATFORMS:-$(awk -F'\t' '!/^#/ { print $1 }' native/platforms.tsv)}

host_classifier() {
  local os cpu
  case "$(uname -s)" in
    Linux) os=linux ;; Darwin) os=osx ;; MINGW*|MSYS*|CYGWIN*) os=windows ;; *) echo unknown; return ;;
  esac
  case "$(uname -m)" in
    x86_64|amd64) cpu=x86_64 ;; aarch64|arm64) cpu=aarch_64 ;; *) echo unknown; return ;;
  esac
  echo "$os-$cpu"
}

manifest_value() { # jar key
  local dir
  dir=$(mktemp -d)
  (cd "$dir" && "$JAR" xf "$ROOT/$1" META-INF/MANIFEST.MF)
  sed -n "s/^$2: *//p" "$dir/META-INF/MANIFEST.MF" | tr -d '\r'
  rm -rf "$dir"
}

check_packaging() {
  local main='' jar cls jars=() host
  for jar in java/target/kcp-java-*.jar; do
    case "$jar" in
      *-sources.jar|*-javadoc.jar) ;;
      *-linux-*.jar|*-osx-*.jar|*-windows-*.jar) ;;
      *) main=$jar ;;
    esac
  done
  [ -f "$main" ] || die "main jar missing"
  echo "main jar: $main"

  # The main jar runs anywhere on the Java kernel: classes (and metadata) only.
  local stray
  stray=$("$JAR" tf "$main" | grep -vE '^(META-INF/.*|module-info\.class|io/|io/kcp/(.*/)?|io/kcp/.*\.class)$' || true)
  [ -z "$stray" ] || die "main jar holds more than classes: $stray"
  "$JAR" tf "$main" | grep -qx 'io/kcp/kernel/NativeLibrary.class' || die "main jar lacks the loader"
  [ "$(manifest_value "$main" Automatic-Module-Name)" = io.kcp ] \
    || "$JAR" tf "$main" | grep -qx module-info.class || die "main jar has no module name"

  # One jar per platform, each exactly its library: layout, machine, exports, dependencies.
  for cls in $PLATFORMS; do
    jar=${main%.jar}-$cls.jar
    [ -f "$jar" ] || die "platform jar $jar missing (cross toolchains: see .ci/run; PLATFORMS=$(host_classifier) to skip)"
    jars+=("$jar")
  done
  native/check-natives.sh "${jars[@]}" || die "platform jar check failed"
  check_natives_can_fail "${jars[0]}"

  # Sources and javadoc jars for publishing.
  local sources javadoc
  sources=$(ls java/target/kcp-java-*-sources.jar 2>/dev/null | head -1)
  javadoc=$(ls java/target/kcp-java-*-javadoc.jar 2>/dev/null | head -1)
  [ -f "$sources" ] && "$JAR" tf "$sources" | grep -qx 'io/kcp/KcpSession.java' \
    || die "sources jar missing or without the API's sources"
  [ -f "$javadoc" ] && "$JAR" tf "$javadoc" | grep -q 'io/kcp/KcpSession.html' \
    || die "javadoc jar missing or without the API's pages"
  [ -n "$(manifest_value "$main" Implementation-Version)" ] || die "main jar has no Implementation-Version"
  echo "sources and javadoc jars ok; Implementation-Version $(manifest_value "$main" Implementation-Version)"

  # A consumer with the two jars and the mandatory dependencies only (no BouncyCastle, no SLF4J
  # binding), on the class path and on the module path: it must run an aes + FEC session on
  # the native kernel, get a clear error for a cipher that needs BouncyCastle, and print
  # nothing but its own lines.
  host=${main%.jar}-$(host_classifier).jar
  [ -f "$host" ] || die "no platform jar for this host ($host)"
  local module
  module=$(manifest_value "$host" Automatic-Module-Name)
  local probe deps out want
  probe=$(mktemp -d)
  cp java/src/consumer/Probe.java "$probe/Probe.java"
  deps=$(tr ':' '\n' < java/target/runtime-classpath.txt | grep -E 'native-lib-loader|slf4j-api' | paste -sd: -)
  want=$'kernel=NATIVE\necho=hello\nsalsa20=names bcprov'
  out=$("$JAVA" --enable-native-access=ALL-UNNAMED -Xcheck:jni -Dkcp.native=require \
    -Djava.library.path="$probe" -cp "$main:$host:$deps" "$probe/Probe.java" 2>"$probe/err") \
    || { cat "$probe/err"; echo "$out"; rm -rf "$probe"; die "class path: the jars do not work"; }
  if grep -qE "$JNI_FINDINGS" "$probe/err"; then cat "$probe/err"; rm -rf "$probe"; die "-Xcheck:jni finding"; fi
  [ "$out" = "$want" ] || { rm -rf "$probe"; die "class path: unexpected output: $out"; }
  if grep -v '^WARNING' "$probe/err" | grep -q .; then
    cat "$probe/err"; rm -rf "$probe"; die "class path: something printed to stderr"
  fi
  echo "class path: $(echo "$out" | paste -sd' ' -)"
  out=$("$JAVA" --enable-native-access=io.kcp -Dkcp.native=require -Djava.library.path="$probe" \
    --module-path "$main:$host:$deps" --add-modules "io.kcp,$module" "$probe/Probe.java" \
    2>"$probe/err") || { cat "$probe/err"; echo "$out"; rm -rf "$probe"; die "module path: the jars do not work"; }
  [ "$out" = "$want" ] || { rm -rf "$probe"; die "module path: unexpected output: $out"; }
  if [ -s "$probe/err" ]; then cat "$probe/err"; rm -rf "$probe"; die "module path: something printed to stderr"; fi
  echo "module path: $(echo "$out" | paste -sd' ' -), nothing on stderr"
  rm -rf "$probe"
  check_tools "$main"
}

# The library jar holds the library; the tools (and the relay they use) are artifacts of their
# own, and the tools' runnable jar serves a session on this platform's native kernel by itself.
check_tools() {
  local main=$1 version tools all relay out port server
  ! "$JAR" tf "$main" | grep -qE '^io/kcp/(cli|relay)/' || die "the library jar holds the tools or the relay"
  version=$(manifest_value "$main" Implementation-Version)
  relay=relay/target/kcp-java-relay-$version.jar
  tools=tools/target/kcp-java-tools-$version.jar
  all=tools/target/kcp-java-tools-$version-all.jar
  for jar in "$relay" "$tools" "$all" "${tools%.jar}-sources.jar" "${tools%.jar}-javadoc.jar" \
             "${relay%.jar}-sources.jar" "${relay%.jar}-javadoc.jar"; do
    [ -f "$jar" ] || die "$jar missing"
  done
  [ "$(manifest_value "$tools" Main-Class)" = io.kcp.cli.Main ] || die "$tools is not runnable"

  out=$("$JAVA" -jar "$all" --version 2>&1) || die "java -jar $all --version failed: $out"
  [[ $out == "kcp-java-tools $version"* ]] || die "java -jar $all --version: unexpected: $out"
  echo "$all: $(echo "$out" | paste -sd' ' -)"

  # An aes + FEC echo through the runnable jar alone, on the native kernel.
  server=$(mktemp)
  "$JAVA" -Dkcp.native=require -jar "$all" echo-server --timeout 30 >"$server" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do grep -q '^LISTENING' "$server" && break; sleep 0.1; done
  port=$(sed -n 's/^LISTENING addr=.*:\([0-9]*\)$/\1/p' "$server")
  [ -n "$port" ] || { kill "$pid"; cat "$server"; rm -f "$server"; die "the runnable jar's server did not start"; }
  out=$("$JAVA" -Dkcp.native=require -jar "$all" client --remote "127.0.0.1:$port" --bytes 1m 2>&1) || true
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; rm -f "$server"
  grep -q '^RESULT op=echo bytes=1048576 ok=true' <<<"$out" || die "echo through the runnable jar: $out"
  grep -q 'kernel=NATIVE' <<<"$out" || die "the runnable jar did not use the native kernel: $out"
  echo "runnable jar: 1 MiB aes + FEC echo on the native kernel, ok"
}

# The jar check must be able to fail: the library of one jar under another platform's name.
check_natives_can_fail() {
  local good=$1 probe cls other row dir lib
  probe=$(mktemp -d)
  (cd "$probe" && "$JAR" xf "$ROOT/$good")
  cls=$(basename "$good" .jar | sed -E 's/^kcp-java-[0-9][^-]*(-SNAPSHOT)?-//')
  other=$(awk -F'\t' -v c="$cls" '!/^#/ && $1 != c && $7 != "" { print $1; exit }' native/platforms.tsv)
  IFS=$'\t' read -r dir lib < <(awk -F'\t' -v c="$other" '$1 == c { print $2 "\t" $3 }' native/platforms.tsv)
  mkdir -p "$probe/natives/$dir"
  mv "$probe"/natives/*/* "$probe/natives/$dir/$lib" 2>/dev/null || true
  find "$probe/natives" -mindepth 1 -type d -empty -delete
  sed -i "s/^Automatic-Module-Name: .*/Automatic-Module-Name: io.kcp.natives.${other//-/_}\r/" \
    "$probe/META-INF/MANIFEST.MF"
  (cd "$probe" && "$JAR" cfm "kcp-java-0-$other.jar" META-INF/MANIFEST.MF natives)
  if native/check-natives.sh "$probe/kcp-java-0-$other.jar" >/dev/null 2>"$probe/err"; then
    rm -rf "$probe"; die "check-natives.sh accepts $cls's library in a $other jar"
  fi
  echo "check-natives.sh rejects $cls's library in a $other jar: $(cat "$probe/err")"
  rm -rf "$probe"
}

# ---- cross builds: the C tests of each platform jar, under qemu (AArch64) and wine (Windows) --
cross_ctest() {
  local cls dir ran=0
  for cls in $PLATFORMS; do
    [ "$cls" = "$(host_classifier)" ] && continue
    dir=java/target/cmake-$cls
    [ -d "$dir" ] || die "no $dir: the natives-* Maven profiles did not build $cls"
    if ! grep -q '^add_test' "$dir/CTestTestfile.cmake" 2>/dev/null; then
      echo "$cls: built and checked statically; nothing here runs its programs"
      continue
    fi
    # The emulator is the command in front of each test program (cmake/toolchain-*.cmake).
    section "ctest $cls, run by $(sed -n 's/^add_test([a-z_0-9]* "\([^"]*\)".*/\1/p' "$dir/CTestTestfile.cmake" | head -1)"
    ctest --test-dir "$dir" --output-on-failure --no-tests=error || die "C tests of $cls failed"
    ran=$((ran + 1))
  done
  echo "C tests ran for $ran cross-built platform(s)"
}

# ---- the C kernel on its own: ASan/UBSan, fuzzing ------------------------------------------
asan() {
  cmake -S . -B build/asan -DKCP_JNI=OFF -DKCP_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS_DEBUG="-g -O1"
  cmake --build build/asan --parallel "$JOBS"
  ctest --test-dir build/asan --output-on-failure --no-tests=error
}

fuzz() {
  command -v clang >/dev/null || die "fuzzing needs clang (apt-get install clang libclang-rt-14-dev)"
  CC=clang cmake -S . -B build/fuzz -DKCP_JNI=OFF -DKCP_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS_DEBUG="-g -O1"
  cmake --build build/fuzz --parallel "$JOBS"
  local srcs=(native/fuzz/*.c)
  if [ ! -e "${srcs[0]}" ]; then
    echo "no fuzz targets in native/fuzz/"
    return
  fi
  local src name seeds
  for src in "${srcs[@]}"; do
    name=$(basename "$src" .c)
    [[ $name == fuzz* ]] || name=fuzz_$name
    section "fuzz $name for ${FUZZ_SECONDS}s"
    mkdir -p "build/fuzz/corpus/$name" "build/fuzz/artifacts"
    # Checked-in seeds (native/fuzz/seeds/<target>/) are read; new inputs go to build/.
    seeds=()
    [ -d "native/fuzz/seeds/$name" ] && seeds=("native/fuzz/seeds/$name")
    ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "build/fuzz/$name" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$name-" \
      "build/fuzz/corpus/$name" "${seeds[@]}" \
      || die "fuzz target $name found a problem (see build/fuzz/artifacts/)"
  done
}

# ---- chaos: attacks, faults, races and a lossy soak, on both kernels ---------------------------
chaos() {
  mkdir -p target/logs
  # test-compile first, so that the relay's classes are there for the library's tests
  "${MVN[@]}" -pl java -am "$@" test-compile surefire:test@chaos-native surefire:test@chaos-java 2>&1 \
    | tee target/logs/chaos.log \
    || { summarize_chaos; die "chaos stage failed"; }
  summarize_chaos
  local ok
  ok=$(cat java/target/surefire-reports-chaos-*/*-output.txt 2>/dev/null | grep -cE '^chaos: [0-9]+ scenarios, 0 failed' || true)
  [ "$ok" = 2 ] || die "chaos stage: expected a clean summary from each kernel"
}

summarize_chaos() {
  cat java/target/surefire-reports-chaos-*/*-output.txt 2>/dev/null | grep -E '^chaos' || true
}

# ---- the hostile-traffic table: CPU and memory per attack datagram, on each kernel ----------
attack_table() {
  [ -d java/target/test-classes ] || maven test-compile -DskipTests
  local cp kernel
  cp="java/target/test-classes:java/target/classes:java/target/native:$(cat java/target/runtime-classpath.txt)"
  for kernel in require disable; do
    "$JAVA" --enable-native-access=ALL-UNNAMED -Xms1g -Xmx1g -XX:+AlwaysPreTouch \
      -Dkcp.native=$kernel -cp "$cp" \
      io.kcp.AttackCost "$@"
  done
}

bench() {
  maven package -Pbench -DskipTests
  section "JMH"
  "$JAVA" --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar "$@"
}

# Maven's log, one short line per module step ("kcp-java: cmake-build"), for builds run quietly.
build_progress() {
  sed -nu 's/^\[INFO\] --- \([^ ]*\) (\([^)]*\)) @ \([^ ]*\) ---$/  \3: \2/p'
}

MODE=${1:-all}
# CI's full run starts clean; the quick loop is incremental unless CLEAN=1.
if [ "$MODE" = all ]; then CLEAN=${CLEAN:-1}; else CLEAN=${CLEAN:-0}; fi

case "$MODE" in
  all)
    interop_preflight
    stage "maven verify (native, ctest, Java tests x2, jars)" maven verify -Pbench
    stage "-Xcheck:jni check" check_jni
    stage "cross ctest (qemu, wine)" cross_ctest
    stage "chaos (both kernels)" chaos
    stage "packaging check" check_packaging
    stage "ASan/UBSan ctest" asan
    stage "fuzz" fuzz
    summary
    ;;
  test)
    interop_preflight
    stage "maven test (native, ctest, Java tests x2)" maven test -Pbench
    stage "-Xcheck:jni check" check_jni
    summary
    ;;
  cross)
    stage "maven package (all platform jars, no Java tests)" maven package -DskipTests
    stage "cross ctest (qemu, wine)" cross_ctest
    stage "packaging check" check_packaging
    summary
    ;;
  asan) stage "ASan/UBSan ctest" asan; summary ;;
  fuzz) stage "fuzz" fuzz; summary ;;
  chaos) stage "chaos (both kernels)" chaos; summary ;;
  attack-table) shift; attack_table "$@" ;;
  chaos-long)
    stage "chaos, long (both kernels)" chaos -Dkcp.chaos.soakMiB=1024 -Dkcp.chaos.floodSeconds=600 \
      -Dkcp.chaos.forkTimeout=7200
    summary
    ;;
  bench) shift; bench "$@" ;;
  bench-table) maven package -Pbench -DskipTests && bench/table.sh ;;
  demo)
    shift
    section "build (no tests)"
    maven package -DskipTests | build_progress || { tail -40 target/logs/maven.log >&2; die "build failed"; }
    section "bin/kcp demo $*"
    exec bin/kcp demo "$@"
    ;;
  -h|--help|help) sed -n '2,/^set -e/{/^set -e/!p}' "$0" ;;
  *) sed -n '2,/^set -e/{/^set -e/!p}' "$0" >&2; exit 2 ;;
esac
