#!/usr/bin/env bash
# Builds a real Weaviate server from source with the Go toolchain, one binary per version, into
# the project-private directory .vdb-bench/weaviate/<version>/bin/weaviate-server (gitignored).
#
#   scripts/install-weaviate.sh [version...]     default: 1.27.0 (Dify's docker-compose version)
#
# Idempotent: a version whose binary already exists, runs, and was built from that exact module
# version is skipped. Needs Go (the newest Weaviate releases need Go >= 1.26) and access to the Go
# module proxy. Weaviate has no cgo code, so the build is CGO_ENABLED=0 and fully static.
#
# Cost on a 2-core machine with -p=1: cold build of 1.27.0 about 2-3 min wall, ~1.1 GB peak RSS
# (1.39.x: ~3 min, ~2.1 GB). The Go build cache (~0.8 GB) and module cache (~1.6 GB) it leaves
# for 1.27.0 are kept, so a re-install takes seconds; 1.19.0, 1.19.13, 1.27.0 and 1.39.3 together
# take ~2.7 GB + ~4.1 GB.
#
# Environment:
#   WEAVIATE_BUILD_JOBS   go build -p value (default 1, so the build does not starve other work)
#   WEAVIATE_BUILD_NICE   nice level for the build (default 10)
set -euo pipefail

readonly MODULE=github.com/weaviate/weaviate
readonly DEFAULT_VERSION=1.27.0

die() {
  echo "install-weaviate: error: $*" >&2
  exit 1
}

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly JOBS="${WEAVIATE_BUILD_JOBS:-1}"
readonly NICE="${WEAVIATE_BUILD_NICE:-10}"
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || die "WEAVIATE_BUILD_JOBS must be a positive integer, got '$JOBS'"
[[ "$NICE" =~ ^-?[0-9]+$ ]] || die "WEAVIATE_BUILD_NICE must be an integer, got '$NICE'"

binary_path() { echo "$ROOT/.vdb-bench/weaviate/$1/bin/weaviate-server"; }

# The module version a binary was built from, read from its embedded Go build info.
built_version() {
  go version -m "$1" 2>/dev/null | awk -v m="$MODULE" '$1 == "mod" && $2 == m { print $3; exit }'
}

# True when the binary exists, starts (--help exits 0 without touching the network or disk), and
# its build info names the wanted module version.
is_installed() {
  local version="$1" bin
  bin="$(binary_path "$version")"
  [[ -x "$bin" ]] || return 1
  timeout 30 "$bin" --help >/dev/null 2>&1 || return 1
  [[ "$(built_version "$bin")" == "v$version" ]]
}

install_version() {
  local version="$1" bin dir stage log start
  bin="$(binary_path "$version")"
  if is_installed "$version"; then
    echo "weaviate $version: already installed at $bin"
    return 0
  fi
  dir="$(dirname "$bin")"
  mkdir -p "$dir"
  # Build into a staging directory and move into place, so an interrupted or failed build never
  # leaves a binary that looks installed.
  stage="$(mktemp -d "$dir/.stage.XXXXXX")"
  log="$(mktemp "${TMPDIR:-/tmp}/install-weaviate-$version.XXXXXX.log")"
  echo "weaviate $version: building $MODULE/cmd/weaviate-server@v$version (go build -p $JOBS, nice $NICE; log: $log)"
  start=$SECONDS
  # GOFLAGS from the environment is kept; -p is appended so it wins.
  if ! GOBIN="$stage" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -p=$JOBS" \
    nice -n "$NICE" go install \
    -ldflags="-s -w" \
    "$MODULE/cmd/weaviate-server@v$version" >"$log" 2>&1; then
    rm -rf "$stage"
    rmdir "$dir" "$(dirname "$dir")" 2>/dev/null || true # drop the empty version directory again
    echo "---- last lines of $log ----" >&2
    tail -n 30 "$log" >&2
    die "building weaviate $version failed (full log: $log)"
  fi
  [[ -x "$stage/weaviate-server" ]] || { rm -rf "$stage"; die "go install produced no weaviate-server binary for $version (log: $log)"; }
  mv -f "$stage/weaviate-server" "$bin"
  rm -rf "$stage"
  is_installed "$version" || die "weaviate $version was built to $bin but does not run or reports another version"
  rm -f "$log"
  echo "weaviate $version: installed $bin ($((SECONDS - start)) s)"
}

command -v go >/dev/null 2>&1 || die "the Go toolchain ('go') is not on PATH; install Go >= 1.26 first"
command -v timeout >/dev/null 2>&1 || die "'timeout' (coreutils) is not on PATH"

versions=("$@")
[[ ${#versions[@]} -gt 0 ]] || versions=("$DEFAULT_VERSION")
for raw in "${versions[@]}"; do
  version="${raw#v}"
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "'$raw' is not a release version like 1.27.0"
  install_version "$version"
done
