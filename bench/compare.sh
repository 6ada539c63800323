#!/usr/bin/env bash
# kcp-java (native kernel, Java kernel) against kcp-go 5.6.1, side by side in one sitting on
# loopback: bulk MB/s each way, the server's CPU time per GB moved, and ping round trips, for
# plain, FEC 10/3, aes-128 and both, at windows 1024 and 4096. Each implementation talks to
# itself (client and server of one kind); the kcp-java columns are also given as ratios to
# kcp-go's.
#
# Sessions: nodelay 1, interval 10, resend 2, nc 1, MTU 1400, kcptun's key derivation.
# Bulk, each way: a first client run of WARMUPS (6) transfers warms the server up and is not
# counted (a JVM's JIT compiles the bulk path over the first few hundred MB, and its compiler
# threads' CPU would count otherwise: an aes-128 upload server compiled 120, 66, 48, 18 and 9
# methods in its first five 64 MiB transfers, and C2 was a fifth of its CPU in transfers 5-12);
# then
# one client run of REPS+1 transfers of BYTES. MB/s (MB = 10^6 bytes) is the median of its last
# REPS (its first pays the client JVM's warm-up). CPU s/GB is the server process's CPU time (user
# + system, all threads: utime + stime of /proc/PID/stat, in 1/CLK_TCK steps) over that whole
# client run, per 10^9 payload bytes it moved (REPS+1 transfers): lower is better; a step of
# 10 ms is 0.15 s/GB at the default BYTES and REPS. Ping: PINGS 64-byte round trips after as many
# uncounted ones, on the server that just did the bulk transfers; p50 and p99 in microseconds.
# Then a ping table from fresh programs (see ping_runs): fresh and warm p50, p99 and max.
#
# Usage: bench/compare.sh [BYTES]   (default 16 MiB; needs ./build.sh or mvn -DskipTests package
#        first, and Go with Debian's kcp-go packages)
# Then the aggregate of SESSIONS (64) concurrent sessions, each moving SESSION_BYTES (4 MiB) each
# way, for plain and FEC 10/3 + aes-128 at window 1024, measured as a bulk figure with REPS 1
# (a warm-up run, then a run of two: MB/s of the second, CPU s/GB over both).
#
# Outputs besides the tables: target/compare.tsv, every figure as a tab-separated row (kind bulk,
# cross, ping-fresh, ping-warm or aggregate; FAIL for a failed measurement, - for none), and target/compare.svg, a chart
# drawn from it by bench/compare-chart.awk: per window and config, each implementation's MB/s
# up and down, ping p99 and server CPU s/GB. A FAIL shows there as a red FAIL mark, not a bar.
# `awk -f bench/compare-chart.awk target/compare.tsv > chart.svg` redraws it.
#
# Environment: REPS (3), WARMUPS (6), PINGS (2000), WINDOWS ("1024 4096"), KERNELS ("native java"),
# CONFIGS (a subset of "plain fec aes fec+aes"), CROSS (1: also java<->go pairs, for interop),
# JAVA_FLAGS (extra flags for kcp-java's commands only, e.g. --ackclocking=false for kcp-go
# 5.6.1's ACK timing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bytes=${1:-16777216}
[[ $bytes =~ ^[0-9]+$ ]] || { echo "BYTES must be a plain number (kcpgo-peer takes no suffixes)" >&2; exit 2; }
reps=${REPS:-3}
warmups=${WARMUPS:-6}
pings=${PINGS:-2000}
windows=${WINDOWS:-1024 4096}
kernels=${KERNELS:-native java}
configs=${CONFIGS:-plain fec aes fec+aes}
sessions=${SESSIONS:-64}
session_bytes=${SESSION_BYTES:-4194304}
java_flags=${JAVA_FLAGS:-}
kcp=$root/bin/kcp
tck=$(getconf CLK_TCK)
mkdir -p "$root/target"
peer=$("$root/conformance/peer/build.sh" "$root/target/kcpgo-peer")
"$kcp" --help >/dev/null # fails early, with its message, when the build is missing

work=$(mktemp -d)
srv_pid=
# A FAIL in the table keeps the clients' and the servers' stderr for a look afterwards.
cleanup() {
  [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null
  if [ -f "$work/failed" ]; then
    cat "$work"/cli.err "$work"/srv.err.* > "$root/target/compare-failures.log" 2>/dev/null
    echo "some figures are FAIL: the programs' stderr is in target/compare-failures.log" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT

flags_of() { # config
  case $1 in
    plain) echo "--crypt null --datashard 0 --parityshard 0" ;;
    fec) echo "--crypt null --datashard 10 --parityshard 3" ;;
    aes) echo "--crypt aes-128 --datashard 0 --parityshard 0" ;;
    fec+aes) echo "--crypt aes-128 --datashard 10 --parityshard 3" ;;
    *) echo "unknown config $1 (plain fec aes fec+aes)" >&2; exit 2 ;;
  esac
}

# The command of an implementation: go, or java with a kernel.
cmd_of() { # impl role
  case $1 in
    go) echo "$peer $2" ;;
    java-*) if [ "$2" = server ]; then echo "$kcp echo-server --kernel ${1#java-} $java_flags"
            else echo "$kcp client --kernel ${1#java-} $java_flags"; fi ;;
  esac
}

start_server() { # impl flags...
  local impl=$1; shift
  rm -f "$work/srv.out"
  # shellcheck disable=SC2046 # the command is a word list
  srv_n=$((${srv_n:-0} + 1))
  $(cmd_of "$impl" server) --listen 127.0.0.1:0 "$@" >"$work/srv.out" 2>"$work/srv.err.$srv_n" &
  srv_pid=$!
  local tries=0
  until grep -q '^LISTENING ' "$work/srv.out" 2>/dev/null; do
    tries=$((tries + 1))
    [ $tries -le 300 ] || { cat "$work/srv.err.$srv_n" >&2; echo "server did not start" >&2; exit 1; }
    sleep 0.05
  done
  addr=$(sed -n 's/^LISTENING addr=//p' "$work/srv.out")
}

stop_server() { kill "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null || true; srv_pid=; }

# RESULT lines of N runs of one request: a Java client makes them in one JVM (--repeat).
runs() { # impl n flags...
  local impl=$1 n=$2 i; shift 2
  # shellcheck disable=SC2046
  if [ "$impl" = go ]; then
    for ((i = 0; i < n; i++)); do
      $(cmd_of go client) --remote "$addr" --timeout 120 "$@" 2>>"$work/cli.err" || { echo FAIL; touch "$work/failed"; }
    done
  else
    $(cmd_of "$impl" client) --remote "$addr" --timeout 120 --repeat "$n" "$@" 2>>"$work/cli.err" \
      || { echo FAIL; touch "$work/failed"; }
  fi
}

# The CPU time the process PID has used so far, user + system, of all its threads (also those
# that ended), in clock ticks; "?" when it is gone.
cpu_ticks() { # pid
  local stat fields
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || { echo '?'; return 0; }
  # Fields after the command name, which may hold spaces: state is [0], utime [11], stime [12].
  read -r -a fields <<<"${stat##*) }"
  echo $((fields[11] + fields[12]))
}

# One bulk figure, "MB/s s/GB": a client run of one request warms the server up (not counted);
# then a client run of N+1 requests: MB/s is the median of its last N, s/GB the server's CPU
# seconds over the whole run per 10^9 payload bytes of its N+1 RESULT lines. "FAIL FAIL" when a
# request failed; s/GB is "-" when the server's CPU time could not be read.
measure() { # impl n flags...
  local impl=$1 n=$2; shift 2
  local out t0 t1
  out=$(runs "$impl" "$warmups" "$@")
  grep -q FAIL <<<"$out" && { echo "FAIL FAIL"; return; }
  t0=$(cpu_ticks "$srv_pid")
  out=$(runs "$impl" $((n + 1)) "$@")
  t1=$(cpu_ticks "$srv_pid")
  grep -q FAIL <<<"$out" && { echo "FAIL FAIL"; return; }
  grep '^RESULT' <<<"$out" | awk -v want=$((n + 1)) -v t0="$t0" -v t1="$t1" -v tck="$tck" '
    { for (i = 1; i <= NF; i++) {
        eq = index($i, "="); k = substr($i, 1, eq - 1); v = substr($i, eq + 1)
        if (k == "ok" && v != "true") bad = 1
        else if (k == "bytes") total += v
        else if (k == "mbps" && NR > 1) { m++; mb[m] = v / 8 }
      } }
    END {
      if (NR != want || bad || m == 0 || total <= 0) { print "FAIL FAIL"; exit }
      for (i = 2; i <= m; i++)  # insertion sort of the counted MB/s
        for (j = i; j > 1 && mb[j - 1] > mb[j]; j--) { x = mb[j]; mb[j] = mb[j - 1]; mb[j - 1] = x }
      cpu = (t0 ~ /^[0-9]+$/ && t1 ~ /^[0-9]+$/) ? sprintf("%.2f", (t1 - t0) / tck / (total / 1e9)) : "-"
      printf "%.1f %s\n", mb[int((m + 1) / 2)], cpu
    }'
}

# Two ping runs of PINGS round trips in one client: "p50 p99 max max2" of the first run, then of
# the second (us), or FAILs. max2 is the largest after each session's first round trip, which also
# pays for the server setting the session up.
ping_runs() { # impl flags...
  local impl=$1; shift
  local out fails="FAIL FAIL FAIL FAIL FAIL FAIL FAIL FAIL"
  out=$(runs "$impl" 2 --op ping --count "$pings" "$@")
  grep -q FAIL <<<"$out" && { echo "$fails"; return; }
  grep '^RESULT' <<<"$out" \
    | sed -n 's/.* rtt_p50_ms=\([0-9.]*\) rtt_p99_ms=\([0-9.]*\) rtt_max_ms=\([0-9.]*\) rtt_max_after_first_ms=\([0-9.]*\).*/\1 \2 \3 \4/p' \
    | awk -v fails="$fails" '{for (i = 1; i <= 4; i++) v[++n] = sprintf("%.0f", $i * 1000)}
           END {if (n != 8) print fails; else print v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }

impls=(go)
for k in $kernels; do impls+=("java-$k"); done

# Every figure, one tab-separated row each, for the chart and for a look afterwards.
tsv=$root/target/compare.tsv
svg=$root/target/compare.svg
printf 'kind\tconfig\twindow\timpl\tup_MBps\tdown_MBps\tp50_us\tp99_us\tup_cpu_s_per_GB\tdown_cpu_s_per_GB\n' >"$tsv"
tsv_row() { local IFS=$'\t'; echo "$*" >>"$tsv"; } # kind config window impl up down p50 p99 cpu_up cpu_down

# A row of the bulk table: config wnd impl, MB/s up down, ping p50 p99, MB/s ratios up down,
# CPU s/GB up down, CPU ratios up down.
row() { printf '%-7s %4s %-14s %8s %8s %7s %7s %6s %6s %8s %8s %6s %6s\n' "$@"; }

echo "loopback, $(nproc) cores, $((bytes / 1048576)) MiB x $reps per bulk figure, $pings pings; ratios: kcp-java / kcp-go"
echo "CPU s/GB: the server's user+system seconds per 10^9 bytes over $((reps + 1)) transfers" \
  "(in steps of $(awk -v t="$tck" -v b=$(((reps + 1) * bytes)) 'BEGIN { printf "%.2g", 1 / t / (b / 1e9) }')); lower is better"
printf '%-27s %17s %15s %13s %17s %13s\n' "" "------ MB/s -----" "--- ping us ---" "- MB/s / go -" \
  "--- CPU s/GB ----" "- CPU / go --"
row config wnd impl up down p50 p99 up down up down up down
for wnd in $windows; do
  for cfg in $configs; do
    read -r -a flags <<<"$(flags_of "$cfg")"
    flags=(--mode manual --nodelay 1 --interval 10 --resend 2 --nc 1 --sndwnd "$wnd" --rcvwnd "$wnd"
           --mtu 1400 --key bench "${flags[@]}")
    go_up='' go_down='' go_cpu_up='' go_cpu_down=''
    for impl in "${impls[@]}"; do
      start_server "$impl" "${flags[@]}"
      read -r up cpu_up <<<"$(measure "$impl" "$reps" --op upload --bytes "$bytes" "${flags[@]}")"
      read -r down cpu_down <<<"$(measure "$impl" "$reps" --op download --bytes "$bytes" "${flags[@]}")"
      read -r _ _ _ _ p50 p99 _ _ <<<"$(ping_runs "$impl" "${flags[@]}")" # the second run's
      stop_server
      if [ "$impl" = go ]; then go_up=$up go_down=$down go_cpu_up=$cpu_up go_cpu_down=$cpu_down; fi
      row "$cfg" "$wnd" "$impl" "$up" "$down" "$p50" "$p99" "$(ratio "$up" "$go_up")" "$(ratio "$down" "$go_down")" \
        "$cpu_up" "$cpu_down" "$(ratio "$cpu_up" "$go_cpu_up")" "$(ratio "$cpu_down" "$go_cpu_down")"
      tsv_row bulk "$cfg" "$wnd" "$impl" "$up" "$down" "$p50" "$p99" "$cpu_up" "$cpu_down"
    done
    if [ "${CROSS:-0}" = 1 ]; then
      for k in $kernels; do
        for pair in "java-$k:go" "go:java-$k"; do
          client=${pair%%:*} server=${pair#*:}
          start_server "$server" "${flags[@]}"
          read -r up cpu_up <<<"$(measure "$client" "$reps" --op upload --bytes "$bytes" "${flags[@]}")"
          read -r down cpu_down <<<"$(measure "$client" "$reps" --op download --bytes "$bytes" "${flags[@]}")"
          stop_server
          row "$cfg" "$wnd" "$client>$server" "$up" "$down" - - - - "$cpu_up" "$cpu_down" - -
          tsv_row cross "$cfg" "$wnd" "$client>$server" "$up" "$down" - - "$cpu_up" "$cpu_down"
        done
      done
    fi
  done
done

# Ping from fresh programs: each implementation's server and client start anew for it (kcp-java's
# server with --warmup 30000, as its ping client does by default: the warm-up at start-up the
# issue allows). The first run of PINGS round trips is the fresh figure, the second the warm one.

echo
echo "ping, 64 B, window 1024, fresh programs, $pings round trips per run: p50, p99, max and max2 in us"
echo "(max2: the largest after the session's first round trip, which also pays for its setup);"
echo "fresh = the programs' first run (after kcp-java's start-up warm-up), warm = their second;"
echo "a>b: client a, server b (kcp-go's peer runs its ping client afresh for each run)"
printf '%-22s %31s %31s %13s\n' "" "------------ fresh ------------" "------------- warm ------------" "- p99 / go --"
ping_row() { printf '%-7s %-14s %7s %7s %7s %7s %7s %7s %7s %7s %6s %6s\n' "$@"; }
ping_row config impl p50 p99 max max2 p50 p99 max max2 fresh warm
for cfg in plain fec+aes; do
  read -r -a flags <<<"$(flags_of "$cfg")"
  flags=(--mode manual --nodelay 1 --interval 10 --resend 2 --nc 1 --sndwnd 1024 --rcvwnd 1024
         --mtu 1400 --key bench "${flags[@]}")
  for impl in "${impls[@]}"; do
    if [ "$impl" = go ]; then start_server go "${flags[@]}"; else start_server "$impl" --warmup 30000 "${flags[@]}"; fi
    read -r f50 f99 fmax fmax2 w50 w99 wmax wmax2 <<<"$(ping_runs "$impl" "${flags[@]}")"
    stop_server
    if [ "$impl" = go ]; then go_f99=$f99 go_w99=$w99; fi
    ping_row "$cfg" "$impl" "$f50" "$f99" "$fmax" "$fmax2" "$w50" "$w99" "$wmax" "$wmax2" \
      "$(ratio "$f99" "$go_f99")" "$(ratio "$w99" "$go_w99")"
    tsv_row ping-fresh "$cfg" 1024 "$impl" - - "$f50" "$f99" - -
    tsv_row ping-warm "$cfg" 1024 "$impl" - - "$w50" "$w99" - -
  done
  # Each kcp-java side alone against kcp-go: one JVM on the machine instead of two, as when
  # client and server run on different hosts.
  for k in $kernels; do
    for pair in "java-$k:go" "go:java-$k"; do
      client=${pair%%:*} server=${pair#*:}
      if [ "$server" = go ]; then start_server go "${flags[@]}"; else start_server "$server" --warmup 30000 "${flags[@]}"; fi
      read -r f50 f99 fmax fmax2 w50 w99 wmax wmax2 <<<"$(ping_runs "$client" "${flags[@]}")"
      stop_server
      ping_row "$cfg" "$client>$server" "$f50" "$f99" "$fmax" "$fmax2" "$w50" "$w99" "$wmax" "$wmax2" \
        "$(ratio "$f99" "$go_f99")" "$(ratio "$w99" "$go_w99")"
      tsv_row ping-fresh "$cfg" 1024 "$client>$server" - - "$f50" "$f99" - -
      tsv_row ping-warm "$cfg" 1024 "$client>$server" - - "$w50" "$w99" - -
    done
  done
done

echo
echo "$sessions concurrent sessions, $((session_bytes / 1048576)) MiB each way per session, window 1024: aggregate MB/s"
echo "(of the second of a run of two) and the server's CPU s/GB (over both)"
printf '%-22s %17s %13s %17s %13s\n' "" "------ MB/s -----" "- MB/s / go -" "--- CPU s/GB ----" "- CPU / go --"
printf '%-7s %-14s %8s %8s %6s %6s %8s %8s %6s %6s\n' config impl up down up down up down up down
for cfg in plain fec+aes; do
  read -r -a flags <<<"$(flags_of "$cfg")"
  flags=(--mode manual --nodelay 1 --interval 10 --resend 2 --nc 1 --sndwnd 1024 --rcvwnd 1024
         --mtu 1400 --key bench "${flags[@]}")
  for impl in "${impls[@]}"; do
    start_server "$impl" "${flags[@]}"
    read -r up cpu_up <<<"$(measure "$impl" 1 --op upload --bytes "$session_bytes" --sessions "$sessions" "${flags[@]}")"
    read -r down cpu_down <<<"$(measure "$impl" 1 --op download --bytes "$session_bytes" --sessions "$sessions" "${flags[@]}")"
    stop_server
    if [ "$impl" = go ]; then go_up=$up go_down=$down go_cpu_up=$cpu_up go_cpu_down=$cpu_down; fi
    printf '%-7s %-14s %8s %8s %6s %6s %8s %8s %6s %6s\n' "$cfg" "$impl" "$up" "$down" \
      "$(ratio "$up" "$go_up")" "$(ratio "$down" "$go_down")" "$cpu_up" "$cpu_down" \
      "$(ratio "$cpu_up" "$go_cpu_up")" "$(ratio "$cpu_down" "$go_cpu_down")"
    tsv_row aggregate "$cfg" 1024 "$impl" "$up" "$down" - - "$cpu_up" "$cpu_down"
  done
done

awk -v subtitle="loopback, $(nproc) cores, $((bytes / 1048576)) MiB x $reps per bulk figure, $pings pings" \
  -f "$root/bench/compare-chart.awk" "$tsv" >"$svg"
echo
echo "figures: $tsv"
echo "chart:   $svg"
