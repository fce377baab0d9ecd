#!/usr/bin/env bash
# Installs what the local pgvector recipe runs: Debian's PostgreSQL 15 server, plus pgvector
# built from Debian's *source* package of a newer suite (bookworm's own pgvector, 0.4.x, predates
# HNSW). Idempotent: when vector.so is installed and vector.control is at the wanted version, it
# only prints that version.
#   PGVECTOR_VERSION  the wanted upstream version (default: PGVECTOR_VERSION in
#                     src/adapters/pgvector/pgvector-version.ts, which the local recipe runs)
#   PGVECTOR_SUITE    the Debian suite whose pgvector source is built (default: trixie)
#   (an argument, if given, must equal that version: scripts/setup.sh passes the recipe's version)
#   PGVECTOR_FORCE=1  rebuild and reinstall even when the wanted version is installed
set -euo pipefail
# apt-get calls wait for each other's locks: `npm run setup` runs Qdrant's build beside the other installs.
apt_get() { flock /var/lib/apt/vdb-bench-apt.lock apt-get "$@"; }
cd "$(dirname "$0")/.."
START=$SECONDS
say() { echo "install-pgvector: $*"; }
die() { echo "install-pgvector: $*" >&2; exit 1; }
done_in() { say "$1 ($((SECONDS - START)) s)"; }

PG=15
SUITE="${PGVECTOR_SUITE:-trixie}"
WANTED="${PGVECTOR_VERSION:-$(sed -n "s/^export const PGVECTOR_VERSION = '\(.*\)';/\1/p" src/adapters/pgvector/pgvector-version.ts)}"
[ -n "$WANTED" ] || die "cannot read PGVECTOR_VERSION from src/adapters/pgvector/pgvector-version.ts"
# An optional version argument (as scripts/setup.sh passes it) must be the one this script builds.
for v in "$@"; do [ "$v" = "$WANTED" ] || die "unknown version $v (this script installs pgvector $WANTED; set PGVECTOR_VERSION for another)"; done
PG_CONFIG="/usr/lib/postgresql/$PG/bin/pg_config"
BUILD_DIR="$PWD/.vdb-bench/build/pgvector"
SRC_LIST=/etc/apt/sources.list.d/vdb-bench-pgvector-src.sources
NO_CLUSTER=/etc/postgresql-common/createcluster.d/vdb-bench-no-main-cluster.conf

need_root() { [ "$(id -u)" -eq 0 ] || die "run as root (apt-get, make install)"; }

missing=()
for pkg in "postgresql-$PG" "postgresql-server-dev-$PG" build-essential dpkg-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  need_root
  # The bench runs its own throwaway clusters (initdb per run); Debian's package would otherwise
  # create and start a 15/main cluster on port 5432 that nobody uses. createcluster.conf includes
  # this directory; the file is ours, not a conffile, so it can be written before the install.
  if [[ " ${missing[*]} " == *" postgresql-$PG "* ]] && [ ! -e "/etc/postgresql/$PG/main" ]; then
    mkdir -p "$(dirname "$NO_CLUSTER")"
    echo 'create_main_cluster = false' > "$NO_CLUSTER"
  fi
  say "installing ${missing[*]}"
  apt_get update -qq
  DEBIAN_FRONTEND=noninteractive apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

sharedir="$("$PG_CONFIG" --sharedir)"
pkglibdir="$("$PG_CONFIG" --pkglibdir)"
control="$sharedir/extension/vector.control"
installed_version() { sed -n "s/^default_version = '\(.*\)'/\1/p" "$control" 2>/dev/null; }
if [ "${PGVECTOR_FORCE:-0}" != 1 ] && [ -f "$pkglibdir/vector.so" ] && [ "$(installed_version)" = "$WANTED" ]; then
  done_in "pgvector $WANTED already installed for PostgreSQL $PG"
  exit 0
fi

need_root
# A deb-src entry only (no binary "deb" line), so nothing from $SUITE can replace or upgrade an
# installed package: apt only ever *downloads source* from it. The archive URI is the one this
# machine's own Debian sources use (a mirror stays a mirror).
if [ ! -f "$SRC_LIST" ] || ! grep -q "^Suites: $SUITE\$" "$SRC_LIST"; then
  uri="$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)"
  [ -n "$uri" ] || uri="$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)"
  [ -n "$uri" ] || die "cannot find this machine's Debian archive URI"
  printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$uri" "$SUITE" > "$SRC_LIST"
fi
apt_get update -qq

rm -rf "$BUILD_DIR" && mkdir -p "$BUILD_DIR" && cd "$BUILD_DIR"
# Only $SUITE's source: a silent fallback to another suite's (older) pgvector would be a lie.
apt_get source -qq --download-only "pgvector/$SUITE" >/dev/null 2>apt-source.err ||
  die "apt-get source pgvector/$SUITE failed: $(tail -n 3 apt-source.err)"
dsc="$(ls pgvector_*.dsc | head -n 1)"
# Debian version "0.8.0-1" (or "0.8.0-1+deb13u1"): the upstream part is what vector.control says.
upstream="$(sed -n 's/^Version: \(.*\)-[^-]*$/\1/p' "$dsc")"
[ "$upstream" = "$WANTED" ] ||
  die "Debian $SUITE ships pgvector $upstream, not $WANTED; set PGVECTOR_VERSION in src/adapters/pgvector/pgvector-version.ts to $upstream (and check the adapter) or pick another PGVECTOR_SUITE"
dpkg-source -x --no-check "$dsc" >/dev/null
src="$(find . -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)"
[ -n "$src" ] || die "dpkg-source gave no source tree"
cd "$src"
# OPTFLAGS="": no -march=native (pgvector 0.8.0's default already, as in Debian's binary
# packages); said explicitly so a newer source cannot make results depend on the build CPU.
make -s -j"$(nproc)" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null
make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
[ "$(installed_version)" = "$WANTED" ] || die "installed vector.control says $(installed_version), wanted $WANTED"
done_in "built and installed pgvector $(installed_version) for PostgreSQL $PG from Debian $SUITE source ${dsc%.dsc}"
