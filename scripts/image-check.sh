#!/usr/bin/env bash
# make image-check: what the Dockerfile would build, checked without a Docker engine.
# 1. Builds the release binary with the Dockerfile's flags (--static-swift-stdlib) in
#    .build-image, so the usual release build is left alone.
# 2. Every shared library the binary needs (ldd) must come from a package the runtime
#    stage installs, one of their dependencies, or the base image's required packages.
# 3. The binary starts with only the runtime stage's environment (plus the JWT_SECRET an
#    operator must give in production) and the files laid out as the Dockerfile copies
#    them, migrates a new database and answers /health and /ready.
set -euo pipefail
cd "$(dirname "$0")/.."

SCRATCH=.build-image
swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --product focusquest
BIN="$SCRATCH/release/focusquest"

# The runtime stage: the packages of its `apt-get install` and its ENV line.
RUNTIME=$(awk '/^FROM debian/ {runtime = 1} runtime' Dockerfile)
PACKAGES=$(echo "$RUNTIME" | grep -o 'install -y --no-install-recommends [^&]*' | head -1 | sed -e 's/install -y --no-install-recommends //' -e 's/\\//g')
ENVIRONMENT=$(echo "$RUNTIME" | sed -n 's/^ENV //p')
echo "runtime packages: $PACKAGES"
echo "runtime environment: $ENVIRONMENT"

allowed=$(mktemp)
{
  for package in $PACKAGES; do
    echo "$package"
    apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances "$package" 2>/dev/null \
      | grep -v '^ ' | sed 's/:any$//' || true
  done
  dpkg-query -W -f='${Package} ${Priority}\n' | awk '$2 == "required" {print $1}'
} | sed 's/[<>]//g' | sort -u >"$allowed"

status=0
while read -r library path; do
  [ -n "$path" ] || continue
  owner=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1 || true)
  [ -n "$owner" ] || owner=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1 || true)
  if [ -n "$owner" ] && grep -qx "$owner" "$allowed"; then
    echo "ok       $library ($owner)"
  else
    echo "MISSING  $library from ${owner:-no package} — not in the runtime stage"
    status=1
  fi
done < <(ldd "$BIN" | awk '/=>/ && $3 ~ /^\// {print $1, $3} /^\t\/lib/ {print $1, $1}')
rm -f "$allowed"
[ $status -eq 0 ] || { echo "image-check: the runtime stage lacks a library the binary needs"; exit 1; }

# The files as the Dockerfile lays them out: /app (binary, resources, Public) and /data.
ROOT=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/app" "$ROOT/data"
cp "$BIN" "$ROOT/app/"
cp -R "$SCRATCH/release/FocusQuest_WebApp.resources" "$ROOT/app/"
cp -R Public "$ROOT/app/Public"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The image's variables, with its absolute folders moved under $ROOT and a free port.
declare -a VARIABLES
for assignment in $ENVIRONMENT; do
  value=${assignment#*=}
  value=${value/#\/data/$ROOT/data}
  value=${value/#\/app/$ROOT/app}
  case "${assignment%%=*}" in PORT) value=$PORT ;; esac
  VARIABLES+=("${assignment%%=*}=$value")
done
(cd "$ROOT/app" && exec env -i "${VARIABLES[@]}" JWT_SECRET=image-check-secret-image-check-secret ./focusquest serve) >"$ROOT/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$PORT/health" && echo
curl -fsS "http://127.0.0.1:$PORT/ready" && echo
curl -fsS "http://127.0.0.1:$PORT/api/v1/openapi.json" -o /dev/null && echo "openapi.json served from the bundled resources"
curl -fsS "http://127.0.0.1:$PORT/login" | grep -q "<form" && echo "the login page renders from the bundled templates"
curl -fsS "http://127.0.0.1:$PORT/css/app.css" -o /dev/null && echo "static files served from PUBLIC_DIR"
test -f "$ROOT/data/focusquest.sqlite" && echo "migrated $(sqlite3 "$ROOT/data/focusquest.sqlite" 'SELECT COUNT(*) FROM grdb_migrations') migrations into DATABASE_PATH"
echo "image-check: ok ($(du -h "$BIN" | cut -f1) binary)"
