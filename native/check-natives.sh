#!/usr/bin/env bash
# Checks platform jars (java/target/kcp-java-<version>-<classifier>.jar) against native/platforms.tsv:
#
#   native/check-natives.sh JAR...
#
# For each jar: it holds exactly natives/<dir>/<library> (native-lib-loader's layout) and a
# module name; the library carries the ABI number of native/include/kcp/arq.h; it is of the
# platform's format and machine (read from the ELF, PE or Mach-O header bytes); it exports only JNI entry points (Java_*, JNI_On*); it links nothing
# but the system C library (never libjvm); and what it needs at least: the newest glibc symbol
# version (Linux), the subsystem version (Windows), the minimum macOS (macOS). Prints one
# summary line per jar; exits non-zero at the first jar that fails.
#
# Needs: jar (a JDK), od, readelf and objdump (binutils, which also read PE), and for macOS
# jars llvm-objdump (Debian's llvm).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TABLE=$HERE/platforms.tsv
JAR=${JAVA_HOME:+$JAVA_HOME/bin/}jar

fail() { printf 'check-natives: %s: %s\n' "$CURRENT" "$*" >&2; exit 1; }

# The table row of a classifier: dir, library, format, machine.
platform_row() {
  awk -F'\t' -v c="$1" '!/^#/ && $1 == c { print $2 "\t" $3 "\t" $6 "\t" $7; found = 1 }
                        END { exit !found }' "$TABLE"
}

# Little-endian unsigned integer of $3 bytes at offset $2 of file $1.
le() {
  local bytes v=0 i
  read -r -a bytes <<<"$(od -An -tu1 -j "$2" -N "$3" "$1")"
  for ((i = ${#bytes[@]} - 1; i >= 0; i--)); do v=$((v * 256 + bytes[i])); done
  echo "$v"
}

llvm_objdump() {
  local t
  for t in llvm-objdump llvm-objdump-16 llvm-objdump-15 llvm-objdump-14; do
    command -v "$t" >/dev/null && { "$t" "$@"; return; }
  done
  fail "llvm-objdump is needed for Mach-O (Debian: llvm)"
}

only_jni_exports() { # names on stdin
  local bad
  bad=$(grep -vE '^_?(Java_|JNI_On)' || true)
  [ -z "$bad" ] || fail "exports non-JNI symbols: $(echo $bad | cut -c1-300)"
}

# ---- ELF (Linux) ----------------------------------------------------------------------------
check_elf() {
  local so=$1 machine=$2 em want
  [ "$(od -An -c -N4 "$so" | tr -d ' ')" = '177ELF' ] || fail "not an ELF file"
  [ "$(le "$so" 4 1)" = 2 ] || fail "not a 64-bit ELF file"
  em=$(le "$so" 18 2)
  case $machine in x86-64) want=62 ;; aarch64) want=183 ;; *) fail "no ELF machine for $machine" ;; esac
  [ "$em" = "$want" ] || fail "ELF e_machine $em, expected $want ($machine)"

  local exports needed glibc
  exports=$(readelf --dyn-syms -W "$so" | awk '$7 != "UND" && ($5 == "GLOBAL" || $5 == "WEAK") { sub(/@.*/, "", $8); print $8 }')
  [ -n "$exports" ] || fail "exports nothing"
  only_jni_exports <<<"$exports"
  needed=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
  local dep
  for dep in $needed; do
    case $dep in libc.so.6) ;; *) fail "links $dep (only libc.so.6 is allowed; never libjvm)" ;; esac
  done
  readelf -d "$so" | grep -qE 'BIND_NOW|FLAGS_1.*NOW' || fail "not linked with -z now"
  readelf -lW "$so" | grep -q GNU_RELRO || fail "not linked with -z relro"
  ! readelf -lW "$so" | grep GNU_STACK | grep -q RWE || fail "executable stack"
  ! readelf -d "$so" | grep -q TEXTREL || fail "text relocations"
  glibc=$(readelf -V -W "$so" | grep -oE 'GLIBC_[0-9.]+' | sed 's/GLIBC_//' | sort -uV | tail -1)
  [ -n "$glibc" ] || fail "no glibc symbol versions found"
  SUMMARY="ELF $machine, $(wc -l <<<"$exports") exports (JNI only), needs ${needed% }, oldest glibc $glibc; relro, now, noexecstack"
}

# ---- PE (Windows) ---------------------------------------------------------------------------
check_pe() {
  local dll=$1 machine=$2 pe mach want
  [ "$(od -An -c -N2 "$dll" | tr -d ' ')" = MZ ] || fail "not a PE file (no MZ)"
  pe=$(le "$dll" 60 4)
  [ "$(od -An -c -j "$pe" -N4 "$dll" | tr -d ' ')" = 'PE\0\0' ] || fail "no PE signature"
  mach=$(le "$dll" $((pe + 4)) 2)
  case $machine in x86-64) want=34404 ;; aarch64) want=43620 ;; *) fail "no PE machine for $machine" ;; esac
  [ "$mach" = "$want" ] || fail "PE machine $(printf 0x%x "$mach"), expected $(printf 0x%x "$want") ($machine)"

  local info exports dlls chars subsys
  info=$(objdump -p "$dll")
  exports=$(sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' <<<"$info" | sed -n 's/^\s*\[ *[0-9]*\] //p')
  [ -n "$exports" ] || fail "exports nothing"
  only_jni_exports <<<"$exports"
  dlls=$(sed -n 's/^\s*DLL Name: //p' <<<"$info" | tr '\n' ' ')
  local dep
  for dep in $dlls; do
    case ${dep,,} in kernel32.dll | msvcrt.dll) ;; *) fail "imports $dep (only KERNEL32.dll and msvcrt.dll are allowed)" ;; esac
  done
  chars=$((16#$(awk '/^DllCharacteristics/ { print $2 }' <<<"$info")))
  (( (chars & 0x40) && (chars & 0x100) )) || fail "not built for ASLR and DEP (DllCharacteristics $chars)"
  subsys=$(awk '/^MajorSubsystemVersion/ { a = $2 } /^MinorSubsystemVersion/ { b = $2 } END { print a "." b }' <<<"$info")
  # GCC on Windows keeps the stack 16-byte aligned: an aligned ymm/zmm move against the stack
  # would fault at random (GCC bug 54412).
  if objdump -d "$dll" | grep -qE 'vmov(aps|apd|dqa|dqa32|dqa64)\s+[^,]*%[yz]mm[0-9]+,[^,]*\(%r[sb]p\)|vmov(aps|apd|dqa|dqa32|dqa64)\s+[^,]*\(%r[sb]p\),%[yz]mm'; then
    fail "aligned ymm/zmm moves against the stack"
  fi
  SUMMARY="PE $machine, $(wc -l <<<"$exports") exports (JNI only), imports ${dlls% }, subsystem $subsys (Windows XP x64 = 5.2); ASLR, DEP"
}

# ---- Mach-O (macOS) -------------------------------------------------------------------------
check_macho() {
  local lib=$1 machine=$2 magic cpu want
  magic=$(le "$lib" 0 4)
  [ "$magic" = $((16#feedfacf)) ] || fail "not a 64-bit Mach-O file (magic $(printf 0x%x "$magic"))"
  cpu=$(le "$lib" 4 4)
  case $machine in x86-64) want=$((16#01000007)) ;; aarch64) want=$((16#0100000c)) ;; *) fail "no Mach-O cpu for $machine" ;; esac
  [ "$cpu" = "$want" ] || fail "Mach-O cputype $(printf 0x%x "$cpu"), expected $(printf 0x%x "$want") ($machine)"

  local exports dylibs headers minos dep
  exports=$(llvm_objdump --macho --exports-trie "$lib" | awk '/^0x/ { print $2 }')
  [ -n "$exports" ] || fail "exports nothing"
  only_jni_exports <<<"$exports"
  headers=$(llvm_objdump --macho --private-headers "$lib")
  dylibs=$(awk '$2 ~ /^LC_(LOAD|LOAD_WEAK|REEXPORT|LAZY_LOAD)_DYLIB$/ { want = 1 }
                want && $1 == "name" { print $2; want = 0 }' <<<"$headers" | tr '\n' ' ')
  [ -n "$dylibs" ] || fail "links no libSystem"
  for dep in $dylibs; do
    case $dep in /usr/lib/libSystem.B.dylib) ;; *) fail "links $dep (only libSystem is allowed)" ;; esac
  done
  minos=$(awk '$1 == "minos" { print $2 }' <<<"$headers" | head -1)
  [ -n "$minos" ] || fail "no LC_BUILD_VERSION"
  # Apple silicon maps only signed code; ad-hoc signatures do.
  if [ "$machine" = aarch64 ]; then
    grep -q 'cmd LC_CODE_SIGNATURE' <<<"$headers" || fail "arm64 library without a code signature"
  fi
  SUMMARY="Mach-O $machine, $(wc -l <<<"$exports") exports (JNI only), links ${dylibs% }, oldest macOS $minos"
}

# ---- one jar --------------------------------------------------------------------------------
check_jar() {
  local jar=$1 name classifier row dir lib format machine want got module tmp
  CURRENT=$jar
  [ -f "$jar" ] || fail "no such file"
  jar=$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")
  name=$(basename "$jar" .jar)
  classifier=$(sed -E 's/^kcp-java-[0-9][^-]*(-SNAPSHOT)?-//' <<<"$name")
  row=$(platform_row "$classifier") || fail "classifier '$classifier' is not in $TABLE"
  IFS=$'\t' read -r dir lib format machine <<<"$row"

  want=$(printf '%s\n' META-INF/ META-INF/MANIFEST.MF natives/ "natives/$dir/" "natives/$dir/$lib" | sort)
  got=$("$JAR" tf "$jar" | sort)
  [ "$want" = "$got" ] || fail "content: expected
$want
got
$got"

  tmp=$WORK/$classifier
  rm -rf "$tmp"
  mkdir -p "$tmp"
  (cd "$tmp" && "$JAR" xf "$jar")
  module=$(sed -n 's/^Automatic-Module-Name: *//p' "$tmp/META-INF/MANIFEST.MF" | tr -d '\r')
  [ "$module" = "io.kcp.natives.${classifier//-/_}" ] || fail "Automatic-Module-Name '$module'"

  # The library's ABI must be the one this source tree defines (a stale build is caught here).
  local abi tag
  abi=$(sed -n 's/^#define KCP_ABI_VERSION \([0-9]*\).*/\1/p' "$HERE/include/kcp/arq.h")
  tag=$(grep -ao 'kcp-java-abi=[0-9]*;' "$tmp/natives/$dir/$lib" | head -1)
  [ "$tag" = "kcp-java-abi=$abi;" ] || fail "ABI: the library says '${tag:-nothing}', arq.h says $abi"

  case $format in
    elf) check_elf "$tmp/natives/$dir/$lib" "$machine" ;;
    pe) check_pe "$tmp/natives/$dir/$lib" "$machine" ;;
    macho) check_macho "$tmp/natives/$dir/$lib" "$machine" ;;
    *) fail "unknown format $format in $TABLE" ;;
  esac
  printf '%-16s %-34s %7s B  ABI %s, %s\n' "$classifier" "natives/$dir/$lib" \
    "$(wc -c <"$tmp/natives/$dir/$lib" | tr -d ' ')" "$abi" "$SUMMARY"
}

[ $# -gt 0 ] || { sed -n '2,13p' "$0" >&2; exit 2; }
CURRENT=
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for jar in "$@"; do check_jar "$jar"; done
