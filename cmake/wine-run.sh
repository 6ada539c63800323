#!/bin/sh
# Runs a Windows test program under wine: `wine-run.sh WINE PROGRAM ARGS...`, exit status the
# program's. The wine prefix lives in the build tree (WINEPREFIX overrides), created on first
# use; wine's own chatter (no 32-bit support, prefix updates) is silenced.
set -eu
wine=$1
shift
: "${WINEPREFIX:=$(pwd)/wineprefix}"
export WINEPREFIX
export WINEDEBUG=${WINEDEBUG:--all}
# wineboot would offer to install Mono and Gecko: nothing here needs them.
export WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-mscoree,mshtml=}
exec "$wine" "$@"
