#!/bin/sh
# Makes the data directory on first start (as the local recipe's prepare step does), then runs
# postgres in the foreground with the arguments the docker recipe gives (port, listen address).
set -eu
PGDATA="${PGDATA:-/var/lib/postgresql/data}"
BIN=/usr/lib/postgresql/15/bin
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  "$BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8
fi
exec "$BIN/postgres" -D "$PGDATA" "$@"
