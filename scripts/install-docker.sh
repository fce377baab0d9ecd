#!/usr/bin/env bash
# Installs a Docker engine from Debian's own packages (docker.io, plus debootstrap for the base
# image scripts/build-images.sh makes) and starts dockerd if no engine answers yet. Idempotent: a
# second run only checks `docker info`.
#
# dockerd runs with no bridge and no iptables rules: every vdb-bench container uses the host's
# network (`--network host`) and binds its server to 127.0.0.1, so the engine needs no network of
# its own. No registry is needed either: images are built locally (scripts/build-images.sh).
#
#   DOCKER_SOCKET      the engine's socket (default /var/run/docker.sock)
#   DOCKER_DATA_ROOT   dockerd --data-root (default: dockerd's own, /var/lib/docker)
#   DOCKERD_WAIT       seconds to wait for a started dockerd to answer (default 60)
#
# dockerd's pid file and log: .vdb-bench/docker/dockerd.pid, .vdb-bench/docker/dockerd.log
set -euo pipefail
# apt-get calls wait for each other's locks: `npm run setup` runs Qdrant's build beside the other installs.
apt_get() { flock /var/lib/apt/vdb-bench-apt.lock apt-get "$@"; }
cd "$(dirname "$0")/.."

SOCKET="${DOCKER_SOCKET:-/var/run/docker.sock}"
WAIT="${DOCKERD_WAIT:-60}"
STATE="$PWD/.vdb-bench/docker"
PIDFILE="$STATE/dockerd.pid"
LOG="$STATE/dockerd.log"
export DOCKER_HOST="unix://$SOCKET"

say() { echo "install-docker: $*"; }
die() { echo "install-docker: $*" >&2; exit 1; }
engine_answers() { timeout 10 docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }

[ "$(id -u)" -eq 0 ] || die "run as root (apt-get install, dockerd)"

# --- packages -------------------------------------------------------------------------------
missing=()
for pkg in docker.io debootstrap; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]} from Debian"
  # Package scripts must not start Debian's own dockerd (it would set up a bridge and iptables):
  # a policy-rc.d that forbids service starts, only for this install and only if none exists.
  own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  trap '[ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d' EXIT
  apt_get update -qq
  DEBIAN_FRONTEND=noninteractive apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v dockerd >/dev/null || die "dockerd not found after installing docker.io"
command -v docker >/dev/null || die "no docker client on PATH"

# --- engine ---------------------------------------------------------------------------------
if engine_answers; then
  say "engine already answering at $SOCKET ($(docker info --format 'Docker {{.ServerVersion}}, {{.Driver}}, cgroup v{{.CgroupVersion}}'))"
  exit 0
fi

mkdir -p "$STATE"
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  pid="$(cat "$PIDFILE")"
  say "dockerd $pid is running but not answering yet; waiting"
else
  rm -f "$PIDFILE"
  # A socket file nobody listens on (a killed dockerd) would make dockerd refuse to start.
  [ -S "$SOCKET" ] && rm -f "$SOCKET"
  args=(--host "unix://$SOCKET" --pidfile "$PIDFILE"
    --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false)
  [ -z "${DOCKER_DATA_ROOT:-}" ] || args+=(--data-root "$DOCKER_DATA_ROOT")
  say "starting dockerd ${args[*]} (log: $LOG)"
  # setsid: dockerd outlives this script and the shell that ran it, with no terminal. In a
  # non-interactive shell a background job is no group leader, so setsid execs without forking
  # and $! is dockerd's own pid.
  setsid dockerd "${args[@]}" </dev/null >>"$LOG" 2>&1 &
  pid=$!
  disown
fi

start=$(date +%s)
until engine_answers; do
  if [ $(($(date +%s) - start)) -ge "$WAIT" ]; then
    echo "install-docker: dockerd did not answer at $SOCKET within ${WAIT} s; last lines of $LOG:" >&2
    tail -n 20 "$LOG" >&2 || true
    exit 1
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "install-docker: dockerd exited; last lines of $LOG:" >&2
    tail -n 20 "$LOG" >&2 || true
    exit 1
  fi
  sleep 0.5
done
say "engine ready after $(($(date +%s) - start)) s: $(docker info --format 'Docker {{.ServerVersion}}, storage {{.Driver}}, cgroup v{{.CgroupVersion}} ({{.CgroupDriver}})')"
