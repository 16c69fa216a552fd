# FocusQuest — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
SYSTEM_PACKAGES := libargon2-dev libsqlite3-dev libqrencode-dev pkg-config
BROWSER_PACKAGES := chromium chromium-driver python3-venv zbar-tools
POSTGRES_PACKAGES := postgresql postgresql-contrib
## nginx in front of two instances, for the e2e run of "Running more than one instance".
PROXY_PACKAGES := nginx
## Test tools live in a virtual environment of their own (a stock Debian's system Python
## refuses pip installs: PEP 668).
VENV := .build/venv
PYTHON := $(VENV)/bin/python
TEST_PYTHON_PACKAGES := selenium pytest openapi-spec-validator schemathesis icalendar
SWIFT_BUILD_FLAGS ?=

.PHONY: run test build system-deps browser-deps postgres-deps apt-install e2e bench bench-growth bench-templates image-check

## Install the C libraries the build links against, when missing (Debian, as root).
system-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(SYSTEM_PACKAGES)"

## Headless Chromium and its driver, and in $(VENV) Selenium, pytest, an OpenAPI
## validator and Schemathesis for the browser and API tests.
browser-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(BROWSER_PACKAGES)"
	@test -x $(PYTHON) || python3 -m venv $(VENV)
	@$(PYTHON) -c "import selenium, pytest, openapi_spec_validator, schemathesis, icalendar" 2>/dev/null || $(PYTHON) -m pip install -q $(TEST_PYTHON_PACKAGES)

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

## Every test: unit, property and HTTP tests (swift test), then the HTTP suites once more
## on PostgreSQL (TEST_BACKEND=postgres: every app of the tests on a new database; tests of
## SQLite's own rows or file skip), then the browser tests. PostgreSQL runs as a throwaway
## server started here and stopped after.
test: system-deps browser-deps postgres-deps
	@folder=$$(mktemp -d /tmp/fq-postgres-XXXXXX); \
	trap 'scripts/postgres-test-server.sh stop "$$folder"' EXIT; \
	url=$$(scripts/postgres-test-server.sh start "$$folder") || exit 1; \
	TEST_DATABASE_URL="$$url" swift test $(SWIFT_BUILD_FLAGS) && \
	TEST_DATABASE_URL="$$url" TEST_BACKEND=postgres swift test $(SWIFT_BUILD_FLAGS) --skip-build --filter WebAppTests
	$(MAKE) --no-print-directory e2e

## Debian's PostgreSQL server (with pg_trgm), for the tests' throwaway server (SPEC §14).
postgres-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(POSTGRES_PACKAGES)"

## Browser flows in headless Chromium against a real server (screenshots in .build/e2e-screenshots),
## the OpenAPI document's validation and Schemathesis against a live server (output in .build/api-fuzz.txt), and
## two instances on a throwaway PostgreSQL behind nginx with the README's config (deploy/nginx).
e2e: browser-deps postgres-deps
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(PROXY_PACKAGES)"
	swift build $(SWIFT_BUILD_FLAGS) --product focusquest
	$(PYTHON) -m pytest -q Tests/e2e

## The server under load: seed (cached), start, wrk each scenario, print one line each.
bench: system-deps
	@$(MAKE) --no-print-directory apt-install PACKAGES="wrk sqlite3 time curl"
	swift build -c release $(SWIFT_BUILD_FLAGS)
	scripts/bench.sh

## The cost as the site grows (issue 21): 1,000, 10,000 and 100,000 users (seeds cached),
## every scenario at each size, the 100k/1k ratio per scenario, and a user with five years
## of history against a new one. Not in `make test`: it takes about 15 minutes.
bench-growth: system-deps
	@$(MAKE) --no-print-directory apt-install PACKAGES="wrk sqlite3 time curl"
	swift build -c release $(SWIFT_BUILD_FLAGS)
	scripts/bench-growth.sh

## The template engine against swift-mustache, Leaf, Stencil and a hand-written baseline.
bench-templates:
	cd Benchmarks && swift run -c release TemplateBenchmark

## The Dockerfile's build checked without a Docker engine: a --static-swift-stdlib release
## build whose shared libraries all come from the runtime stage's packages, started with
## only the runtime stage's environment and files (not in `make test`: a release build).
image-check: system-deps
	@$(MAKE) --no-print-directory apt-install PACKAGES="sqlite3 curl"
	scripts/image-check.sh
