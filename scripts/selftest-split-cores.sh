#!/usr/bin/env bash
# `bench selftest --store pgvector` with the clients and the server on separate CPUs (README
# "Selftest"): the harness, and the pgbench it starts, on CPU 0; every process of the selftest's
# own PostgreSQL on the others. On a small machine the harness's client CPU per query is taken
# from the cores the server needs; this shows how much of its gap to pgbench that is.
#
#   scripts/selftest-split-cores.sh --rounds 3 [other bench selftest options]
set -euo pipefail
cores=$(nproc)
if [ "$cores" -lt 2 ]; then
  echo "selftest-split-cores: needs 2 or more CPUs, this machine has $cores" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
taskset -c 0 npx bench selftest --store pgvector "$@" &
bench=$!

# Whether $1 descends from the selftest (so another PostgreSQL on the machine is left alone).
from_selftest() {
  local pid=$1
  for _ in $(seq 1 32); do
    [ "$pid" = "$bench" ] && return 0
    [ "$pid" -le 1 ] && return 1
    pid=$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null) || return 1
  done
  return 1
}

# Once a second until the selftest ends (at most 4 hours): backends are forked by the postmaster
# and inherit its CPUs, and the pool's first connections may predate the first pass.
for _ in $(seq 1 14400); do
  kill -0 "$bench" 2>/dev/null || break
  for pid in $(pgrep -x postgres || true); do
    if from_selftest "$pid"; then taskset -p -c "1-$((cores - 1))" "$pid" >/dev/null 2>&1 || true; fi
  done
  sleep 1
done
wait "$bench"
