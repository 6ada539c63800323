#!/bin/sh
# Builds kcpgo-peer and runs a Go client against a Go server on loopback over a few
# configurations; exits non-zero if any run fails. Usage: run-smoke.sh [BYTES]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=$("$here/build.sh")
bytes=${1:-2000000}
work=$(mktemp -d)
srv_pid=
cleanup() { [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
failures=0

# Every function below shares the script's variables (POSIX sh has no locals): names are distinct.
start_server() { # flags...
  rm -f "$work/srv.out" "$work/srv.err" # so the wait below cannot see the previous server's line
  "$bin" server --listen 127.0.0.1:0 --idle 5 "$@" >"$work/srv.out" 2>"$work/srv.err" &
  srv_pid=$!
  tries=0
  until grep -q '^LISTENING ' "$work/srv.out" 2>/dev/null; do
    tries=$((tries + 1))
    [ $tries -le 100 ] || { cat "$work/srv.err" >&2; echo "server did not start" >&2; exit 1; }
    sleep 0.05
  done
  addr=$(sed -n 's/^LISTENING addr=//p' "$work/srv.out")
}

stop_server() { # expected number of sessions ending in ok=true end=bye
  sleep 0.3 # the server logs a session after a short linger
  tries=0
  while [ "$(grep -c 'ok=true end=bye' "$work/srv.err")" -lt "$1" ] && [ $tries -lt 40 ]; do
    tries=$((tries + 1)); sleep 0.1
  done
  kill "$srv_pid"; wait "$srv_pid" 2>/dev/null || true; srv_pid=
  good=$(grep -c 'ok=true end=bye' "$work/srv.err" || true)
  if [ "$good" -ne "$1" ]; then
    echo "FAIL server logged $good clean sessions, expected $1:"
    grep '^SESSION' "$work/srv.err" | sed 's/^/     /' || true
    failures=$((failures + 1))
  fi
}

client() { # run label, flags...
  run=$1; shift
  if line=$("$bin" client --remote "$addr" --timeout 60 "$@" 2>"$work/cli.err"); then
    echo "ok   $run: $line"
  else
    echo "FAIL $run: $line"; sed 's/^/     /' "$work/cli.err"
    failures=$((failures + 1))
  fi
}

config() { # config label, flags shared by both ends...
  cfg=$1; shift
  start_server "$@"
  for op in echo upload download ping; do
    client "$cfg $op" --op "$op" --bytes "$bytes" --count 200 "$@"
  done
  stop_server 4
}

config "plain"           --crypt null --datashard 0 --parityshard 0
config "aes fec10/3"     --crypt aes --datashard 10 --parityshard 3
config "salsa20 loss0.1" --crypt salsa20 --datashard 10 --parityshard 3 --loss 0.1 --seed 7
config "stream fast3"    --crypt aes-128 --stream --mode fast3 --acknodelay

# Every kcptun cipher name, a short echo each, one server per cipher.
for c in aes aes-128 aes-192 salsa20 blowfish twofish cast5 3des tea xtea xor sm4 none null; do
  start_server --crypt "$c" --datashard 0 --parityshard 0
  client "cipher $c" --crypt "$c" --datashard 0 --parityshard 0 --op echo --bytes 100000
  stop_server 1
done

# The checks must be able to fail: a client with the wrong key gets nothing through.
start_server --crypt aes --key right
if line=$("$bin" client --remote "$addr" --crypt aes --key wrong --timeout 2 --op echo --bytes 1000 2>/dev/null); then
  echo "FAIL wrong key accepted: $line"; failures=$((failures + 1))
else
  echo "ok   wrong key fails as it should: $line"
fi
stop_server 0

if [ "$failures" -ne 0 ]; then
  echo "smoke: $failures failure(s)"; exit 1
fi
echo "smoke: all passed"
