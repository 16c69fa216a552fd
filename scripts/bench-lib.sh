# Shared by bench.sh and bench-growth.sh (sourced, not run): a cached seed, a release
# server started on a copy, signing in, and what one wrk run measured.
# The caller sets BIN, WORK, PORT and BASE.

BENCH_SECRET=bench-secret-bench-secret-bench-secret

# $1: the cache file; the rest: `focusquest seed` arguments. Seeds once, then migrates the
# cache in place (a cache seeded by an older schema is migrated here, not at every start).
seed_cached() {
  local cache=$1; shift
  if [ ! -f "$cache" ]; then
    echo "seeding $* (cached in $cache)…"
    rm -f "$cache".tmp*
    APP_ENV=development DATABASE_PATH="$cache.tmp" JWT_SECRET=$BENCH_SECRET LOG_LEVEL=warning \
      /usr/bin/time -f "seed took %e s, peak RSS %M KiB" "$BIN" seed "$@"
    sqlite3 "$cache.tmp" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null 2>&1 || true
    mv "$cache.tmp" "$cache"
    rm -f "$cache.tmp-wal" "$cache.tmp-shm"
  fi
  APP_ENV=development DATABASE_PATH="$cache" JWT_SECRET=$BENCH_SECRET LOG_LEVEL=warning "$BIN" migrate
  sqlite3 "$cache" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
}

# $1: the database file to serve (a copy: benchmarks write); with DATABASE_URL set, the
# PostgreSQL database instead. $2: the port (default $PORT). Sets SERVER and adds it to
# SERVERS (every instance started, whose CPU the machine lines add up).
start_server() {
  local port=${2:-$PORT}
  APP_ENV=production HOST=127.0.0.1 PORT=$port DATABASE_PATH="$1" PUBLIC_DIR=Public \
    JWT_SECRET=$BENCH_SECRET LOG_LEVEL=warning AUTH_REQUESTS_PER_IP=1000000 \
    AUTH_FAILURES_PER_USERNAME=10000 TRUSTED_PROXIES=127.0.0.1 "$BIN" serve >"$WORK/server-$port.log" 2>&1 &
  SERVER=$!
  SERVERS="${SERVERS:-} $SERVER"
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0
    kill -0 $SERVER 2>/dev/null || break
    sleep 0.1
  done
  cat "$WORK/server-$port.log"
  return 1
}

stop_server() {
  for server in ${SERVERS:-}; do kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; done
  SERVER= SERVERS=
}

browser_login() {  # $1 username, $2 cookie jar
  curl -fsS -c "$2" -b "$2" "$BASE/login" -o /dev/null
  local csrf; csrf=$(awk '$6 == "fq_csrf" {print $7}' "$2")
  curl -fsS -c "$2" -b "$2" -X POST "$BASE/login" -H "Origin: $BASE" \
    --data "_csrf=$csrf&username=$1&password=focusquest-demo" -o /dev/null
}
cookie() { awk '$6 ~ /^fq_/ {printf "%s=%s; ", $6, $7}' "$1"; }
api_token() {  # $1 username
  curl -fsS -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"focusquest-demo\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}

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

# The machine's side of a scenario: the server's own CPU time per request (comparable
# between runs when the VM's speed drifts) and the share of CPU time the hypervisor gave
# to others (steal).
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $9 }' /proc/stat; }
server_ticks() { for server in $SERVERS; do cat /proc/$server/stat; done | awk '{ t += $14 + $15 } END { print t + 0 }'; }
# PostgreSQL's processes (POSTMASTER set): the postmaster with its reaped children's time,
# and every live backend.
postgres_ticks() {
  [ -n "${POSTMASTER:-}" ] || { echo 0; return; }
  { awk '{ print $14 + $15 + $16 + $17 }' /proc/$POSTMASTER/stat
    for child in $(ps --ppid "$POSTMASTER" -o pid=); do awk '{ print $14 + $15 }' /proc/$child/stat 2>/dev/null; done; } | awk '{ t += $1 } END { print t + 0 }'
}
machine_report() {  # $1 name, $2 wrk output, $3 "total steal" before, $4 server ticks before, $5 PostgreSQL ticks before
  local after server postgres requests
  after=$(cpu_ticks); server=$(server_ticks); postgres=$(postgres_ticks)
  requests=$(awk '/requests in/ { print $1 }' "$2")
  awk -v name="$1" -v before="$3" -v after="$after" -v s0="$4" -v s1="$server" -v p0="${5:-0}" -v p1="$postgres" -v n="${requests:-0}" \
    -v hz="$(getconf CLK_TCK)" -v pg="${POSTMASTER:-}" '
    BEGIN { split(before, b, " "); split(after, a, " "); total = a[1] - b[1]; steal = a[2] - b[2]
      printf "machine scenario=%s server_cpu_us_per_request=%d", name, (n > 0 ? (s1 - s0) * 1000000 / hz / n : 0)
      if (pg != "") printf " postgres_cpu_us_per_request=%d", (n > 0 ? (p1 - p0) * 1000000 / hz / n : 0)
      printf " steal_pct=%.1f\n", (total > 0 ? 100 * steal / total : 0) }'
}

# A wrk script flipping task $1 between todo and in progress as a browser does (cookie
# header $2, CSRF token $3, fragment requests).
status_script() {
  cat <<LUA
local n = 0
request = function()
  n = n + 1
  local status = (n % 2 == 0) and "todo" or "in_progress"
  return wrk.format("POST", "/tasks/$1/status", {
    ["Cookie"] = "$2", ["X-CSRF-Token"] = "$3", ["HX-Request"] = "true",
    ["Content-Type"] = "application/x-www-form-urlencoded", ["Origin"] = "$BASE" }, "status=" .. status)
end
LUA
}

# The benchmarks' visitors: sets USER_COOKIE and CSRF (user2's browser), ADMIN_COOKIE
# (user1's), TOKEN (user3's API token), TASK (one of user2's open tasks) and writes
# $WORK/status.lua for it.
sign_in_everyone() {
  browser_login user2 "$WORK/user.jar"
  browser_login user1 "$WORK/admin.jar"
  USER_COOKIE=$(cookie "$WORK/user.jar")
  ADMIN_COOKIE=$(cookie "$WORK/admin.jar")
  CSRF=$(awk '$6 == "fq_csrf" {print $7}' "$WORK/user.jar")
  TOKEN=$(api_token user3)
  TASK=$(sqlite3 "$WORK/db.sqlite" "SELECT id FROM tasks WHERE user_id = 2 AND status != 'done' LIMIT 1" 2>/dev/null || echo 1)
  status_script "$TASK" "$USER_COOKIE" "$CSRF" >"$WORK/status.lua"
}
