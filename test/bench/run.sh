#!/usr/bin/env bash
# Runs one benchmark (BENCH=name → test/bench/name.*) or all of them; each prints JSON on its last line.
set -euo pipefail
cd "$(dirname "$0")/../.."
name="${1:-}"
shopt -s nullglob
if [ -n "$name" ]; then files=(test/bench/"$name".*); else files=(test/bench/*.ts); fi
files=("${files[@]/test\/bench\/run.sh/}")
[ ${#files[@]} -gt 0 ] || { echo "no benchmark test/bench/$name.*" >&2; exit 2; }
for f in "${files[@]}"; do
  [ -n "$f" ] || continue
  echo "== $f" >&2
  node --import tsx "$f"
done
