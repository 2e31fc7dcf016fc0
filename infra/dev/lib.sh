# Shared by up.sh, down.sh and with-services.sh (sourced, not run): where state lives, which ports
# the services use, and how processes are started, checked and stopped.

# shellcheck source=build.sh
source "$(dirname "${BASH_SOURCE[0]}")/build.sh"

STATE_DIR="${KLARSYN_DEV_STATE:-$DEV_DIR/.state}"
PKI_DIR="$STATE_DIR/pki"
LOG_DIR="$STATE_DIR/logs"
PID_DIR="$STATE_DIR/pids"
KUBECONFIG_FILE="$STATE_DIR/kubeconfig"
MINIO_ENV_FILE="$STATE_DIR/minio.env"
# up.sh holds UP_LOCK while starting; with-services.sh sessions hold USERS_LOCK shared while their
# command runs; OWNED_MARKER says a with-services session (not `make dev-up`) started the services.
UP_LOCK="$STATE_DIR/up.lock"
USERS_LOCK="$STATE_DIR/users.lock"
OWNED_MARKER="$STATE_DIR/started-by-with-services"
# Throwaway data (etcd, MinIO objects) on tmpfs, one folder per state dir so two checkouts do not
# share it.
TMPFS_DIR="/dev/shm/klarsyn-dev-$(printf '%s' "$STATE_DIR" | cksum | cut -d' ' -f1)"

# Loopback ports away from the standard ones (2379, 6443, 9000, 10257 ...). Set
# KLARSYN_DEV_PORT_OFFSET to run a second stack beside the first.
PORT_OFFSET="${KLARSYN_DEV_PORT_OFFSET:-0}"
ETCD_PORT=$((17379 + PORT_OFFSET))
ETCD_PEER_PORT=$((17380 + PORT_OFFSET))
APISERVER_PORT=$((17443 + PORT_OFFSET))
KCM_PORT=$((17257 + PORT_OFFSET))
KWOK_PORT=$((17247 + PORT_OFFSET))
MINIO_PORT=$((17900 + PORT_OFFSET))
MINIO_CONSOLE_PORT=$((17901 + PORT_OFFSET))
SERVICE_CIDR=10.96.0.0/16
SERVICE_IP=10.96.0.1
# Fake nodes kwok manages (annotation kwok.x-k8s.io/node=fake).
FAKE_NODES=(kwok-node-0 kwok-node-1)

# Stop order: dependants first.
SERVICES=(kwok kube-controller-manager kube-apiserver etcd minio)

say() { printf '[dev-services %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

pid_of() {
  local file="$PID_DIR/$1.pid"
  [[ -f "$file" ]] && cat "$file"
}

# True when the recorded pid is alive and still runs our binary (pids get reused).
is_running() {
  local pid
  pid="$(pid_of "$1")" || return 1
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" | head -n1 | grep -q "$1"
}

# True when every dev service runs and answers its health check.
all_healthy() {
  local service
  for service in "${SERVICES[@]}"; do is_running "$service" || return 1; done
  [[ -f "$KUBECONFIG_FILE" && -f "$MINIO_ENV_FILE" ]] || return 1
  kube_get /readyz >/dev/null && minio_ready
}

# GET/POST against the API server as the admin user from the generated client certificate.
kube_curl() {
  curl -sS --fail-with-body --max-time 10 --cacert "$PKI_DIR/ca.crt" \
    --cert "$PKI_DIR/admin.crt" --key "$PKI_DIR/admin.key" "$@"
}
kube_get() { kube_curl "https://127.0.0.1:$APISERVER_PORT$1"; }

minio_ready() { curl -sf --max-time 5 "http://127.0.0.1:$MINIO_PORT/minio/health/ready" >/dev/null; }

# External services: all of KUBECONFIG, MINIO_ENDPOINT, MINIO_ACCESS_KEY and MINIO_SECRET_KEY set.
# KUBECONFIG alone is common on a developer's machine and must not send tests to that cluster.
# (test/support/dev-services.ts applies the same rule.)
external_services() {
  [[ -n "${KUBECONFIG:-}" && -n "${MINIO_ENDPOINT:-}" && -n "${MINIO_ACCESS_KEY:-}" && -n "${MINIO_SECRET_KEY:-}" ]]
}
