#!/usr/bin/env bash
# with-services.sh CMD [ARGS...]: runs CMD with the real test services available and exits with
# CMD's status. Starts them with up.sh (building on first use) and stops them afterwards, even when
# CMD fails or is interrupted. Services that were already up (`make dev-up`) are left running.
#
# External services instead: when KUBECONFIG, MINIO_ENDPOINT, MINIO_ACCESS_KEY and MINIO_SECRET_KEY
# are all set, CMD runs against them and nothing is built or started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

(($#)) || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }

if external_services; then
  say "using external services: KUBECONFIG=$KUBECONFIG, MINIO_ENDPOINT=$MINIO_ENDPOINT"
  exec "$@"
fi

if all_healthy; then
  say "services already up; leaving them running afterwards"
else
  trap 'bash "$DEV_DIR/down.sh"' EXIT
  # Turn Ctrl-C and a CI timeout into a normal exit, so the EXIT trap stops the services.
  trap 'exit 130' INT
  trap 'exit 143' TERM
  bash "$DEV_DIR/up.sh"
fi

status=0
"$@" || status=$?
exit "$status"
