#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (test/e2e). Test tools must not download their
# own browser; playwright-core drives this one at /usr/bin/chromium. Idempotent: quick when present.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  SUDO="sudo"
fi

echo "install-browser: installing chromium from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version >&2
