#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (SPEC §14): Debian's PostgreSQL (the newest
# installed), run from a folder of its own as an unprivileged user (the `postgres` account
# when started as root: PostgreSQL refuses to run as root) on a free loopback port, with
# durability off (fsync, synchronous commit: its data is thrown away).
#   scripts/postgres-test-server.sh start FOLDER   prints the server's URL (its superuser
#                                                  `focusquest`, database `focusquest`)
#   scripts/postgres-test-server.sh stop FOLDER    stops it and deletes FOLDER
# It listens on loopback TCP and on a Unix socket in FOLDER (postgres://…?host=FOLDER), and
# counts statements (pg_stat_statements: the tests' statement budgets); POSTGRES_OPTIONS
# adds server options (make bench: -c pg_stat_statements.track=none).
set -euo pipefail
ACTION=${1:?start or stop} FOLDER=${2:?a folder}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$BIN" ] || { echo "no PostgreSQL under /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case $ACTION in
start)
  mkdir -p "$FOLDER"
  if [ "$(id -u)" = 0 ]; then chown postgres "$FOLDER"; fi
  PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_owner "$BIN/initdb" -D "$FOLDER/data" -U focusquest --auth=trust -E UTF8 --locale=C.UTF-8 >"$FOLDER/initdb.log" 2>&1 \
    || { cat "$FOLDER/initdb.log" >&2; exit 1; }
  as_owner "$BIN/pg_ctl" -D "$FOLDER/data" -l "$FOLDER/server.log" -w -t 60 start \
    -o "-p $PORT -k $FOLDER -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.max=50000 ${POSTGRES_OPTIONS:-}" \
    >/dev/null || { cat "$FOLDER/server.log" >&2; exit 1; }
  as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U focusquest focusquest
  echo "postgres://focusquest@127.0.0.1:$PORT/focusquest"
  ;;
stop)
  if [ -d "$FOLDER/data" ]; then as_owner "$BIN/pg_ctl" -D "$FOLDER/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$FOLDER"
  ;;
*)
  echo "usage: $0 start|stop FOLDER" >&2
  exit 2
  ;;
esac
