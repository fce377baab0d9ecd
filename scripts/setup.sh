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
# script can also be run alone. Every step prints its wall time. A store whose recipe says its
# install runs long (Qdrant's cargo build) installs in the background beside the others.
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
mkdir -p .vdb-bench

# A long install (Qdrant's cargo build, ~27 min cold; cargo keeps only about 1.3 of 2 cores busy)
# starts first, in the background, with its output in a log; the other installs run beside it at
# nice 10, so they take the cores it leaves idle and the long build stays the critical path.
# Its output is printed when it ends; its image is built after it.
bg_pids=() bg_stores=() bg_logs=() bg_commands=()
while IFS=$'\t' read -r store command lane; do
  [ "$lane" = background ] || continue
  log=".vdb-bench/setup-$store.log"
  echo "== $command (in the background; log: $log)"
  # Its own process group (setsid), so an interrupted setup stops the whole build.
  # shellcheck disable=SC2086  # the plan's command is words: script and versions
  setsid bash -c 't=$SECONDS; "$@"; s=$?; echo "   ($((SECONDS - t)) s)"; exit $s' _ $command >"$log" 2>&1 &
  bg_pids+=("$!") bg_stores+=("$store") bg_logs+=("$log") bg_commands+=("$command")
done <<<"$plan"
# An interrupted or failed setup does not leave a build running.
trap 'for p in ${bg_pids[@]+"${bg_pids[@]}"}; do kill -TERM -- "-$p" 2>/dev/null; done' EXIT
nice_level=0
[ ${#bg_pids[@]} -eq 0 ] || nice_level=10
# The Go builds may use every core: nothing but the background build runs during setup (and fg
# below already lowers their priority beside it).
export WEAVIATE_BUILD_JOBS="${WEAVIATE_BUILD_JOBS:-$(nproc)}" WEAVIATE_BUILD_NICE="${WEAVIATE_BUILD_NICE:-0}"
fg() { step nice -n "$nice_level" "$@"; }

fg_stores=()
while IFS=$'\t' read -r store command lane; do
  [ "$lane" = background ] && continue
  fg_stores+=("$store")
  # shellcheck disable=SC2086
  fg $command
done <<<"$plan"

# --docker: the Docker engine (Debian's docker.io, dockerd with host networking only) and the
# locally built images of the chosen stores. The local benchmark does not need them; the tests do.
# With --tests, only the images of the versions installed here (no cargo build of another Qdrant).
if [ "$test_tools" = 1 ]; then export VDB_BENCH_IMAGES_INSTALLED_ONLY=1; fi
if [ "$docker" = 1 ]; then
  fg bash scripts/install-docker.sh
  [ ${#fg_stores[@]} -eq 0 ] || fg bash scripts/build-images.sh "${fg_stores[@]}"
fi

# --tests: what only the tests need (Chromium for the HTML report test).
if [ "$test_tools" = 1 ]; then
  fg bash scripts/install-test-tools.sh
fi

failed=()
for i in "${!bg_pids[@]}"; do
  echo "== waiting for ${bg_commands[$i]} (log: ${bg_logs[$i]})"
  if wait "${bg_pids[$i]}"; then
    cat "${bg_logs[$i]}"
    [ "$docker" = 1 ] && step bash scripts/build-images.sh "${bg_stores[$i]}"
  else
    tail -n 40 "${bg_logs[$i]}" >&2
    failed+=("${bg_stores[$i]}")
  fi
done
bg_pids=()
[ ${#failed[@]} -eq 0 ] || { echo "setup: installing ${failed[*]} failed (see above)" >&2; exit 1; }
