#!/bin/sh
# A throwaway PostgreSQL cluster for the tests, on loopback and a private socket dir.
#   scripts/pg.sh up DIR PORT   -> prints its URL
#   scripts/pg.sh down DIR
set -eu
command -v initdb >/dev/null 2>&1 || PATH="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1):$PATH"
RUN=""
# initdb and postgres refuse to run as root.
[ "$(id -u)" = 0 ] && RUN="runuser -u postgres --"
DIR=$2
case "$1" in
  up)
    PORT=$3
    mkdir -p "$DIR"
    [ -n "$RUN" ] && chown postgres "$DIR"
    $RUN initdb -D "$DIR/data" -U app --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log"
    # Durability off: a test cluster trades it for speed.
    $RUN pg_ctl -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
    $RUN createdb -h 127.0.0.1 -p "$PORT" -U app app
    echo "postgresql://app@127.0.0.1:$PORT/app"
    ;;
  down)
    $RUN pg_ctl -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
    ;;
  *) echo "usage: $0 up DIR PORT | down DIR" >&2; exit 2 ;;
esac
