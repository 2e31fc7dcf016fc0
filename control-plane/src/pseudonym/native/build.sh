#!/usr/bin/env bash
# Builds the DuckDB extension klarsyn_pseudonym (this folder's C) into dist/native/, or into the
# file given as $1 with extra compiler flags in $KLARSYN_NATIVE_CFLAGS (tests build a weakened
# copy that way to see the fail-closed check work). DuckDB's C
# extension API headers come from the npm package duckdb (its last release ships the sources),
# fetched once into ~/.cache/klarsyn; the stable API they declare (v1.2.0) is what the extension
# asks DuckDB for, so the same file loads in any later DuckDB. A C compiler comes from Debian.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
headers_version=1.4.4
api_version=v1.2.0
cache="${KLARSYN_CACHE:-$HOME/.cache/klarsyn}/duckdb-c-api-$headers_version"
out="${1:-$root/dist/native/klarsyn_pseudonym.duckdb_extension}"

if [[ ! -f "$cache/duckdb_extension.h" ]]; then
  echo "native: fetching DuckDB's C extension headers ($headers_version) into $cache" >&2
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "duckdb@$headers_version" >/dev/null)
  tar -xzf "$tmp/duckdb-$headers_version.tgz" -C "$tmp" \
    package/src/duckdb/src/include/duckdb.h package/src/duckdb/src/include/duckdb_extension.h
  mkdir -p "$cache"
  cp "$tmp"/package/src/duckdb/src/include/duckdb{,_extension}.h "$cache/"
fi

if ! command -v cc >/dev/null; then
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  echo "native: installing a C compiler from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq gcc libc6-dev >/dev/null
fi

case "$(uname -m)" in
  x86_64) platform=linux_amd64 ;;
  aarch64) platform=linux_arm64 ;;
  *) echo "native: no DuckDB platform name for $(uname -m)" >&2; exit 1 ;;
esac

mkdir -p "$(dirname "$out")"
# shellcheck disable=SC2086 # extra flags are words
cc -std=c11 -O3 -D_GNU_SOURCE -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden ${KLARSYN_NATIVE_CFLAGS:-} \
  -I "$cache" "$here"/*.c -o "$out.tmp" -lpthread

# DuckDB reads 512 bytes of metadata after a WebAssembly-style custom-section header: eight
# 32-byte fields, last first (magic "4", platform, C API version, extension version, ABI type),
# then a 256-byte signature, empty here since the engine loads it as unsigned.
field() { printf '%s' "$1"; head -c $((32 - ${#1})) /dev/zero; }
{
  printf '\x00\x93\x04\x10duckdb_signature\x80\x04'
  field ""; field ""; field ""
  field "C_STRUCT"; field "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo dev)"
  field "$api_version"; field "$platform"; field "4"
  head -c 256 /dev/zero
} >>"$out.tmp"
mv "$out.tmp" "$out"
