#!/usr/bin/env bash
# Builds the real test services (MinIO, kwok, etcd, kube-apiserver, kube-controller-manager) from
# their Go modules into ~/.cache/klarsyn/bin/<name>-<version>. A binary is built only when missing,
# so changing a pin below is what triggers a rebuild. There is no Docker and no binary download on
# our machines; the Go module proxy is the only source.
#
#   bash infra/dev/build.sh                 # build everything that is missing
#   bash infra/dev/build.sh kube etcd       # only some: minio kwok etcd kube kustomize
#   bash infra/dev/build.sh --check         # exit 1 (listing them) if any binary is missing
#   bash infra/dev/build.sh --prune         # build, then delete the Go caches (~6.5 GB), keeping
#                                           # only the binaries (~0.4 GB); a pin change then
#                                           # rebuilds from scratch
#
# Sourcing this file only defines the pins and binary paths (up.sh does that).

# --- pins ------------------------------------------------------------------------------------
# MinIO has no semver tags; this is the newest commit on the proxy (2026-02-12). The repository is
# no longer maintained upstream; the source build is what its README recommends.
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
KWOK_VERSION=v0.8.0
# Kubernetes 1.36 is tested against etcd 3.6; newest 3.6 patch on the proxy.
ETCD_VERSION=v3.6.16
# Newest 1.36 patch on the proxy; staging modules are replaced with v0.36.<patch>.
KUBE_VERSION=v1.36.3
# Renders the install bundle in infra/deploy (test/integration/deploy). v5.8.3 needs Go 1.27;
# this is the newest release that builds with our Go 1.26.
KUSTOMIZE_VERSION=v5.8.2

# --- paths -----------------------------------------------------------------------------------
KLARSYN_CACHE="${KLARSYN_CACHE:-$HOME/.cache/klarsyn}"
KLARSYN_BIN="$KLARSYN_CACHE/bin"
DEV_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MINIO_BIN="$KLARSYN_BIN/minio-$MINIO_VERSION"
KWOK_BIN="$KLARSYN_BIN/kwok-$KWOK_VERSION"
# Standalone kwok needs its Stage objects as config; these are the ones kwokctl uses by default.
KWOK_STAGES="$KLARSYN_BIN/kwok-$KWOK_VERSION-stages.yaml"
ETCD_BIN="$KLARSYN_BIN/etcd-$ETCD_VERSION"
KUBE_APISERVER_BIN="$KLARSYN_BIN/kube-apiserver-$KUBE_VERSION"
KUBE_CONTROLLER_MANAGER_BIN="$KLARSYN_BIN/kube-controller-manager-$KUBE_VERSION"
KUSTOMIZE_BIN="$KLARSYN_BIN/kustomize-$KUSTOMIZE_VERSION"
ALL_BINS=("$MINIO_BIN" "$KWOK_BIN" "$KWOK_STAGES" "$ETCD_BIN" "$KUBE_APISERVER_BIN" "$KUBE_CONTROLLER_MANAGER_BIN" "$KUSTOMIZE_BIN")

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then return 0; fi

set -euo pipefail

# Module and build caches live beside the binaries so one directory holds (and measures) it all;
# -modcacherw keeps the module cache deletable with a plain rm -rf.
export GOMODCACHE="${GOMODCACHE_OVERRIDE:-$KLARSYN_CACHE/go/mod}"
export GOCACHE="${GOCACHE_OVERRIDE:-$KLARSYN_CACHE/go/build}"
export GOFLAGS="-modcacherw -buildvcs=false -trimpath"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0

log() { printf '[dev-infra %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
fmt_duration() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# Runs "$@" (a function of this script) at nice 10 so the two shared cores stay usable
# (KLARSYN_BUILD_NICE=0 on a dedicated CI machine), printing a heartbeat every minute so a long
# cold build is visibly alive (and CI does not kill a silent job).
build_step() {
  local label="$1"
  shift
  local started=$SECONDS
  log "building $label ..."
  (
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    while :; do
      sleep 60 &
      sleeper=$!
      wait "$sleeper"
      log "  still building $label, $(fmt_duration $((SECONDS - started))) elapsed"
    done
  ) &
  local ticker=$!
  local status
  # errexit must hold inside the step, which it would not as the left side of `||`.
  set +e
  (
    set -e
    renice -n "${KLARSYN_BUILD_NICE:-10}" -p "$BASHPID" >/dev/null
    "$@"
  )
  status=$?
  set -e
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  if ((status != 0)); then
    log "FAILED building $label after $(fmt_duration $((SECONDS - started)))"
    return "$status"
  fi
  log "built $label in $(fmt_duration $((SECONDS - started)))"
}

# go install into a scratch GOBIN, then move into place atomically under the versioned name.
go_install_to() {
  local package="$1" target="$2" scratch
  scratch="$(mktemp -d "$KLARSYN_BIN/.tmp.XXXXXX")"
  GOBIN="$scratch" go install -ldflags='-s -w' "$package"
  # The binary is named after the last path element that is not a major-version suffix (/v5).
  local name="${package%@*}"
  [[ "$(basename "$name")" =~ ^v[0-9]+$ ]] && name="$(dirname "$name")"
  mv "$scratch/$(basename "$name")" "$target"
  rm -rf "$scratch"
}

build_minio() {
  [[ -x "$MINIO_BIN" ]] && { log "minio $MINIO_VERSION cached"; return; }
  build_step "minio $MINIO_VERSION" go_install_to "github.com/minio/minio@$MINIO_VERSION" "$MINIO_BIN"
}

# Same stages as kwokctl's defaults: fast node initialisation, lease heartbeats, fast pod lifecycle.
write_kwok_stages() {
  local src stage
  src="$(go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  {
    echo "# Stages from sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage (written by infra/dev/build.sh)"
    for stage in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
      pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
      echo "---"
      cat "$src/kustomize/stage/$stage.yaml"
    done
  } >"$KWOK_STAGES.tmp"
  mv "$KWOK_STAGES.tmp" "$KWOK_STAGES"
}

build_kwok() {
  if [[ -x "$KWOK_BIN" && -f "$KWOK_STAGES" ]]; then log "kwok $KWOK_VERSION cached"; return; fi
  [[ -x "$KWOK_BIN" ]] || build_step "kwok $KWOK_VERSION" go_install_to "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" "$KWOK_BIN"
  write_kwok_stages
}

# etcd's root module has replace directives, so `go install` of it fails; go/etcd is a one-line
# main calling etcdmain.Main. Its go.mod follows the pin.
compile_etcd() {
  cd "$DEV_DIR/go/etcd"
  if ! grep -q "go.etcd.io/etcd/server/v3 $ETCD_VERSION\$" go.mod; then
    go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
    go mod tidy
  fi
  go build -ldflags='-s -w' -o "$ETCD_BIN.tmp" .
  mv "$ETCD_BIN.tmp" "$ETCD_BIN"
}

build_etcd() {
  [[ -x "$ETCD_BIN" ]] && { log "etcd $ETCD_VERSION cached"; return; }
  build_step "etcd $ETCD_VERSION" compile_etcd
}

# Without these -X flags /version says v0.0.0-master and the emulation-version checks misfire.
kube_ldflags() {
  local minor="${KUBE_VERSION#v1.}"
  minor="${minor%%.*}"
  local flags="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  done
  printf '%s' "$flags"
}

compile_kube() {
  cd "$DEV_DIR/go/kube"
  if ! grep -q "k8s.io/kubernetes@$KUBE_VERSION/go.mod" go.mod; then
    ./gen-gomod.sh "$KUBE_VERSION"
  fi
  local out
  out="$(mktemp -d "$KLARSYN_BIN/.tmp.XXXXXX")"
  # One go command for both so their shared packages are compiled once.
  go build -ldflags="$(kube_ldflags)" -o "$out/" ./cmd/kube-apiserver ./cmd/kube-controller-manager
  mv "$out/kube-apiserver" "$KUBE_APISERVER_BIN"
  mv "$out/kube-controller-manager" "$KUBE_CONTROLLER_MANAGER_BIN"
  rm -rf "$out"
}

build_kube() {
  if [[ -x "$KUBE_APISERVER_BIN" && -x "$KUBE_CONTROLLER_MANAGER_BIN" ]]; then
    log "kube-apiserver and kube-controller-manager $KUBE_VERSION cached"
    return
  fi
  build_step "kube-apiserver + kube-controller-manager $KUBE_VERSION (the long one)" compile_kube
}

build_kustomize() {
  [[ -x "$KUSTOMIZE_BIN" ]] && { log "kustomize $KUSTOMIZE_VERSION cached"; return; }
  build_step "kustomize $KUSTOMIZE_VERSION" go_install_to "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" "$KUSTOMIZE_BIN"
}

check() {
  local missing=0 bin
  for bin in "${ALL_BINS[@]}"; do
    [[ -s "$bin" ]] || { echo "missing: $bin"; missing=1; }
  done
  return "$missing"
}

main() {
  if [[ "${1:-}" == "--check" ]]; then check; return; fi
  local prune=false
  if [[ "${1:-}" == "--prune" ]]; then prune=true; shift; fi
  command -v go >/dev/null || { log "go is not on PATH; Go >= 1.26 is needed"; exit 1; }
  mkdir -p "$KLARSYN_BIN"
  # One build at a time per cache: the machine has two cores and the outputs share names.
  exec 9>"$KLARSYN_CACHE/build.lock"
  flock -n 9 || { log "another build holds $KLARSYN_CACHE/build.lock; waiting"; flock 9; }

  local targets=("$@")
  ((${#targets[@]})) || targets=(minio kwok etcd kube kustomize)
  local started=$SECONDS target
  for target in "${targets[@]}"; do
    case "$target" in
      minio | kwok | etcd | kube | kustomize) "build_$target" ;;
      *) log "unknown target '$target' (minio, kwok, etcd, kube, kustomize)"; exit 2 ;;
    esac
  done
  if [[ "$prune" == true ]]; then
    log "pruning the Go module and build caches in $KLARSYN_CACHE/go"
    rm -rf "$KLARSYN_CACHE/go"
  fi
  log "done in $(fmt_duration $((SECONDS - started))); cache $KLARSYN_CACHE uses $(du -sh "$KLARSYN_CACHE" | cut -f1)"
}

main "$@"
