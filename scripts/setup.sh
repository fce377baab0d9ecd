#!/usr/bin/env bash
# Installs every store server the local runtime can run on this machine (idempotent: a second
# run only checks). Each store's own script can also be run alone.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo "== $*"; local t=$SECONDS; "$@"; echo "   ($((SECONDS - t)) s)"; }

step bash scripts/install-pgvector.sh
step bash scripts/install-chroma.sh                 # 0.5.20 (Dify's pin) and 1.5.9 from PyPI; 1.0.0 from npm
step bash scripts/install-seekdb.sh                 # OceanBase as seekdb
# Weaviate: Dify's compose version, Dify 1.7.1's default and a current release, built with go install.
# Nothing else runs during setup, so the Go build may use both cores.
WEAVIATE_BUILD_JOBS="${WEAVIATE_BUILD_JOBS:-2}" WEAVIATE_BUILD_NICE="${WEAVIATE_BUILD_NICE:-0}" \
  step bash scripts/install-weaviate.sh 1.27.0 1.19.0 1.39.3

# --docker: also the Docker engine (Debian's docker.io, dockerd with host networking only) and the
# locally built images of the docker runtime. The local benchmark does not need them; the tests do.
if [ "${1:-}" = "--docker" ]; then
  step bash scripts/install-docker.sh
  step bash scripts/build-images.sh
fi
