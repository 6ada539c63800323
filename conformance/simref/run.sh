#!/bin/sh
# Reference figures for io.kcp.sim.SimulatorEchoTest: kcp-go 5.6.1's own KCP, its clock replaced
# by the simulated one, driven through the same simulator and driver as EchoSimulation.java.
# Usage: ./run.sh [seed] [startMs]   (defaults: 20240601 0)
set -eu
cd "$(dirname "$0")"
K=${KCP_GO_DIR:-/usr/share/gocode/src/github.com/xtaci/kcp-go}
mkdir -p kcp
# The installed kcp.go with currentMs() reading a settable clock; snmp.go as is.
sed -e 's|^func currentMs() uint32 {.*|var SimNow uint32\nfunc currentMs() uint32 { return SimNow }|' "$K/kcp.go" > kcp/kcp.go
cp "$K/snmp.go" kcp/
GOFLAGS=-mod=mod go build -o ref .
for m in default normal fast; do ./ref "${1:-20240601}" "$m" "${2:-0}"; done
