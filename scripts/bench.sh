#!/usr/bin/env bash
# make bench: seeds (or reuses) a database of 10,000 users × 100 tasks × 50 sessions,
# starts the release server on it, drives each scenario with wrk for 10 s at 32
# connections, and prints one line per scenario plus the server's peak RSS.
# The server it starts is always stopped (trap on EXIT).
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${BENCH_USERS:-10000}
TASKS=${BENCH_TASKS:-100}
SESSIONS=${BENCH_SESSIONS:-50}
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
PORT=${BENCH_PORT:-18080}
ONLY=${BENCH_ONLY:-}  # e.g. "dashboard api_tasks": run only these scenarios
STREAM_USERS=${BENCH_STREAM_USERS:-500}  # the streams scenario: users × 10 open event streams
# Thousands of open streams need descriptors (the server's connection cap follows the limit).
ulimit -n 65536 2>/dev/null || true
BIN=.build/release/focusquest
# SEED_VERSION changes when the seeder writes different data (2: friends), so an old cache is not reused.
SEED_VERSION=2
CACHE=.build/bench/seed-v${SEED_VERSION}-${USERS}x${TASKS}x${SESSIONS}.sqlite
WORK=.build/bench/work
BASE=http://127.0.0.1:$PORT

mkdir -p .build/bench "$WORK"
if [ ! -f "$CACHE" ]; then
  echo "seeding $USERS users × $TASKS tasks × $SESSIONS sessions (cached in $CACHE)…"
  rm -f "$CACHE".tmp*
  APP_ENV=development DATABASE_PATH="$CACHE.tmp" JWT_SECRET=bench-secret-bench-secret-bench-secret LOG_LEVEL=warning \
    /usr/bin/time -f "seed took %e s, peak RSS %M KiB" "$BIN" seed --users "$USERS" --tasks-per-user "$TASKS" --sessions-per-user "$SESSIONS" --days 120
  sqlite3 "$CACHE.tmp" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null 2>&1 || true
  mv "$CACHE.tmp" "$CACHE"
  rm -f "$CACHE.tmp-wal" "$CACHE.tmp-shm"
fi
# A cache seeded by an older schema is migrated once here, not at every server start.
APP_ENV=development DATABASE_PATH="$CACHE" JWT_SECRET=bench-secret-bench-secret-bench-secret LOG_LEVEL=warning "$BIN" migrate
sqlite3 "$CACHE" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
rm -f "$WORK"/db.sqlite*
cp "$CACHE" "$WORK/db.sqlite"

APP_ENV=production HOST=127.0.0.1 PORT=$PORT DATABASE_PATH="$WORK/db.sqlite" PUBLIC_DIR=Public \
  JWT_SECRET=bench-secret-bench-secret-bench-secret LOG_LEVEL=warning AUTH_REQUESTS_PER_IP=1000000 \
  AUTH_FAILURES_PER_USERNAME=10000 "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS "$BASE/health" >/dev/null 2>&1 && break; kill -0 $SERVER 2>/dev/null || { cat "$WORK/server.log"; exit 1; }; sleep 0.1; done

# Sessions: a browser cookie + CSRF token for user2, the admin's cookie, an API token.
browser_login() {  # $1 username, $2 cookie jar
  curl -fsS -c "$2" -b "$2" "$BASE/login" -o /dev/null
  local csrf; csrf=$(awk '$6 == "fq_csrf" {print $7}' "$2")
  curl -fsS -c "$2" -b "$2" -X POST "$BASE/login" -H "Origin: $BASE" \
    --data "_csrf=$csrf&username=$1&password=focusquest-demo" -o /dev/null
}
browser_login user2 "$WORK/user.jar"
browser_login user1 "$WORK/admin.jar"
cookie() { awk '$6 ~ /^fq_/ {printf "%s=%s; ", $6, $7}' "$1"; }
USER_COOKIE=$(cookie "$WORK/user.jar")
ADMIN_COOKIE=$(cookie "$WORK/admin.jar")
CSRF=$(awk '$6 == "fq_csrf" {print $7}' "$WORK/user.jar")
TOKEN=$(curl -fsS -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"user3","password":"focusquest-demo"}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
TASK=$(sqlite3 "$WORK/db.sqlite" "SELECT id FROM tasks WHERE user_id = 2 AND status != 'done' LIMIT 1" 2>/dev/null || echo 1)

cat >"$WORK/status.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  local status = (n % 2 == 0) and "todo" or "in_progress"
  return wrk.format("POST", "/tasks/$TASK/status", {
    ["Cookie"] = "$USER_COOKIE", ["X-CSRF-Token"] = "$CSRF", ["HX-Request"] = "true",
    ["Content-Type"] = "application/x-www-form-urlencoded", ["Origin"] = "$BASE" }, "status=" .. status)
end
LUA
# /health probes while logins run: 4 connections, each waiting 5 ms between requests
# (about 800 a second), so the probes measure latency without taking the cores from
# the hashing they are measured against.
cat >"$WORK/health.lua" <<LUA
delay = function() return 5 end
LUA
cat >"$WORK/login.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  local user = 10 + (n % 500)
  return wrk.format(nil, "/api/v1/auth/login", nil, '{"username":"user' .. user .. '","password":"focusquest-demo"}')
end
LUA

# One line per scenario: scenario=<name> rps=<n> p50_ms=<n> p99_ms=<n> errors=<n>
report() {  # $1 name, $2 wrk output file
  awk -v name="$1" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /Non-2xx or 3xx/ { errors += $NF }
    /Socket errors/ { gsub(",", ""); errors += $4 + $6 + $8 + $10 }
    END { printf "scenario=%s rps=%d p50_ms=%.2f p99_ms=%.2f errors=%d\n", name, rps, p50, p99, errors }' "$2"
}
wanted() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }
# The machine's side of a scenario, on a line of its own after it: the server's own CPU
# time per request (comparable between runs when the VM's speed drifts) and the share
# of CPU time the hypervisor gave to others (steal).
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $9 }' /proc/stat; }
server_ticks() { awk '{ print $14 + $15 }' /proc/$SERVER/stat; }
machine_report() {  # $1 name, $2 wrk output, $3 "total steal" before, $4 server ticks before
  local after server requests
  after=$(cpu_ticks); server=$(server_ticks)
  requests=$(awk '/requests in/ { print $1 }' "$2")
  awk -v name="$1" -v before="$3" -v after="$after" -v s0="$4" -v s1="$server" -v n="${requests:-0}" -v hz="$(getconf CLK_TCK)" '
    BEGIN { split(before, b, " "); split(after, a, " "); total = a[1] - b[1]; steal = a[2] - b[2]
      printf "machine scenario=%s server_cpu_us_per_request=%d steal_pct=%.1f\n", name, (n > 0 ? (s1 - s0) * 1000000 / hz / n : 0), (total > 0 ? 100 * steal / total : 0) }'
}
run() {  # $1 name, rest: wrk arguments
  local name=$1; shift
  wanted "$name" || return 0
  local before server_before
  before=$(cpu_ticks); server_before=$(server_ticks)
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" >"$WORK/$name.txt" 2>&1
  report "$name" "$WORK/$name.txt"
  machine_report "$name" "$WORK/$name.txt" "$before" "$server_before"
}

echo "machine nproc=$(nproc) loadavg=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ',')"
run dashboard -H "Cookie: $USER_COOKIE" "$BASE/dashboard"
echo "server_rss_after_dashboard_kib=$(awk '/VmHWM/ {print $2}' /proc/$SERVER/status)"
if wanted dashboard_with_streams; then
  # SPEC §12's cost: STREAM_USERS × 10 event streams held open while the dashboard runs
  # again; the RSS they add (per stream) and the time from a write to its user's 10 streams.
  python3 scripts/event-streams.py "$BASE" "$STREAM_USERS" 10 50 focusquest-demo >"$WORK/streams.txt" 2>&1 &
  STREAMS=$!
  for _ in $(seq 1 1800); do grep -qs '^signed_in' "$WORK/streams.txt" && break; kill -0 $STREAMS 2>/dev/null || break; sleep 0.1; done
  rss_before=$(awk '/VmRSS/ {print $2}' /proc/$SERVER/status)
  kill -USR1 $STREAMS
  for _ in $(seq 1 1800); do grep -qs '^holding' "$WORK/streams.txt" && break; kill -0 $STREAMS 2>/dev/null || break; sleep 0.1; done
  grep -E '^(streams_open|event_latency_ms|event_missing)' "$WORK/streams.txt" || { cat "$WORK/streams.txt"; exit 1; }
  rss_with=$(awk '/VmRSS/ {print $2}' /proc/$SERVER/status)
  awk -v a="$rss_before" -v b="$rss_with" -v n="$(( STREAM_USERS * 10 ))" \
    'BEGIN { printf "streams_rss_kib before=%d with=%d per_stream_kib=%.2f\n", a, b, (b - a) / n }'
  run dashboard_with_streams -H "Cookie: $USER_COOKIE" "$BASE/dashboard"
  kill $STREAMS; wait $STREAMS 2>/dev/null || true
fi
run task_status -s "$WORK/status.lua" "$BASE"
run api_tasks -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/tasks?limit=50"
run admin_page -H "Cookie: $ADMIN_COOKIE" "$BASE/admin"
if wanted login; then
  # One login at a time measures the single-hash time (plus a little HTTP and SQL); the
  # target is 85 % of cores ÷ that time.
  wrk -t1 -c1 -d3s --latency -s "$WORK/login.lua" "$BASE" >"$WORK/login_single.txt" 2>&1
  awk -v cores="$(nproc)" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { t = ms($2) }
    END { printf "login_single_ms=%.2f login_target_rps=%d\n", t, 0.85 * cores * 1000 / t }' "$WORK/login_single.txt"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/login.lua" "$BASE" >"$WORK/login.txt" 2>&1 &
  LOGINS=$!
  sleep 1
  wrk -t1 -c4 -d"$(( ${DURATION%s} - 2 ))s" --latency -s "$WORK/health.lua" "$BASE/health" >"$WORK/health.txt" 2>&1
  wait $LOGINS
  report login "$WORK/login.txt"
  report health_during_logins "$WORK/health.txt"
fi
echo "server_peak_rss_kib=$(awk '/VmHWM/ {print $2}' /proc/$SERVER/status)"
