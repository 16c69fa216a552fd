#!/usr/bin/env bash
# make bench: seeds (or reuses) a database of 10,000 users × 100 tasks × 50 sessions,
# starts the release server on it, drives each scenario with wrk for 10 s at 32
# connections, and prints one line per scenario plus the server's peak RSS.
# BENCH_BACKEND=postgres: the same seed copied (copy-database) into a throwaway PostgreSQL
# (scripts/postgres-test-server.sh: Debian's server, durability off like SQLite's WAL
# without fsync per commit), served by one instance, or by two behind nginx with the
# README's config (BENCH_INSTANCES=2), over its Unix socket (BENCH_POSTGRES_VIA=tcp: loopback
# TCP); the machine lines add PostgreSQL's CPU per request.
# The servers it starts are always stopped (trap on EXIT).
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${BENCH_USERS:-10000}
TASKS=${BENCH_TASKS:-100}
SESSIONS=${BENCH_SESSIONS:-50}
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
PORT=${BENCH_PORT:-18080}
ONLY=${BENCH_ONLY:-}  # e.g. "dashboard api_tasks": run only these scenarios
BACKEND=${BENCH_BACKEND:-sqlite}
INSTANCES=${BENCH_INSTANCES:-1}
STREAM_USERS=${BENCH_STREAM_USERS:-500}  # the streams scenario: users × 10 open event streams
# Thousands of open streams need descriptors (the server's connection cap follows the limit).
ulimit -n 65536 2>/dev/null || true
BIN=.build/release/focusquest
# SEED_VERSION changes when the seeder writes different data (2: friends), so an old cache is not reused.
SEED_VERSION=2
CACHE=.build/bench/seed-v${SEED_VERSION}-${USERS}x${TASKS}x${SESSIONS}.sqlite
WORK=.build/bench/work
BASE=http://127.0.0.1:$PORT

source scripts/bench-lib.sh
mkdir -p .build/bench "$WORK"
seed_cached "$CACHE" --users "$USERS" --tasks-per-user "$TASKS" --sessions-per-user "$SESSIONS" --days 120
rm -f "$WORK"/db.sqlite*
cp "$CACHE" "$WORK/db.sqlite"
case $BACKEND in
sqlite)
  start_server "$WORK/db.sqlite"
  trap stop_server EXIT
  ;;
postgres)
  PG_FOLDER=$(mktemp -d /tmp/fq-bench-postgres-XXXXXX)
  NGINX_FOLDER=
  stop_all() {
    stop_server
    [ -z "$NGINX_FOLDER" ] || { kill "$(cat "$NGINX_FOLDER/nginx.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$NGINX_FOLDER"; }
    scripts/postgres-test-server.sh stop "$PG_FOLDER"
  }
  trap stop_all EXIT
  export DATABASE_URL; DATABASE_URL=$(POSTGRES_OPTIONS="-c pg_stat_statements.track=none" scripts/postgres-test-server.sh start "$PG_FOLDER")
  # The server is on this machine: its Unix socket (the README's advice), unless
  # BENCH_POSTGRES_VIA=tcp measures loopback TCP (as a database on another machine is reached).
  [ "${BENCH_POSTGRES_VIA:-socket}" = tcp ] || DATABASE_URL="$DATABASE_URL?host=$PG_FOLDER"
  POSTMASTER=$(head -1 "$PG_FOLDER/data/postmaster.pid")
  APP_ENV=production JWT_SECRET=$BENCH_SECRET LOG_LEVEL=warning "$BIN" migrate
  APP_ENV=production DATABASE_PATH="$WORK/db.sqlite" JWT_SECRET=$BENCH_SECRET LOG_LEVEL=warning \
    /usr/bin/time -f "copy-database took %e s" "$BIN" copy-database --to "$DATABASE_URL"
  if [ "$INSTANCES" = 1 ]; then
    start_server "$WORK/db.sqlite"
  else
    # Two instances behind nginx (deploy/nginx/focusquest.conf, ports substituted).
    start_server "$WORK/db.sqlite" $((PORT + 1))
    start_server "$WORK/db.sqlite" $((PORT + 2))
    NGINX_FOLDER=$(mktemp -d /tmp/fq-bench-nginx-XXXXXX)
    sed -e "s/listen 80;/listen 127.0.0.1:$PORT;/" -e "s/127.0.0.1:8081/127.0.0.1:$((PORT + 1))/" -e "s/127.0.0.1:8082/127.0.0.1:$((PORT + 2))/" \
      deploy/nginx/focusquest.conf >"$NGINX_FOLDER/focusquest.conf"
    cat >"$NGINX_FOLDER/nginx.conf" <<NGINX
$([ "$(id -u)" = 0 ] && echo "user root;")
worker_processes 1;
pid $NGINX_FOLDER/nginx.pid;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path $NGINX_FOLDER/body; proxy_temp_path $NGINX_FOLDER/proxy;
  fastcgi_temp_path $NGINX_FOLDER/fastcgi; uwsgi_temp_path $NGINX_FOLDER/uwsgi; scgi_temp_path $NGINX_FOLDER/scgi;
  include $NGINX_FOLDER/focusquest.conf; }
NGINX
    /usr/sbin/nginx -p "$NGINX_FOLDER" -e "$NGINX_FOLDER/error.log" -c "$NGINX_FOLDER/nginx.conf"
    for _ in $(seq 1 100); do curl -fsS "$BASE/health" >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  ;;
*)
  echo "BENCH_BACKEND must be sqlite or postgres" >&2
  exit 2
  ;;
esac

sign_in_everyone
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

wanted() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }
# Each scenario prints its machine line (bench-lib.sh) after its own.
run() {  # $1 name, rest: wrk arguments
  local name=$1; shift
  wanted "$name" || return 0
  local before server_before postgres_before
  before=$(cpu_ticks); server_before=$(server_ticks); postgres_before=$(postgres_ticks)
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" >"$WORK/$name.txt" 2>&1
  report "$name" "$WORK/$name.txt"
  machine_report "$name" "$WORK/$name.txt" "$before" "$server_before" "$postgres_before"
}

echo "machine nproc=$(nproc) loadavg=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ',') backend=$BACKEND instances=$INSTANCES$([ "$BACKEND" = postgres ] && echo " via=${BENCH_POSTGRES_VIA:-socket}")"
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
