#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the browser tests, bubblewrap for the local
# workspace sandbox. Idempotent: returns at once when both are present.
set -euo pipefail

missing=()
[[ -x /usr/bin/bwrap ]] || missing+=(bubblewrap)
((${#missing[@]})) || exit 0

SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO="sudo"
echo "install-packages: installing ${missing[*]} from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
