#!/usr/bin/env bash
# Installs store servers for the local runtime (and, with --docker, the Docker engine and the
# docker runtime's local images). Idempotent: a second run only checks.
#
#   npm run setup                               the default version of every store
#   npm run setup -- chroma pgvector            only these stores (default versions)
#   npm run setup -- weaviate@1.27.0+1.39.3     these versions of a store
#   npm run setup -- --all-versions             every version each store's recipe runs (the tests use them)
#   npm run setup -- --docker [...]             also Docker and the images of the chosen stores
#   npm run setup -- --tests                    what `npm test` needs: the versions the tests use (each
#                                               recipe's testVersions: Qdrant 1.8.3 only, not 1.18.3),
#                                               Docker and their images, Debian's Chromium
#
# What each store installs, and which versions exist, comes from its local recipe
# (src/adapters/<store>/*-local-recipe.ts) through scripts/setup-plan.ts; each store's install
# script can also be run alone. Every step prints its wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo "== $*"; local t=$SECONDS; "$@"; echo "   ($((SECONDS - t)) s)"; }

docker=0
test_tools=0
plan_args=()
for arg in "$@"; do
  case "$arg" in
    --docker) docker=1 ;;
    --tests) docker=1 test_tools=1 plan_args+=(--test-versions) ;;
    *) plan_args+=("$arg") ;;
  esac
done

plan="$(npx --no-install tsx scripts/setup-plan.ts "${plan_args[@]}")" || exit $?
stores=()
# Nothing else runs during setup, so the Go and cargo builds may use every core.
export WEAVIATE_BUILD_JOBS="${WEAVIATE_BUILD_JOBS:-$(nproc)}" WEAVIATE_BUILD_NICE="${WEAVIATE_BUILD_NICE:-0}"
while IFS=$'\t' read -r store command; do
  stores+=("$store")
  # shellcheck disable=SC2086  # the plan's command is words: script and versions
  step $command
done <<<"$plan"

# --docker: the Docker engine (Debian's docker.io, dockerd with host networking only) and the
# locally built images of the chosen stores. The local benchmark does not need them; the tests do.
if [ "$docker" = 1 ]; then
  step bash scripts/install-docker.sh
  # With --tests, only the images of the versions installed above (no cargo build of another Qdrant).
  if [ "$test_tools" = 1 ]; then export VDB_BENCH_IMAGES_INSTALLED_ONLY=1; fi
  step bash scripts/build-images.sh "${stores[@]}"
fi

# --tests: what only the tests need (Chromium for the HTML report test).
if [ "$test_tools" = 1 ]; then
  step bash scripts/install-test-tools.sh
fi
