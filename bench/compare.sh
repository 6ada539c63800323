#!/usr/bin/env bash
# kcp-java (native kernel, Java kernel) against kcp-go 5.6.1, side by side in one sitting on
# loopback: bulk MB/s each way and ping round trips, for plain, FEC 10/3, aes-128 and both, at
# windows 1024 and 4096. Each implementation talks to itself (client and server of one kind);
# the kcp-java columns are also given as ratios to kcp-go's.
#
# Sessions: nodelay 1, interval 10, resend 2, nc 1, MTU 1400, kcptun's key derivation.
# Bulk: median of REPS transfers of BYTES (MB = 10^6 bytes); one more transfer goes first and is
# not counted (it pays the JVMs' warm-up). Ping: PINGS 64-byte round trips after as many
# uncounted ones; p50 and p99 in microseconds.
#
# Usage: bench/compare.sh [BYTES]   (default 16 MiB; needs ./build.sh or mvn -DskipTests package
#        first, and Go with Debian's kcp-go packages)
# Then the aggregate of SESSIONS (64) concurrent sessions, each moving SESSION_BYTES (4 MiB) each
# way, for plain and FEC 10/3 + aes-128 at window 1024 (one run, after a warm-up run).
#
# Environment: REPS (3), PINGS (2000), WINDOWS ("1024 4096"), KERNELS ("native java"),
# CONFIGS (a subset of "plain fec aes fec+aes"), CROSS (1: also java<->go pairs, for interop),
# JAVA_FLAGS (extra flags for kcp-java's commands only, e.g. --ackclocking=false for kcp-go
# 5.6.1's ACK timing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bytes=${1:-16777216}
[[ $bytes =~ ^[0-9]+$ ]] || { echo "BYTES must be a plain number (kcpgo-peer takes no suffixes)" >&2; exit 2; }
reps=${REPS:-3}
pings=${PINGS:-2000}
windows=${WINDOWS:-1024 4096}
kernels=${KERNELS:-native java}
configs=${CONFIGS:-plain fec aes fec+aes}
sessions=${SESSIONS:-64}
session_bytes=${SESSION_BYTES:-4194304}
java_flags=${JAVA_FLAGS:-}
kcp=$root/bin/kcp
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

# Median MB/s of REPS counted transfers, or FAIL.
bulk() { # impl op flags...
  local impl=$1 op=$2; shift 2
  local out
  out=$(runs "$impl" $((reps + 1)) --op "$op" --bytes "$bytes" "$@")
  grep -q FAIL <<<"$out" && { echo FAIL; return; }
  grep '^RESULT' <<<"$out" | tail -n +2 | sed -n 's/.* mbps=\([0-9.]*\).*/\1/p' | sort -n \
    | awk '{v[NR] = $1 / 8} END {if (NR == 0) print "FAIL"; else printf "%.1f\n", v[int((NR + 1) / 2)]}'
}

# "p50 p99" in microseconds of the second of two ping runs (the first warms up), or "FAIL FAIL".
ping_us() { # impl flags...
  local impl=$1; shift
  local out
  out=$(runs "$impl" 2 --op ping --count "$pings" "$@")
  grep -q FAIL <<<"$out" && { echo "FAIL FAIL"; return; }
  grep '^RESULT' <<<"$out" | tail -1 \
    | sed -n 's/.* rtt_p50_ms=\([0-9.]*\) rtt_p99_ms=\([0-9.]*\).*/\1 \2/p' \
    | awk '{printf "%.0f %.0f\n", $1 * 1000, $2 * 1000}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }

impls=(go)
for k in $kernels; do impls+=("java-$k"); done

echo "loopback, $(nproc) cores, $((bytes / 1048576)) MiB x $reps per bulk figure, $pings pings; ratios: kcp-java / kcp-go"
printf '%-8s %5s %-12s %9s %9s %8s %8s %9s %9s\n' config wnd impl "up MB/s" "down MB/s" "p50 us" "p99 us" "up/go" "down/go"
for wnd in $windows; do
  for cfg in $configs; do
    read -r -a flags <<<"$(flags_of "$cfg")"
    flags=(--mode manual --nodelay 1 --interval 10 --resend 2 --nc 1 --sndwnd "$wnd" --rcvwnd "$wnd"
           --mtu 1400 --key bench "${flags[@]}")
    go_up= go_down=
    for impl in "${impls[@]}"; do
      start_server "$impl" "${flags[@]}"
      up=$(bulk "$impl" upload "${flags[@]}")
      down=$(bulk "$impl" download "${flags[@]}")
      read -r p50 p99 <<<"$(ping_us "$impl" "${flags[@]}")"
      stop_server
      if [ "$impl" = go ]; then go_up=$up go_down=$down; fi
      printf '%-8s %5s %-12s %9s %9s %8s %8s %9s %9s\n' "$cfg" "$wnd" "$impl" "$up" "$down" "$p50" "$p99" \
        "$(ratio "$up" "$go_up")" "$(ratio "$down" "$go_down")"
    done
    if [ "${CROSS:-0}" = 1 ]; then
      for k in $kernels; do
        for pair in "java-$k:go" "go:java-$k"; do
          client=${pair%%:*} server=${pair#*:}
          start_server "$server" "${flags[@]}"
          up=$(bulk "$client" upload "${flags[@]}")
          down=$(bulk "$client" download "${flags[@]}")
          stop_server
          printf '%-8s %5s %-12s %9s %9s\n' "$cfg" "$wnd" "$client>$server" "$up" "$down"
        done
      done
    fi
  done
done

# Aggregate MB/s of one --sessions run after a warm-up one, or FAIL.
aggregate() { # impl op flags...
  local impl=$1 op=$2; shift 2
  local out
  out=$(runs "$impl" 2 --op "$op" --bytes "$session_bytes" --sessions "$sessions" "$@")
  grep -q FAIL <<<"$out" && { echo FAIL; return; }
  grep '^RESULT' <<<"$out" | tail -1 | grep ' ok=true ' | sed -n 's/.* mbps=\([0-9.]*\).*/\1/p' \
    | awk '{printf "%.1f\n", $1 / 8} END {if (NR == 0) print "FAIL"}'
}

echo
echo "$sessions concurrent sessions, $((session_bytes / 1048576)) MiB each way per session, window 1024: aggregate MB/s"
printf '%-8s %-12s %9s %9s %9s %9s\n' config impl "up MB/s" "down MB/s" "up/go" "down/go"
for cfg in plain fec+aes; do
  read -r -a flags <<<"$(flags_of "$cfg")"
  flags=(--mode manual --nodelay 1 --interval 10 --resend 2 --nc 1 --sndwnd 1024 --rcvwnd 1024
         --mtu 1400 --key bench "${flags[@]}")
  for impl in "${impls[@]}"; do
    start_server "$impl" "${flags[@]}"
    up=$(aggregate "$impl" upload "${flags[@]}")
    down=$(aggregate "$impl" download "${flags[@]}")
    stop_server
    if [ "$impl" = go ]; then go_up=$up go_down=$down; fi
    printf '%-8s %-12s %9s %9s %9s %9s\n' "$cfg" "$impl" "$up" "$down" \
      "$(ratio "$up" "$go_up")" "$(ratio "$down" "$go_down")"
  done
done
