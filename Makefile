# Entry points people type. `make run` sets up and starts the embedded demo; `make test` runs everything.
SHELL := /bin/bash
BENCH ?=

.PHONY: setup build run test typecheck lint format bench dev-infra dev-up dev-down

# Installs only when package.json or the lock file changed since the last install. `npm install`
# rather than `npm ci`: it keeps the locked versions but also fills in platform packages a lock
# written on another machine lacks, instead of refusing.
node_modules/.installed: package.json package-lock.json
	npm install --no-fund --no-audit
	@touch $@

setup: node_modules/.installed build

build: node_modules/.installed
	npm run build

run: setup
	node bin/klarsyn.js demo

typecheck: node_modules/.installed
	npx tsc -p tsconfig.json --noEmit

# Biome for the code, hadolint (installed once into ~/.cache/klarsyn) for every Dockerfile.
lint: node_modules/.installed
	npx biome check .
	git ls-files --cached --others --exclude-standard '*Dockerfile' | xargs --no-run-if-empty "$$(bash infra/dev/install-linters.sh)"

format: node_modules/.installed
	npx biome check --write .

# The real services (MinIO, etcd, kube-apiserver, kube-controller-manager, kwok) are built on first
# use (cached in ~/.cache/klarsyn), started for the run and stopped after it; Chromium (browser
# tests) and bubblewrap (the local workspace sandbox) come from Debian.
test: build typecheck lint
	bash infra/dev/install-browser.sh
	bash infra/dev/install-packages.sh
	bash infra/dev/with-services.sh npx tap || { bash test/print-failures.sh; exit 1; }

bench: build
	@bash test/bench/run.sh $(BENCH)

# Real test services (MinIO, etcd, kube-apiserver, kube-controller-manager, kwok): infra/dev/README.md
dev-infra:
	bash infra/dev/build.sh

dev-up:
	bash infra/dev/up.sh

dev-down:
	bash infra/dev/down.sh
