# Entry points people type. `make setup && make run` starts the embedded demo; `make test` runs everything.
SHELL := /bin/bash
BENCH ?=

.PHONY: setup build run test typecheck lint bench

setup:
	npm ci --no-fund --no-audit
	npm run build

build:
	npm run build

run: build
	node bin/klarsyn.js demo

typecheck:
	npx tsc -p tsconfig.json --noEmit

lint:
	npx biome check .

test: build typecheck lint
	npx tap

bench: build
	@bash test/bench/run.sh $(BENCH)

# Real test services (MinIO, etcd, kube-apiserver, kube-controller-manager, kwok): infra/dev/README.md
.PHONY: dev-infra dev-up dev-down

dev-infra:
	bash infra/dev/build.sh

dev-up:
	bash infra/dev/up.sh

dev-down:
	bash infra/dev/down.sh
