#!/usr/bin/env bash
# make bench-growth (issue 21): the cost of each page as the site grows. Seeds (cached)
# 1,000, 10,000 and 100,000 users with the same volumes each (20 tasks, 10 sessions, a few
# friends; plus the user `heavy`), runs every scenario against each size, and prints
# one line per scenario and size, then per scenario the ratio of its server CPU per
# request at the largest size to the smallest. Then the heavy user (five years of history)
# against a new user, at HEAVY_SIZE.
#   BENCH_GROWTH_SIZES="1000 10000 100000"  BENCH_DURATION=5s  BENCH_ONLY="dashboard admin_last"
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${BENCH_GROWTH_SIZES:-1000 10000 100000}
HEAVY_SIZE=${BENCH_HEAVY_SIZE:-10000}
DURATION=${BENCH_DURATION:-5s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
ONLY=${BENCH_ONLY:-}
PORT=${BENCH_PORT:-18085}
BIN=.build/release/focusquest
SEED_VERSION=1  # changes when the seeder writes different data, so an old cache is not reused
WORK=.build/bench/growth
BASE=http://127.0.0.1:$PORT
RESULTS=$WORK/results.txt
source scripts/bench-lib.sh
mkdir -p "$WORK"
: >"$RESULTS"
trap stop_server EXIT
wanted() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }

# One wrk run; one line: size=<n> scenario=<name> rps=<n> p99_ms=<n> server_cpu_us_per_request=<n>
measure() {  # $1 size, $2 scenario, $3 connections, rest: wrk arguments
  local size=$1 name=$2 connections=$3; shift 3
  wanted "$name" || return 0
  local before server_before line machine
  wrk -t2 -c"$connections" -d1s "$@" >/dev/null 2>&1  # warm-up
  before=$(cpu_ticks); server_before=$(server_ticks)
  wrk -t2 -c"$connections" -d"$DURATION" --latency "$@" >"$WORK/$name.txt" 2>&1
  line=$(report "$name" "$WORK/$name.txt")
  machine=$(machine_report "$name" "$WORK/$name.txt" "$before" "$server_before")
  echo "size=$size $line ${machine#machine scenario=$name }" | tee -a "$RESULTS"
}

# A wrk script posting focus sessions with ids never sent before (a replay would be the
# cheaper path); $1 start and $2 end (ISO 8601), $3 token, $4 a label for the ids.
session_script() {
  cat <<LUA
local n = 0
local thread_id = 0
setup = function(thread) thread_id = thread_id + 1; thread:set("tid", thread_id) end
init = function() math.randomseed(os.time() * 100 + tid) end
request = function()
  n = n + 1
  local body = '{"session_id":"$4-' .. tid .. '-' .. n .. '-' .. math.random(1e9) .. '","start_time":"$1","end_time":"$2","timezone":"Europe/Berlin"}'
  return wrk.format("POST", "/api/v1/sessions", { ["Authorization"] = "Bearer $3", ["Content-Type"] = "application/json" }, body)
end
LUA
}

for size in $SIZES; do
  cache=.build/bench/growth-v${SEED_VERSION}-${size}.sqlite
  seed_cached "$cache" --users "$size" --tasks-per-user 20 --sessions-per-user 10 --days 30 --heavy-user
  rm -f "$WORK"/db.sqlite*
  cp "$cache" "$WORK/db.sqlite"
  start_server "$WORK/db.sqlite"
  sign_in_everyone
  measure "$size" dashboard "$CONNECTIONS" -H "Cookie: $USER_COOKIE" "$BASE/dashboard"
  measure "$size" task_status "$CONNECTIONS" -s "$WORK/status.lua" "$BASE"
  measure "$size" api_tasks "$CONNECTIONS" -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/tasks?limit=50"
  for sort in -created -last_active -focus_7d -xp; do
    measure "$size" "admin_sort${sort//-/_}" "$CONNECTIONS" -H "Cookie: $ADMIN_COOKIE" "$BASE/admin?sort=$sort"
  done
  # A name found once at every size (the cost of looking it up), then a part of a name that
  # more users share the more there are (user77, user770…, user7700…: the cost of the matches).
  measure "$size" admin_search "$CONNECTIONS" -H "Cookie: $ADMIN_COOKIE" "$BASE/admin?q=heavy"
  measure "$size" admin_search_common "$CONNECTIONS" -H "Cookie: $ADMIN_COOKIE" "$BASE/admin?q=user77"
  measure "$size" admin_last "$CONNECTIONS" -H "Cookie: $ADMIN_COOKIE" "$BASE/admin?page=$(( (size + 1 + 49) / 50 ))"
  measure "$size" friends "$CONNECTIONS" -H "Cookie: $USER_COOKIE" "$BASE/friends"
  measure "$size" leaderboard "$CONNECTIONS" -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/leaderboard"

  if [ "$size" = "$HEAVY_SIZE" ]; then
    # The heavy user against one who signed up just now, scenario by scenario.
    curl -fsS -X POST "$BASE/api/v1/auth/signup" -H 'Content-Type: application/json' \
      -d '{"username":"newcomer","password":"focusquest-demo","timezone":"Europe/Berlin"}' -o /dev/null
    today=$(date -u +%Y-%m-%d)
    year_ago=$(date -u -d '-364 days' +%Y-%m-%d)
    now_start=$(date -u -d '-30 minutes' +%Y-%m-%dT%H:%M:%SZ)
    now_end=$(date -u -d '-5 minutes' +%Y-%m-%dT%H:%M:%SZ)
    late_start=$(date -u -d '-365 days' +%Y-%m-%dT10:00:00Z)
    late_end=$(date -u -d '-365 days' +%Y-%m-%dT10:25:00Z)
    for who in heavy newcomer; do
      who_token=$(api_token $who)
      browser_login $who "$WORK/$who.jar"
      session_script "$now_start" "$now_end" "$who_token" today >"$WORK/$who-today.lua"
      session_script "$late_start" "$late_end" "$who_token" late >"$WORK/$who-late.lua"
      # Reads first: the posts below add thousands of sessions to the new user.
      measure "$size" "${who}_dashboard" "$CONNECTIONS" -H "Cookie: $(cookie "$WORK/$who.jar")" "$BASE/dashboard"
      measure "$size" "${who}_calendar_year" "$CONNECTIONS" -H "Authorization: Bearer $who_token" \
        "$BASE/api/v1/streak/calendar?from=$year_ago&to=$today"
      measure "$size" "${who}_export" 4 -H "Authorization: Bearer $who_token" "$BASE/api/v1/export"
      measure "$size" "${who}_session_today" 4 -s "$WORK/$who-today.lua" "$BASE"
      measure "$size" "${who}_session_late" 4 -s "$WORK/$who-late.lua" "$BASE"
    done
  fi
  stop_server
done

# Per scenario: CPU per request at the largest size over the smallest.
smallest=$(echo $SIZES | awk '{print $1}')
largest=$(echo $SIZES | awk '{print $NF}')
awk -v small="$smallest" -v large="$largest" '
  { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    cpu[f["scenario"], f["size"]] = f["server_cpu_us_per_request"]; size_of[f["scenario"]] = f["size"]
    if (!(f["scenario"] in seen)) { seen[f["scenario"]] = 1; order[++n] = f["scenario"] } }
  END {
    for (i = 1; i <= n; i++) { s = order[i]
      if (((s, small) in cpu) && ((s, large) in cpu) && cpu[s, small] > 0) printf "scenario=%s ratio=%.2f\n", s, cpu[s, large] / cpu[s, small] }
    for (i = 1; i <= n; i++) { s = order[i]; if (s !~ /^heavy_/) continue
      t = s; sub(/^heavy_/, "newcomer_", t); size = size_of[s]
      if (((t, size) in cpu) && cpu[t, size] > 0)
        printf "heavy scenario=%s heavy_cpu_us=%d new_user_cpu_us=%d ratio=%.2f\n", substr(s, 7), cpu[s, size], cpu[t, size], cpu[s, size] / cpu[t, size] }
  }' "$RESULTS"
