#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for tests and benchmarks: a fresh cluster in a temporary directory,
# listening on loopback only, with trust authentication. Prints the database URL on stdout.
#   usage: scripts/postgres.sh [start|stop]     (PGTEST_DIR and PGTEST_PORT override the defaults)
set -euo pipefail
dir=${PGTEST_DIR:-/tmp/rehearse-pg}
port=${PGTEST_PORT:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "PostgreSQL is not installed (Debian: apt-get install postgresql)" >&2
  exit 1
fi
# PostgreSQL refuses to run as root; run it as the postgres user the Debian package creates.
as_owner() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}
case "${1:-start}" in
  stop)
    as_owner "$bin/pg_ctl -D $dir/data -m fast stop" >/dev/null 2>&1 || true
    ;;
  start)
    as_owner "$bin/pg_ctl -D $dir/data -m fast stop" >/dev/null 2>&1 || true
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    as_owner "$bin/initdb -D $dir/data -A trust -U rehearse" >/dev/null
    as_owner "$bin/pg_ctl -D $dir/data -l $dir/log -w -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on' start" >/dev/null
    as_owner "$bin/createdb -h 127.0.0.1 -p $port -U rehearse rehearse"
    echo "postgres://rehearse@127.0.0.1:$port/rehearse"
    ;;
  *)
    echo "usage: $0 [start|stop]" >&2
    exit 2
    ;;
esac
