#!/usr/bin/env bash
# Installs every store server the local runtime can run on this machine (idempotent: a second
# run only checks). Each store's own script can also be run alone.
set -euo pipefail
cd "$(dirname "$0")/.."
for script in scripts/install-pgvector.sh scripts/install-chroma.sh scripts/install-seekdb.sh; do
  echo "== $script"
  bash "$script"
done
