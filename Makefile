# FocusQuest — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
SYSTEM_PACKAGES := libargon2-dev libsqlite3-dev pkg-config
SWIFT_BUILD_FLAGS ?=

.PHONY: run test build system-deps bench-templates clean-data

## Install the C libraries the build links against, when missing (Debian, as root).
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: system-deps
	swift build -c release $(SWIFT_BUILD_FLAGS)

## Build in release, migrate, and serve on http://localhost:8080 (database under ./data).
run: build
	mkdir -p data
	.build/release/focusquest serve

## Every test: unit, property and HTTP tests.
test: system-deps
	swift test $(SWIFT_BUILD_FLAGS)

## The template engine against swift-mustache, Leaf, Stencil and a hand-written baseline.
bench-templates:
	cd Benchmarks && swift run -c release TemplateBenchmark
