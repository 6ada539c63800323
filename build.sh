#!/usr/bin/env bash
# The one entry point for building and testing kcp-java (CI runs `./build.sh`).
#
#   ./build.sh              everything: native + Java build, ctest, Java tests on both kernels,
#                           jars, -Xcheck:jni check, chaos stage, packaging check, ASan/UBSan
#                           ctest, fuzzing
#   ./build.sh test         quick: native + Java build, ctest, Java tests on both kernels
#   ./build.sh asan         the C kernel and its tests under ASan/UBSan (build/asan)
#   ./build.sh fuzz         build and run every fuzz target for FUZZ_SECONDS each (build/fuzz)
#   ./build.sh chaos        the chaos stage alone, on both kernels (builds first if needed)
#   ./build.sh chaos-long   the same with a 1 GiB soak and 10-minute floods (about an hour)
#   ./build.sh attack-table [n]  what each kind of hostile datagram costs (CPU, memory), per kernel
#   ./build.sh bench [args] build target/benchmarks.jar and run JMH with args
#   ./build.sh bench-table  build it and print the RS / CRC32 / cipher throughput table
#   ./build.sh demo [flags] build (no tests) and run `bin/kcp demo`: plain KCP vs FEC + aes
#                           through a lossy, delaying relay on loopback
#
# Environment: JAVA_HOME (the JDK Maven and the tests use), FUZZ_SECONDS (default 60 per target),
# MVN_ARGS (extra Maven arguments).
set -euo pipefail

cd "$(dirname "$0")"
ROOT=$PWD
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
MVN=(mvn -B -ntp -Dstyle.color=never ${MVN_ARGS:-})
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAR=${JAVA_HOME:+$JAVA_HOME/bin/}jar
JOBS=$(nproc 2>/dev/null || echo 2)

TIMINGS=()
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
  echo "  all stages passed"
}

# ---- Maven: native library, Java, ctest, Java tests on both kernels, jars ----------------
maven() {
  local goal=$1; shift
  rm -rf target  # javac -h skips up-to-date classes, so a stale header tree is never trusted
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

  local reports=(target/surefire-reports*)
  [ -e "${reports[0]}" ] || die "no target/surefire-reports* to check: did the tests run?"
  local found
  if found=$(jni_findings "${reports[@]}" target/logs); then
    echo "-Xcheck:jni findings in:"
    echo "$found"
    grep -rhE -A3 "$JNI_FINDINGS" $found | head -60
    die "-Xcheck:jni reported problems in native code"
  fi
  echo "no -Xcheck:jni findings in ${reports[*]} and target/logs"
}

# ---- packaging: main jar = classes, platform jar = the library, and they work together -----
natives_dir_for_host() {
  local os cpu
  case "$(uname -s)" in
    Linux) os=linux ;; Darwin) os=osx ;; MINGW*|MSYS*|CYGWIN*) os=windows ;; *) echo unknown; return ;;
  esac
  case "$(uname -m)" in
    x86_64|amd64) cpu=64 ;; aarch64|arm64) cpu=arm64 ;; *) echo unknown; return ;;
  esac
  echo "${os}_${cpu}"
}

manifest_value() { # jar key
  local dir
  dir=$(mktemp -d)
  (cd "$dir" && "$JAR" xf "$ROOT/$1" META-INF/MANIFEST.MF)
  sed -n "s/^$2: *//p" "$dir/META-INF/MANIFEST.MF" | tr -d '\r'
  rm -rf "$dir"
}

check_packaging() {
  local main natives dir lib
  local jar
  main='' natives=''
  for jar in target/kcp-java-*.jar; do
    case "$jar" in
      *-sources.jar|*-javadoc.jar) continue ;;
      *-linux-*.jar|*-osx-*.jar|*-windows-*.jar) natives=$jar ;;
      *) main=$jar ;;
    esac
  done
  [ -f "$main" ] || die "main jar missing"
  [ -f "$natives" ] || die "platform jar missing"
  dir=$(natives_dir_for_host)
  lib=natives/$dir/libkcpjava.so
  echo "main jar:     $main"
  echo "platform jar: $natives"

  # The main jar runs anywhere on the Java kernel: classes (and metadata) only.
  local stray
  stray=$("$JAR" tf "$main" | grep -vE '^(META-INF/.*|module-info\.class|io/|io/kcp/(.*/)?|io/kcp/.*\.class)$' || true)
  [ -z "$stray" ] || die "main jar holds more than classes: $stray"
  "$JAR" tf "$main" | grep -qx 'io/kcp/kernel/NativeLibrary.class' || die "main jar lacks the loader"
  [ "$(manifest_value "$main" Automatic-Module-Name)" = io.kcp ] \
    || "$JAR" tf "$main" | grep -qx module-info.class || die "main jar has no module name"

  # The platform jar holds exactly the library, where native-lib-loader looks for it.
  local want got
  want=$(printf '%s\n' META-INF/ META-INF/MANIFEST.MF natives/ "natives/$dir/" "$lib" | sort)
  got=$("$JAR" tf "$natives" | sort)
  [ "$want" = "$got" ] || die "platform jar content: expected
$want
got
$got"
  local module
  module=$(manifest_value "$natives" Automatic-Module-Name)
  [[ $module =~ ^io\.kcp\.natives\.[a-z0-9_]+$ ]] || die "platform jar module name '$module'"
  echo "contents ok; platform jar module: $module"

  if [ "$(uname -s)" = Linux ]; then
    local so=target/native/$lib
    echo "GLIBC symbol versions $so needs (the oldest glibc it runs on is the newest of these):"
    objdump -T "$so" | grep -oE 'GLIBC_[0-9.]+' | sort -uV | sed 's/^/  /'
    echo "shared libraries it needs:"
    readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/  \1/p'
    ! readelf -d "$so" | grep -q 'libjvm' || die "$so links libjvm"
    # Only JNI entry points leave the library (-fvisibility=hidden).
    local exported
    exported=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -vE '^(Java_|JNI_On)' || true)
    [ -z "$exported" ] || die "$so exports non-JNI symbols: $exported"
    readelf -d "$so" | grep -qE 'BIND_NOW|FLAGS_1.*NOW' || die "$so not linked with -z now"
    readelf -lW "$so" | grep -q GNU_RELRO || die "$so not linked with -z relro"
    ! readelf -lW "$so" | grep GNU_STACK | grep -q RWE || die "$so has an executable stack"
    ! readelf -d "$so" | grep -q TEXTREL || die "$so has text relocations"
    echo "exports only JNI symbols; relro, now, noexecstack ok"
  fi

  # Sources and javadoc jars for publishing.
  local sources javadoc
  sources=$(ls target/kcp-java-*-sources.jar 2>/dev/null | head -1)
  javadoc=$(ls target/kcp-java-*-javadoc.jar 2>/dev/null | head -1)
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
  local probe deps out want
  probe=$(mktemp -d)
  cp java/src/consumer/Probe.java "$probe/Probe.java"
  deps=$(tr ':' '\n' < target/runtime-classpath.txt | grep -E 'native-lib-loader|slf4j-api' | paste -sd: -)
  want=$'kernel=NATIVE\necho=hello\nsalsa20=names bcprov'
  out=$("$JAVA" --enable-native-access=ALL-UNNAMED -Xcheck:jni -Dkcp.native=require \
    -Djava.library.path="$probe" -cp "$main:$natives:$deps" "$probe/Probe.java" 2>"$probe/err") \
    || { cat "$probe/err"; echo "$out"; rm -rf "$probe"; die "class path: the jars do not work"; }
  if grep -qE "$JNI_FINDINGS" "$probe/err"; then cat "$probe/err"; rm -rf "$probe"; die "-Xcheck:jni finding"; fi
  [ "$out" = "$want" ] || { rm -rf "$probe"; die "class path: unexpected output: $out"; }
  if grep -v '^WARNING' "$probe/err" | grep -q .; then
    cat "$probe/err"; rm -rf "$probe"; die "class path: something printed to stderr"
  fi
  echo "class path: $(echo "$out" | paste -sd' ' -)"
  out=$("$JAVA" --enable-native-access=io.kcp -Dkcp.native=require -Djava.library.path="$probe" \
    --module-path "$main:$natives:$deps" --add-modules "io.kcp,$module" "$probe/Probe.java" \
    2>"$probe/err") || { cat "$probe/err"; echo "$out"; rm -rf "$probe"; die "module path: the jars do not work"; }
  [ "$out" = "$want" ] || { rm -rf "$probe"; die "module path: unexpected output: $out"; }
  if [ -s "$probe/err" ]; then cat "$probe/err"; rm -rf "$probe"; die "module path: something printed to stderr"; fi
  echo "module path: $(echo "$out" | paste -sd' ' -), nothing on stderr"
  rm -rf "$probe"
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
  [ -d target/test-classes ] || maven test-compile -DskipTests
  mkdir -p target/logs
  "${MVN[@]}" "$@" surefire:test@chaos-native surefire:test@chaos-java 2>&1 | tee target/logs/chaos.log \
    || { summarize_chaos; die "chaos stage failed"; }
  summarize_chaos
  local ok
  ok=$(cat target/surefire-reports-chaos-*/*-output.txt 2>/dev/null | grep -cE '^chaos: [0-9]+ scenarios, 0 failed' || true)
  [ "$ok" = 2 ] || die "chaos stage: expected a clean summary from each kernel"
}

summarize_chaos() {
  cat target/surefire-reports-chaos-*/*-output.txt 2>/dev/null | grep -E '^chaos' || true
}

# ---- the hostile-traffic table: CPU and memory per attack datagram, on each kernel ----------
attack_table() {
  [ -d target/test-classes ] || maven test-compile -DskipTests
  local cp kernel
  cp="target/test-classes:target/classes:target/native:$(cat target/runtime-classpath.txt)"
  for kernel in require disable; do
    "$JAVA" --enable-native-access=ALL-UNNAMED -Xms1g -Xmx1g -XX:+AlwaysPreTouch \
      -Dkcp.native=$kernel -cp "$cp" \
      io.kcp.AttackCost "$@"
  done
}

bench() {
  maven package -Pbench -DskipTests
  section "JMH"
  "$JAVA" --enable-native-access=ALL-UNNAMED -jar target/benchmarks.jar "$@"
}

case "${1:-all}" in
  all)
    stage "maven verify (native, ctest, Java tests x2, jars)" maven verify
    stage "-Xcheck:jni check" check_jni
    stage "chaos (both kernels)" chaos
    stage "packaging check" check_packaging
    stage "ASan/UBSan ctest" asan
    stage "fuzz" fuzz
    summary
    ;;
  test)
    stage "maven test (native, ctest, Java tests x2)" maven test
    stage "-Xcheck:jni check" check_jni
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
    maven package -q -DskipTests >/dev/null || { tail -40 target/logs/maven.log >&2; die "build failed"; }
    section "bin/kcp demo $*"
    exec bin/kcp demo "$@"
    ;;
  -h|--help|help) sed -n '2,20p' "$0" ;;
  *) sed -n '2,20p' "$0" >&2; exit 2 ;;
esac
