#!/bin/sh
# Builds kcpgo-peer offline against Debian's kcp-go 5.6.1 (GOPATH mode: see README.md beside this script).
# Usage: build.sh [OUTPUT]   (default: <repo>/target/kcpgo-peer). Prints the binary's path.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../target/kcpgo-peer}
gocode=${GOCODE_DIR:-/usr/share/gocode}

die() { echo "build.sh: $*" >&2; exit 1; }
command -v go >/dev/null 2>&1 || die "go not found (apt-get install golang-go)"
for pkg in github.com/xtaci/kcp-go github.com/klauspost/reedsolomon github.com/pkg/errors \
           golang.org/x/crypto/pbkdf2 golang.org/x/net/ipv4 github.com/templexxx/xorsimd; do
  [ -d "$gocode/src/$pkg" ] || die "missing $gocode/src/$pkg (apt-get install golang-github-xtaci-kcp-dev golang-github-klauspost-reedsolomon-dev)"
done

# Go resolves the /v5 import path in GOPATH mode only for a package inside GOPATH/src that has a go.mod.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pkgdir=$tmp/src/kcppeer
mkdir -p "$pkgdir"
cp "$here"/*.go "$pkgdir/"
printf 'module kcppeer\n\ngo 1.19\n' > "$pkgdir/go.mod"

mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
cache=${GOCACHE:-$(go env GOCACHE 2>/dev/null || true)}
case "$cache" in ""|off) cache=$tmp/cache ;; esac
(cd "$pkgdir" && GO111MODULE=off GOPATH="$tmp:$gocode" GOPROXY=off GOFLAGS= GOCACHE="$cache" \
  CGO_ENABLED=0 go build -o "$out" kcppeer) || die "go build failed"
echo "$out"
