#!/usr/bin/env bash
# Export and import of one seeded user with 10,000 tasks and 20,000 sessions on the release
# server (issue 17's measurement): times, the server's peak RSS, and that both accounts end
# with the same streak and XP. Run `swift build -c release --product focusquest` first.
set -euo pipefail
BIN=${BIN:-$(pwd)/.build/release/focusquest}
W=/tmp/fq-measure; rm -rf $W; mkdir -p $W; cd $W
export APP_ENV=development DATABASE_PATH=$W/db.sqlite JWT_SECRET=measure-secret-measure-secret-measure-secret LOG_LEVEL=warning PUBLIC_DIR=$(dirname "$BIN")/../../Public
/usr/bin/time -f "seed: %e s" $BIN seed --users 1 --tasks-per-user 10000 --sessions-per-user 20000 --days 19500 | tail -1
PORT=18121 AUTH_REQUESTS_PER_IP=100000 $BIN serve > server.log 2>&1 &
PID=$!
trap 'kill $PID' EXIT
for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:18121/health >/dev/null 2>&1 && break; sleep 0.1; done
b=http://127.0.0.1:18121/api/v1
tok=$(curl -fsS -X POST $b/auth/login -H 'Content-Type: application/json' -d '{"username":"user1","password":"focusquest-demo"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')
rss() { awk '/VmHWM|VmRSS/ {printf "%s %s kB  ", $1, $2}' /proc/$PID/status; echo; }
echo "server before: $(rss)"
/usr/bin/time -f "export: %e s" curl -fsS $b/export -H "Authorization: Bearer $tok" -o export.json
ls -la export.json | awk '{print "export size:", $5, "bytes"}'
python3 -c 'import json;d=json.load(open("export.json"));print("tasks",len(d["tasks"]),"sessions",len(d["sessions"]))'
echo "server after export: $(rss)"
new=$(curl -fsS -X POST $b/auth/signup -H 'Content-Type: application/json' -d '{"username":"newcomer","password":"correct horse battery","timezone":"UTC"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')
/usr/bin/time -f "import (dry run): %e s" curl -fsS -X POST "$b/import?dry_run=true" -H "Authorization: Bearer $new" -H 'Content-Type: application/json' --data-binary @export.json; echo
/usr/bin/time -f "import: %e s" curl -fsS -X POST "$b/import" -H "Authorization: Bearer $new" -H 'Content-Type: application/json' --data-binary @export.json; echo
echo "server after import: $(rss)"
/usr/bin/time -f "import again: %e s" curl -fsS -X POST "$b/import" -H "Authorization: Bearer $new" -H 'Content-Type: application/json' --data-binary @export.json; echo
curl -fsS $b/streak -H "Authorization: Bearer $tok" | head -c 300; echo
curl -fsS $b/streak -H "Authorization: Bearer $new" | head -c 300; echo
for t in $tok $new; do curl -fsS $b/me -H "Authorization: Bearer $t" | python3 -c 'import json,sys;d=json.load(sys.stdin);print("xp",d["xp"],"level",d["level"])'; done
