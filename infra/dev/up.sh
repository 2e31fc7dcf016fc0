#!/usr/bin/env bash
# Starts the real test services on loopback: etcd (data on tmpfs), kube-apiserver (TLS, RBAC,
# PodSecurity and quota admission), kube-controller-manager, kwok with fake nodes, and MinIO.
# Writes infra/dev/.state/kubeconfig (admin) and infra/dev/.state/minio.env. Builds missing
# binaries first. Idempotent: when everything is already up and healthy it returns at once.
# On failure it prints the tail of the failing server's log, stops what it started, exits 1.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$DEV_DIR/pki.sh"

started_at=$SECONDS
already_up() { all_healthy && say "already up (kubeconfig: $KUBECONFIG_FILE, MinIO: http://127.0.0.1:$MINIO_PORT)"; }
already_up && exit 0

# Build before taking the start lock (build.sh has its own), so a cold build does not hold up
# other sessions of this checkout.
if ! bash "$DEV_DIR/build.sh" --check >/dev/null; then
  say "binaries missing from $KLARSYN_BIN: building them (a cold build takes tens of minutes)"
  bash "$DEV_DIR/build.sh"
fi

# One start at a time. Check again under the lock: another session may have started everything
# while we waited or built.
mkdir -p "$STATE_DIR"
exec 8>"$UP_LOCK"
flock 8
already_up && exit 0
# Half up (a crash, a reboot emptied /dev/shm): start from a clean slate.
bash "$DEV_DIR/down.sh" --quiet

# A port already taken (another stack, a stray server) is the commonest failure: say so plainly.
for port in "$ETCD_PORT" "$ETCD_PEER_PORT" "$APISERVER_PORT" "$KCM_PORT" "$KWOK_PORT" "$MINIO_PORT" "$MINIO_CONSOLE_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    say "port $port on 127.0.0.1 is already in use; stop what uses it or set KLARSYN_DEV_PORT_OFFSET"
    exit 1
  fi
done

mkdir -p "$LOG_DIR" "$PID_DIR"
mkdir -p -m 700 "$TMPFS_DIR" "$TMPFS_DIR/etcd" "$TMPFS_DIR/minio"
up=false
on_exit() {
  [[ "$up" == true ]] && return
  say "start failed; stopping what was started (logs stay in $LOG_DIR)"
  bash "$DEV_DIR/down.sh" --quiet
}
trap on_exit EXIT

fail() {
  local service="$1" why="$2"
  say "$service: $why. Last lines of $LOG_DIR/$service.log:"
  tail -n 40 "$LOG_DIR/$service.log" >&2 || true
  return 1
}

# start NAME BINARY ARGS...: detached from our session so a Ctrl-C on the caller does not hit it;
# down.sh stops it by the recorded pid.
start() {
  local name="$1"
  shift
  # (closing the lock descriptors, which the servers would otherwise hold for their lifetime)
  setsid "$@" >"$LOG_DIR/$name.log" 2>&1 </dev/null 8>&- 9>&- &
  echo $! >"$PID_DIR/$name.pid"
}

# wait_until SERVICE SECONDS WHAT COMMAND...: poll COMMAND until it succeeds, failing early if the
# server has exited.
wait_until() {
  local service="$1" seconds="$2" what="$3"
  shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    is_running "$service" || { fail "$service" "exited while waiting for $what"; return 1; }
    ((SECONDS < deadline)) || { fail "$service" "not $what after ${seconds}s"; return 1; }
    sleep 0.5
  done
}

generate_pki

start etcd "$ETCD_BIN" --name klarsyn-dev --data-dir "$TMPFS_DIR/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "klarsyn-dev=http://127.0.0.1:$ETCD_PEER_PORT" \
  --unsafe-no-fsync --log-level=warn

minio_user="${MINIO_ROOT_USER:-klarsyn-$(openssl rand -hex 4)}"
minio_password="${MINIO_ROOT_PASSWORD:-$(openssl rand -hex 20)}"
MINIO_ROOT_USER="$minio_user" MINIO_ROOT_PASSWORD="$minio_password" MINIO_BROWSER=off \
  MINIO_UPDATE=off MINIO_CI_CD=1 \
  start minio "$MINIO_BIN" server "$TMPFS_DIR/minio" --quiet \
  --address "127.0.0.1:$MINIO_PORT" --console-address "127.0.0.1:$MINIO_CONSOLE_PORT"

etcd_healthy() { curl -sf --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'; }
wait_until etcd 30 healthy etcd_healthy

start kube-apiserver "$KUBE_APISERVER_BIN" \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --bind-address=127.0.0.1 --secure-port="$APISERVER_PORT" --advertise-address=127.0.0.1 \
  --tls-cert-file="$PKI_DIR/apiserver.crt" --tls-private-key-file="$PKI_DIR/apiserver.key" \
  --client-ca-file="$PKI_DIR/ca.crt" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI_DIR/sa.pub" --service-account-signing-key-file="$PKI_DIR/sa.key" \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --authorization-mode=Node,RBAC \
  --enable-admission-plugins=NamespaceLifecycle,ServiceAccount,LimitRanger,PodSecurity,ResourceQuota \
  --allow-privileged=true \
  --endpoint-reconciler-type=none \
  --profiling=false
# (allow-privileged so that refusing a privileged pod is PodSecurity's doing, which tests prove;
# no endpoint reconciler because a loopback address is not a valid Endpoints IP.)

kube_ready() { kube_get /readyz | grep -qx ok; }
wait_until kube-apiserver 120 ready kube_ready
write_kubeconfig "$KUBECONFIG_FILE" admin
write_kubeconfig "$STATE_DIR/kube-controller-manager.kubeconfig" kube-controller-manager

start kube-controller-manager "$KUBE_CONTROLLER_MANAGER_BIN" \
  --kubeconfig="$STATE_DIR/kube-controller-manager.kubeconfig" \
  --authentication-kubeconfig="$STATE_DIR/kube-controller-manager.kubeconfig" \
  --authorization-kubeconfig="$STATE_DIR/kube-controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$KCM_PORT" \
  --leader-elect=false --use-service-account-credentials=true \
  --service-account-private-key-file="$PKI_DIR/sa.key" --root-ca-file="$PKI_DIR/ca.crt" \
  --cluster-signing-cert-file="$PKI_DIR/ca.crt" --cluster-signing-key-file="$PKI_DIR/ca.key" \
  --service-cluster-ip-range="$SERVICE_CIDR" --allocate-node-cidrs=false \
  --profiling=false

start kwok "$KWOK_BIN" --kubeconfig="$KUBECONFIG_FILE" --config="$KWOK_STAGES" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --server-address="127.0.0.1:$KWOK_PORT" --cidr=10.244.0.0/16 --node-ip=10.240.0.1

for node in "${FAKE_NODES[@]}"; do
  kube_curl -X POST -H 'Content-Type: application/json' "https://127.0.0.1:$APISERVER_PORT/api/v1/nodes" \
    -d @- >/dev/null <<EOF
{
  "apiVersion": "v1",
  "kind": "Node",
  "metadata": {
    "name": "$node",
    "annotations": { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
    "labels": { "kubernetes.io/hostname": "$node", "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "type": "kwok" }
  },
  "status": {
    "capacity": { "cpu": "16", "memory": "64Gi", "pods": "110" },
    "allocatable": { "cpu": "16", "memory": "64Gi", "pods": "110" }
  }
}
EOF
done

nodes_ready() {
  kube_get "/api/v1/nodes?labelSelector=type%3Dkwok" | node -e '
    const nodes = JSON.parse(require("fs").readFileSync(0, "utf8")).items;
    const ready = nodes.filter((n) => (n.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"));
    process.exit(nodes.length === Number(process.argv[1]) && ready.length === nodes.length ? 0 : 1);
  ' "${#FAKE_NODES[@]}"
}
kcm_healthy() { curl -skf --max-time 2 "https://127.0.0.1:$KCM_PORT/healthz" | grep -qx ok; }
# The controller manager creates every namespace's default ServiceAccount.
default_service_account() { kube_get /api/v1/namespaces/default/serviceaccounts/default; }

wait_until kube-controller-manager 60 healthy kcm_healthy
wait_until kwok 60 "making the fake nodes Ready" nodes_ready
wait_until kube-controller-manager 60 "creating the default ServiceAccount" default_service_account
wait_until minio 60 ready minio_ready

cat >"$MINIO_ENV_FILE.tmp" <<EOF
MINIO_ENDPOINT=http://127.0.0.1:$MINIO_PORT
MINIO_PORT=$MINIO_PORT
MINIO_USE_SSL=false
MINIO_ACCESS_KEY=$minio_user
MINIO_SECRET_KEY=$minio_password
MINIO_REGION=us-east-1
EOF
chmod 600 "$MINIO_ENV_FILE.tmp"
mv "$MINIO_ENV_FILE.tmp" "$MINIO_ENV_FILE"

up=true
say "up in $((SECONDS - started_at))s: kube-apiserver https://127.0.0.1:$APISERVER_PORT (KUBECONFIG=$KUBECONFIG_FILE), MinIO http://127.0.0.1:$MINIO_PORT ($MINIO_ENV_FILE)"
