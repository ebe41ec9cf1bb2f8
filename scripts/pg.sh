#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on loopback for tests: `source scripts/pg.sh start` exports PG_ADMIN_URL;
# `bash scripts/pg.sh stop DIR` stops it. It never touches the machine's own cluster.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PORT=${PG_TEST_PORT:-54329}
case "${1:-}" in
  start)
    PGDATA=$(mktemp -d /tmp/insight-pg.XXXXXX)
    chown postgres:postgres "$PGDATA" 2>/dev/null || true
    # From / so the postgres user is never left in a directory it cannot enter.
    as_pg() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
    as_pg "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres >/dev/null
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/log" -w -o "-p $PORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    echo "$PGDATA"
    ;;
  stop)
    PGDATA=$2
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null) || true
    else "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null || true; fi
    rm -rf "$PGDATA"
    ;;
  *) echo "usage: pg.sh start | stop DIR" >&2; exit 2 ;;
esac
