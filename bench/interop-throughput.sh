#!/usr/bin/env bash
# Bulk throughput of kcp-java against itself and against kcp-go 5.6.1 on loopback: one
# transfer of BYTES each way (upload: client to server; download: server to client) per
# configuration, pair of implementations and kernel, median of REPS runs, in MB/s (10^6 bytes).
# Sessions: nodelay 1, interval 10, resend 2, nc 1, windows 1024/1024, MTU 1400.
#
# Usage: bench/interop-throughput.sh [BYTES]   (default 16 MiB; needs ./build.sh or
#        mvn -DskipTests package first, and Go with Debian's kcp-go packages)
# Environment: REPS (default 3), KERNELS (default "native java"), CONFIGS (names from the list
# below, default all), JAVA_FLAGS (extra flags for kcp-java's commands only, e.g.
# --ackclocking=false for kcp-go 5.6.1's ACK timing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bytes=${1:-16777216}
[[ $bytes =~ ^[0-9]+$ ]] || { echo "BYTES must be a plain number (kcpgo-peer takes no suffixes)" >&2; exit 2; }
reps=${REPS:-3}
kernels=${KERNELS:-native java}
java_flags=${JAVA_FLAGS:-}
kcp=$root/bin/kcp
peer=$("$root/conformance/peer/build.sh" "$root/target/kcpgo-peer")
"$kcp" --help >/dev/null # fails early, with its message, when the build is missing

work=$(mktemp -d)
srv_pid=
cleanup() { [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

session=(--mode manual --nodelay 1 --interval 10 --resend 2 --nc 1 --sndwnd 1024 --rcvwnd 1024 --mtu 1400 --key bench)
configs=("plain|--crypt null --datashard 0 --parityshard 0"
         "fec10/3|--crypt null --datashard 10 --parityshard 3"
         "aes-128|--crypt aes-128 --datashard 0 --parityshard 0"
         "fec10/3+aes-128|--crypt aes-128 --datashard 10 --parityshard 3")

# command for an implementation: java (with a kernel) or go
cmd_of() { # impl kernel role
  if [ "$1" = go ]; then echo "$peer $3"
  elif [ "$3" = server ]; then echo "$kcp echo-server --kernel $2 $java_flags"
  else echo "$kcp client --kernel $2 $java_flags"
  fi
}

start_server() { # impl kernel config-flags...
  local impl=$1 kernel=$2; shift 2
  rm -f "$work/srv.out"
  # shellcheck disable=SC2046 # the command is a word list
  $(cmd_of "$impl" "$kernel" server) --listen 127.0.0.1:0 "${session[@]}" "$@" >"$work/srv.out" 2>"$work/srv.err" &
  srv_pid=$!
  local tries=0
  until grep -q '^LISTENING ' "$work/srv.out" 2>/dev/null; do
    tries=$((tries + 1))
    [ $tries -le 300 ] || { cat "$work/srv.err" >&2; echo "server did not start" >&2; exit 1; }
    sleep 0.05
  done
  addr=$(sed -n 's/^LISTENING addr=//p' "$work/srv.out")
}

stop_server() { kill "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null || true; srv_pid=; }

# Prints the median MB/s of REPS runs of one op, or FAIL. One run more goes first and is not
# counted: it pays the JVMs' warm-up (class loading, JIT), the client's and the server's. A Java
# client makes all its runs in one JVM (--repeat).
measure() { # impl kernel op config-flags...
  local impl=$1 kernel=$2 op=$3; shift 3
  local lines i n=$((reps + 1))
  # shellcheck disable=SC2046
  if [ "$impl" = java ]; then
    lines=$($(cmd_of "$impl" "$kernel" client) --remote "$addr" --op "$op" --bytes "$bytes" \
      --timeout 120 --repeat $n "${session[@]}" "$@" 2>>"$work/cli.err") || { echo FAIL; return; }
  else
    lines=
    for ((i = 0; i < n; i++)); do
      lines+=$($(cmd_of "$impl" "$kernel" client) --remote "$addr" --op "$op" --bytes "$bytes" \
        --timeout 120 "${session[@]}" "$@" 2>>"$work/cli.err") || { echo FAIL; return; }
      lines+=$'\n'
    done
  fi
  grep '^RESULT' <<<"$lines" | tail -n +2 | sed -n 's/.* mbps=\([0-9.]*\).*/\1/p' | sort -n \
    | awk '{v[NR] = $1 / 8} END {if (NR == 0) print "FAIL"; else printf "%.1f\n", v[int((NR + 1) / 2)]}'
}

printf '%-16s %-14s %-7s %12s %14s\n' config "client->server" kernel "upload MB/s" "download MB/s"
for cfg in "${configs[@]}"; do
  name=${cfg%%|*}
  [[ " ${CONFIGS:-$name} " == *" $name "* ]] || continue
  read -r -a flags <<<"${cfg#*|}"
  for kernel in $kernels; do
    for pair in java:java java:go go:java; do
      client=${pair%%:*} server=${pair#*:}
      start_server "$server" "$kernel" "${flags[@]}"
      up=$(measure "$client" "$kernel" upload "${flags[@]}")
      down=$(measure "$client" "$kernel" download "${flags[@]}")
      stop_server
      printf '%-16s %-14s %-7s %12s %14s\n' "$name" "$client->$server" "$kernel" "$up" "$down"
    done
  done
  start_server go - "${flags[@]}"
  up=$(measure go - upload "${flags[@]}")
  down=$(measure go - download "${flags[@]}")
  stop_server
  printf '%-16s %-14s %-7s %12s %14s\n' "$name" "go->go" "-" "$up" "$down"
done
