# FocusQuest — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
SYSTEM_PACKAGES := libargon2-dev libsqlite3-dev pkg-config
BROWSER_PACKAGES := chromium chromium-driver
PYTHON ?= python3
SWIFT_BUILD_FLAGS ?=

.PHONY: run test build system-deps browser-deps apt-install e2e bench bench-templates

## Install the C libraries the build links against, when missing (Debian, as root).
system-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(SYSTEM_PACKAGES)"

## Headless Chromium, its driver and Selenium for the browser tests (and an OpenAPI validator).
browser-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(BROWSER_PACKAGES)"
	@$(PYTHON) -c "import selenium, pytest, openapi_spec_validator" 2>/dev/null || $(PYTHON) -m pip install -q selenium pytest openapi-spec-validator

apt-install:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
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

## Every test: unit, property and HTTP tests (swift test), then the browser tests.
test: system-deps browser-deps
	swift test $(SWIFT_BUILD_FLAGS)
	$(MAKE) --no-print-directory e2e

## Browser flows in headless Chromium against a real server (screenshots in .build/e2e-screenshots).
e2e: browser-deps
	swift build $(SWIFT_BUILD_FLAGS) --product focusquest
	$(PYTHON) -m pytest -q Tests/e2e

## The server under load: seed (cached), start, wrk each scenario, print one line each.
bench: system-deps
	@$(MAKE) --no-print-directory apt-install PACKAGES="wrk sqlite3 time curl"
	swift build -c release $(SWIFT_BUILD_FLAGS)
	scripts/bench.sh

## The template engine against swift-mustache, Leaf, Stencil and a hand-written baseline.
bench-templates:
	cd Benchmarks && swift run -c release TemplateBenchmark
