#!/usr/bin/env bash
# with-services.sh CMD [ARGS...]: runs CMD with the real test services available and exits with
# CMD's status. Starts them with up.sh (building on first use) and stops them afterwards, even when
# CMD fails or is interrupted. Services started by `make dev-up` are left running; while several
# sessions share the services, the last to finish stops them.
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

# Sessions in the same checkout share one stack: each holds USERS_LOCK shared while its command
# runs, and the last one out stops the services, unless `make dev-up` started them.
mkdir -p "$STATE_DIR"
exec 9>"$USERS_LOCK"
flock -s 9

release() {
  # Becoming exclusive succeeds only when no other session still holds the lock shared.
  if flock -xn 9; then
    bash "$DEV_DIR/down.sh"
  else
    say "other with-services sessions still use the services; leaving them up"
  fi
}

if all_healthy && [[ ! -f "$OWNED_MARKER" ]]; then
  say "services already up (make dev-up); leaving them running afterwards"
else
  trap release EXIT
  # Turn Ctrl-C and a CI timeout into a normal exit, so the EXIT trap runs.
  trap 'exit 130' INT
  trap 'exit 143' TERM
  bash "$DEV_DIR/up.sh"
  touch "$OWNED_MARKER"
fi

status=0
"$@" 9>&- || status=$?
exit "$status"
