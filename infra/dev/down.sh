#!/usr/bin/env bash
# Stops the dev services started by up.sh (by their recorded pids, checking each pid still runs our
# binary), removes their tmpfs data and the connection files so nothing points at a dead server.
# Logs stay in infra/dev/.state/logs for post-mortems. --quiet: no output when nothing ran.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

quiet=false
[[ "${1:-}" == "--quiet" ]] && quiet=true

stopped=()
for service in "${SERVICES[@]}"; do
  if is_running "$service"; then
    kill -TERM "$(pid_of "$service")" 2>/dev/null || true
    stopped+=("$service")
  fi
done
# Give them 10 s to exit cleanly, then kill what is left.
for _ in $(seq 1 40); do
  alive=false
  for service in "${stopped[@]}"; do is_running "$service" && alive=true; done
  [[ "$alive" == false ]] && break
  sleep 0.25
done
for service in "${stopped[@]}"; do
  if is_running "$service"; then
    say "$service did not stop within 10s; killing it"
    kill -KILL "$(pid_of "$service")" 2>/dev/null || true
  fi
done

rm -rf "$TMPFS_DIR" "$PID_DIR" "$KUBECONFIG_FILE" "$MINIO_ENV_FILE" "$PKI_DIR" \
  "$STATE_DIR/kube-controller-manager.kubeconfig" "$OWNED_MARKER"
if ((${#stopped[@]})) || [[ "$quiet" == false ]]; then
  say "stopped: ${stopped[*]:-nothing was running}"
fi
