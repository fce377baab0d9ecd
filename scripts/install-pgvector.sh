#!/usr/bin/env bash
# Installs what the local pgvector recipe runs: Debian's PostgreSQL 15 server, plus pgvector
# built from Debian's *source* package of a newer suite (bookworm's own pgvector is too old for
# HNSW). Idempotent: when vector.so and vector.control are installed it only prints the version.
#   PGVECTOR_SUITE  the Debian suite whose pgvector source is built (default: trixie)
set -euo pipefail
cd "$(dirname "$0")/.."

PG=15
SUITE="${PGVECTOR_SUITE:-trixie}"
PG_CONFIG="/usr/lib/postgresql/$PG/bin/pg_config"
BUILD_DIR="$PWD/.vdb-bench/build/pgvector"
SRC_LIST=/etc/apt/sources.list.d/vdb-bench-pgvector-src.sources

need_root() { [ "$(id -u)" -eq 0 ] || { echo "install-pgvector: run as root (apt-get, make install)" >&2; exit 1; }; }

missing=()
for pkg in "postgresql-$PG" "postgresql-server-dev-$PG" build-essential dpkg-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  need_root
  echo "install-pgvector: installing ${missing[*]}"
  apt-get update -qq
  # A postgresql-15 install must not start Debian's own cluster: the bench runs its own.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

sharedir="$("$PG_CONFIG" --sharedir)"
pkglibdir="$("$PG_CONFIG" --pkglibdir)"
installed_version() { sed -n "s/^default_version = '\(.*\)'/\1/p" "$sharedir/extension/vector.control"; }
if [ -f "$sharedir/extension/vector.control" ] && [ -f "$pkglibdir/vector.so" ]; then
  echo "install-pgvector: pgvector $(installed_version) already installed for PostgreSQL $PG"
  exit 0
fi

need_root
# A deb-src entry only (no binary "deb" line), so nothing from $SUITE can replace an installed
# package. The archive URI is the one this machine's own Debian sources use.
if [ ! -f "$SRC_LIST" ]; then
  uri="$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)"
  [ -n "$uri" ] || uri="$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)"
  [ -n "$uri" ] || { echo "install-pgvector: cannot find this machine's Debian archive URI" >&2; exit 1; }
  printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$uri" "$SUITE" > "$SRC_LIST"
fi
apt-get update -qq

rm -rf "$BUILD_DIR" && mkdir -p "$BUILD_DIR" && cd "$BUILD_DIR"
apt-get source -qq "pgvector/$SUITE" >/dev/null 2>&1 || apt-get source -qq pgvector
src="$(find . -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)"
[ -n "$src" ] || { echo "install-pgvector: apt-get source pgvector gave no source tree" >&2; exit 1; }
cd "$src"
make -s PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null
make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
echo "install-pgvector: built and installed pgvector $(installed_version) from Debian $SUITE source ($src)"
