#!/usr/bin/env bash
# A/B of one scenario between two builds, both servers up at once over copies of the same
# seeded database, with short wrk runs alternating between them so a drift of the VM's
# speed hits both alike. Prints each run's rps and the server's CPU per request, then the
# medians.
#   scripts/bench-ab.sh A_BIN A_DB B_BIN B_DB [PATH] [ROUNDS]
# A_DB/B_DB: database files already migrated by their own binary (copied, not changed), or
# a postgres:// URL of a database holding the same seed (copy-database), served as is — so
# one side can be SQLite and the other PostgreSQL (issue 22's ratio; `ratio b/a` at the end).
# PATH: the page to load as the seeded user2 (default /dashboard); an /api/ path is loaded
# with user2's bearer token instead of the session cookie.
# A_VIEWS/B_VIEWS (environment): a templates folder for that side, for a binary copied away
# from its build folder (its bundled templates are found by the build's path). A binary copied
# next to another build's FocusQuest_WebApp.resources folder renders that build's templates:
# copy each binary into a folder of its own with its own resources folder (the bytes printed
# first tell the two pages apart).
set -euo pipefail
A_BIN=$1 A_DB=$2 B_BIN=$3 B_DB=$4 PAGE=${5:-/dashboard} ROUNDS=${6:-6}
WORK=$(mktemp -d /tmp/fq-ab-XXXXXX)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
start() {  # $1 name, $2 binary, $3 database file or URL, $4 port, $5 templates folder (optional)
  local url=
  case $3 in
  postgres://* | postgresql://*) url=$3 ;;
  *) cp "$3" "$WORK/$1.sqlite" ;;
  esac
  env ${5:+VIEWS_DIR="$5"} ${url:+DATABASE_URL="$url"} APP_ENV=production HOST=127.0.0.1 PORT=$4 DATABASE_PATH="$WORK/$1.sqlite" PUBLIC_DIR=Public \
    JWT_SECRET=bench-secret-bench-secret-bench-secret LOG_LEVEL=warning AUTH_REQUESTS_PER_IP=1000000 \
    "$2" serve >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$4/health" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS "http://127.0.0.1:$4/health" >/dev/null || { echo "$1 did not start:"; cat "$WORK/$1.log"; exit 1; }
  local jar="$WORK/$1.jar" base="http://127.0.0.1:$4"
  curl -fsS -c "$jar" -b "$jar" "$base/login" -o /dev/null
  local csrf; csrf=$(awk '$6 == "fq_csrf" {print $7}' "$jar")
  curl -fsS -c "$jar" -b "$jar" -X POST "$base/login" -H "Origin: $base" --data "_csrf=$csrf&username=user2&password=focusquest-demo" -o /dev/null
  if [[ $PAGE == /api/* ]]; then
    curl -fsS -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' -d '{"username":"user2","password":"focusquest-demo"}' \
      | sed -E 's/.*"access_token":"([^"]+)".*/Authorization: Bearer \1/' >"$WORK/$1.auth"
  else
    echo "Cookie: $(awk '$6 ~ /^fq_/ {printf "%s=%s; ", $6, $7}' "$jar")" >"$WORK/$1.auth"
  fi
}
start a "$A_BIN" "$A_DB" 18091 "${A_VIEWS:-}"
start b "$B_BIN" "$B_DB" 18092 "${B_VIEWS:-}"
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
measure() {  # $1 name, $2 pid, $3 port
  local before after requests
  before=$(ticks "$2")
  wrk -t2 -c32 -d5s -H "$(cat "$WORK/$1.auth")" "http://127.0.0.1:$3$PAGE" >"$WORK/$1.txt"
  after=$(ticks "$2")
  requests=$(awk '/requests in/ { print $1 }' "$WORK/$1.txt")
  awk -v n="$1" -v r="$requests" -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -f /dev/stdin "$WORK/$1.txt" <<'AWK' | tee -a "$WORK/$1.results"
/Requests\/sec/ { printf "%s rps=%d server_cpu_us_per_request=%d\n", n, $2, t * 1000000 / hz / r }
AWK
}
for name in a b; do measure "$name" "${PIDS[$([ $name = a ] && echo 0 || echo 1)]}" "$([ $name = a ] && echo 18091 || echo 18092)" >/dev/null; done  # warm-up
rm -f "$WORK"/*.results
for name in a b; do  # what each side serves: its status and size
  port=$([ $name = a ] && echo 18091 || echo 18092)
  curl -s -o /dev/null -w "$name status=%{http_code} bytes=%{size_download}\n" -H "$(cat "$WORK/$name.auth")" "http://127.0.0.1:$port$PAGE"
done
for round in $(seq 1 "$ROUNDS"); do
  measure a "${PIDS[0]}" 18091
  measure b "${PIDS[1]}" 18092
done
for name in a b; do
  sort -t= -k3 -n "$WORK/$name.results" | awk -F'server_cpu_us_per_request=' -v n="$name" '{ v[NR] = $2 } END { printf "median %s server_cpu_us_per_request=%d\n", n, v[int((NR + 1) / 2)] }'
done | tee "$WORK/medians"
awk -F= '{ v[NR] = $2 } END { if (v[1] > 0) printf "ratio b/a=%.2f\n", v[2] / v[1] }' "$WORK/medians"
