#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the tests (loopback, port 54329) and print its URL.
set -euo pipefail
port="${PG_TEST_PORT:-54329}"
dir="${PG_TEST_DIR:-/tmp/planner-pg}"
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_postgres() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }

if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" 2>/dev/null; then
  if [ ! -f "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    as_postgres "'$bin/initdb' -D '$dir' -A trust -U postgres --no-sync" >&2
  fi
  as_postgres "'$bin/pg_ctl' -D '$dir' -l '$dir/server.log' -w -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off\" start" >&2
fi
"$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname='planner_test'" | grep -q 1 \
  || "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres planner_test >&2
echo "postgresql+psycopg://postgres@127.0.0.1:$port/planner_test"
