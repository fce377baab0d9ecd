#!/usr/bin/env bash
# Builds a real Qdrant server from source with cargo, one binary per version, into the
# project-private directory .vdb-bench/qdrant/<version>/bin/qdrant (gitignored).
#
#   scripts/install-qdrant.sh [version...]      default: 1.8.3 (Dify's compose pin, langgenius/qdrant:v1.8.3)
#
# No package registry ships a Qdrant server, so the source comes from an archive: by default the
# snapshots in ../shared/vendor/qdrant/ (see its README), elsewhere a clone or `git archive` of
# github.com/qdrant/qdrant named by QDRANT_SOURCE. Every crates.io dependency comes from crates.io;
# the few git-only dependencies that Cargo.lock names are pinned to the exact revisions it names,
# from archives beside the source, through a cargo config file and git settings this script writes
# OUTSIDE the source tree (the source is built as it is).
#
# Idempotent and cached by version: the build (unpacked source + cargo target dir, ~3-5 GB) and the
# finished binary live under $VDB_BENCH_CACHE (default ~/.cache/vdb-bench), keyed by the archive's
# sha256, so a fresh clone of the project on the same machine copies the binary in a second.
# A version that fails to build is reported with the tail of its log and the others still build;
# the exit code is 1 if any failed.
#
# Cost on 2 cores (release, no LTO, 16 codegen units, the settings below): v1.18.3 about 2100
# CPU-seconds (~18 min wall), v1.8.3 similar; peak ~2.6 GB RSS.
#
# Environment:
#   QDRANT_VENDOR_DIR   folder holding qdrant-v<version>.tar.gz and the git-dependency archives
#                       (default: ../shared/vendor/qdrant beside the project)
#   QDRANT_SOURCE       a Qdrant source tree or .tar.gz to build instead (one version per call)
#   QDRANT_BUILD_JOBS   cargo -j (default: number of cores)
#   VDB_BENCH_CACHE     build cache (default: ${XDG_CACHE_HOME:-~/.cache}/vdb-bench)
set -euo pipefail
# apt-get calls wait for each other's locks: `npm run setup` runs Qdrant's build beside the other installs.
apt_get() { flock /var/lib/apt/vdb-bench-apt.lock apt-get "$@"; }

readonly DEFAULT_VERSION=1.8.3

die() {
  echo "install-qdrant: error: $*" >&2
  exit 1
}

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly VENDOR="${QDRANT_VENDOR_DIR:-$ROOT/../shared/vendor/qdrant}"
readonly CACHE="${VDB_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vdb-bench}/qdrant"
readonly JOBS="${QDRANT_BUILD_JOBS:-$(nproc)}"
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || die "QDRANT_BUILD_JOBS must be a positive integer, got '$JOBS'"

binary_path() { echo "$ROOT/.vdb-bench/qdrant/$1/bin/qdrant"; }

# The version a binary reports (`qdrant --version` prints "qdrant 1.8.3").
reported_version() { timeout 30 "$1" --version 2>/dev/null | awk '{ print $2; exit }'; }

is_installed() {
  local bin
  bin="$(binary_path "$1")"
  [[ -x "$bin" ]] && [[ "$(reported_version "$bin")" == "$1" ]]
}

# Debian packages the build needs: protoc and the well-known .proto files (both versions), clang
# and libclang for bindgen (librocksdb-sys), and the C/C++ toolchain for rocksdb itself.
readonly BUILD_PACKAGES=(protobuf-compiler libprotobuf-dev clang libclang-dev cmake g++ make pkg-config git patch)
ensure_build_packages() {
  local missing=() pkg
  for pkg in "${BUILD_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  echo "qdrant: installing Debian packages: ${missing[*]}"
  [[ $(id -u) -eq 0 ]] || die "the build needs ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root"
  export DEBIAN_FRONTEND=noninteractive
  apt_get update -qq >/dev/null
  apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The source archive of a version: QDRANT_SOURCE, else the vendored snapshot.
source_archive() {
  if [[ -n "${QDRANT_SOURCE:-}" ]]; then echo "$QDRANT_SOURCE"; else echo "$VENDOR/qdrant-v$1.tar.gz"; fi
}

# Unpacks (or copies) the source into $1/src; the archive's top folder is dropped.
unpack_source() {
  local from="$1" into="$2"
  rm -rf "$into" && mkdir -p "$into"
  if [[ -d "$from" ]]; then
    (cd "$from" && tar --exclude=./target --exclude=./.git -cf - .) | tar -xf - -C "$into"
  else
    tar -xzf "$from" -C "$into" --strip-components=1
  fi
  [[ -f "$into/Cargo.toml" && -f "$into/Cargo.lock" ]] || die "$from holds no Qdrant source (no Cargo.toml and Cargo.lock at its top)"
}

# Writes $build/cargo-config.toml and $build/git-config: overrides for every git dependency that
# Cargo.lock names, pointing at the exact revision in a local archive. Fails naming any it cannot
# satisfy, so an unknown version says what is missing instead of trying the network.
write_dependency_overrides() {
  local build="$1" lock="$1/src/Cargo.lock" deps="$1/deps"
  local cfg="$build/cargo-config.toml" gitcfg="$build/git-config"
  rm -rf "$deps" && mkdir -p "$deps"
  : >"$cfg"
  : >"$gitcfg"
  local patches_crates_io=() patches_raft=() unknown=()
  local repo
  while IFS= read -r repo; do
    case "$repo" in
      https://github.com/qdrant/wal.git | https://github.com/qdrant/quantization.git)
        # Pinned by rev in Cargo.lock: serve the bare repository locally, so cargo checks out the
        # exact revision (and fails loudly if it is not there).
        local name="${repo##*/}" # wal.git
        local archive="$VENDOR/qdrant-${name%.git}.git.tar.gz"
        [[ -f "$archive" ]] || die "Cargo.lock needs $repo; no archive $archive"
        tar -xzf "$archive" -C "$deps"
        printf '[url "file://%s/%s"]\n\tinsteadOf = %s\n' "$deps" "$name" "$repo" >>"$gitcfg"
        ;;
      https://github.com/qdrant/tonic)
        local branch
        branch="$(grep -o 'git+https://github.com/qdrant/tonic?branch=[^#]*' "$lock" | head -1 | sed 's/.*branch=//')"
        case "$branch" in
          v0.9.2-patched)
            [[ -f "$VENDOR/tonic-v0.9.2-patched-060ab88.tar.gz" ]] || die "Cargo.lock needs qdrant/tonic $branch; no archive in $VENDOR"
            tar -xzf "$VENDOR/tonic-v0.9.2-patched-060ab88.tar.gz" -C "$deps"
            patches_crates_io+=("tonic = { path = \"$deps/tonic-060ab88/tonic\" }")
            ;;
          v0.14.6-qdrant)
            [[ -f "$VENDOR/tonic-0.14.6-qdrant-f8f18b7.patch" ]] || die "Cargo.lock needs qdrant/tonic $branch; no patch in $VENDOR"
            fetch_crate tonic 0.14.6 "$deps/tonic-0.14.6/tonic"
            (cd "$deps/tonic-0.14.6" && patch -s -p1 <"$VENDOR/tonic-0.14.6-qdrant-f8f18b7.patch")
            patches_crates_io+=("tonic = { path = \"$deps/tonic-0.14.6/tonic\" }")
            ;;
          *) unknown+=("qdrant/tonic branch $branch") ;;
        esac
        ;;
      https://github.com/tikv/raft-rs)
        local rev
        rev="$(grep -o 'git+https://github.com/tikv/raft-rs?rev=[0-9a-f]*' "$lock" | head -1 | sed 's/.*rev=//')"
        local archive="$VENDOR/raft-rs-${rev:0:7}.tar.gz"
        [[ -f "$archive" ]] || die "Cargo.lock needs raft-rs rev $rev; no archive $archive"
        tar -xzf "$archive" -C "$deps"
        patches_raft+=("raft = { path = \"$deps/raft-rs-${rev:0:7}\" }" "raft-proto = { path = \"$deps/raft-rs-${rev:0:7}/proto\" }")
        ;;
      *) unknown+=("$repo") ;;
    esac
  done < <(grep -o 'source = "git+[^?#"]*' "$lock" | sed 's/source = "git+//' | sort -u)
  [[ ${#unknown[@]} -eq 0 ]] || die "Cargo.lock names git dependencies this script has no archive for: ${unknown[*]}"
  if [[ ${#patches_crates_io[@]} -gt 0 ]]; then
    printf '[patch.crates-io]\n' >>"$cfg"
    printf '%s\n' "${patches_crates_io[@]}" >>"$cfg"
  fi
  if [[ ${#patches_raft[@]} -gt 0 ]]; then
    printf '[patch."https://github.com/tikv/raft-rs"]\n' >>"$cfg"
    printf '%s\n' "${patches_raft[@]}" >>"$cfg"
  fi
}

# A crate's source from crates.io, fetched by cargo itself (through a throwaway manifest) and
# copied to $3.
fetch_crate() {
  local name="$1" version="$2" into="$3" tmp
  tmp="$(mktemp -d)"
  mkdir -p "$tmp/src" && : >"$tmp/src/lib.rs"
  printf '[package]\nname = "fetch-%s"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s = "=%s"\n' \
    "$name" "$name" "$version" >"$tmp/Cargo.toml"
  (cd "$tmp" && cargo fetch -q) || die "cargo could not fetch $name $version from crates.io"
  local src
  src="$(compgen -G "${CARGO_HOME:-$HOME/.cargo}/registry/src/*/$name-$version" | head -1)"
  [[ -n "$src" ]] || die "cargo fetched $name $version but its source is not in the registry cache"
  mkdir -p "$(dirname "$into")" && cp -r "$src" "$into"
  rm -rf "$tmp"
}

build_version() {
  local version="$1" archive key build log start
  archive="$(source_archive "$version")"
  [[ -e "$archive" ]] || die "no source for qdrant $version: $archive does not exist (set QDRANT_SOURCE or QDRANT_VENDOR_DIR)"
  if [[ -d "$archive" ]]; then key="dir-$(cd "$archive" && git rev-parse HEAD 2>/dev/null || echo local)"; else key="$(sha256sum "$archive" | cut -c1-16)"; fi
  build="$CACHE/$version-$key"
  local cached="$build/qdrant"
  if [[ -x "$cached" && "$(reported_version "$cached")" == "$version" ]]; then
    echo "qdrant $version: using the cached build $cached"
  else
    ensure_build_packages
    mkdir -p "$build"
    log="$build/build.log"
    echo "qdrant $version: building from $archive in $build (cargo -j $JOBS; log: $log)"
    start=$SECONDS
    # Re-unpack only when the source is not there yet, so an interrupted build resumes with its
    # target dir intact.
    [[ -f "$build/src/Cargo.lock" && -f "$build/.unpacked" ]] || { unpack_source "$archive" "$build/src"; touch "$build/.unpacked"; }
    # Cargo rewrites Cargo.lock for the path overrides, and on the next run would try to fetch
    # the manifest's own git patch it no longer sees locked; every build starts from the
    # release's lock file as shipped.
    [[ -f "$build/Cargo.lock.release" ]] || cp "$build/src/Cargo.lock" "$build/Cargo.lock.release"
    cp "$build/Cargo.lock.release" "$build/src/Cargo.lock"
    write_dependency_overrides "$build"
    # The git settings apply to cargo's git CLI only (no global config is touched).
    if ! (
      cd "$build/src" &&
        GIT_CONFIG_GLOBAL="$build/git-config" CARGO_NET_GIT_FETCH_WITH_CLI=true \
          CARGO_TARGET_DIR="$build/target" CARGO_BUILD_JOBS="$JOBS" \
          CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
          cargo build --release --bin qdrant --config "$build/cargo-config.toml"
    ) >"$log" 2>&1; then
      echo "---- last lines of $log ----" >&2
      tail -n 30 "$log" >&2
      echo "install-qdrant: error: building qdrant $version failed (full log: $log)" >&2
      return 1
    fi
    cp "$build/target/release/qdrant" "$cached.tmp" && mv -f "$cached.tmp" "$cached"
    echo "qdrant $version: built in $((SECONDS - start)) s"
  fi
  local bin
  bin="$(binary_path "$version")"
  mkdir -p "$(dirname "$bin")"
  cp "$cached" "$bin.tmp" && mv -f "$bin.tmp" "$bin"
  is_installed "$version" || die "qdrant $version was installed to $bin but reports version '$(reported_version "$bin")'"
  echo "qdrant $version: installed $bin"
}

command -v cargo >/dev/null 2>&1 || die "the Rust toolchain ('cargo') is not on PATH; install Rust (stable) first"

versions=("$@")
[[ ${#versions[@]} -gt 0 ]] || versions=("$DEFAULT_VERSION")
[[ -z "${QDRANT_SOURCE:-}" || ${#versions[@]} -eq 1 ]] || die "QDRANT_SOURCE names one source; give one version with it"
failed=()
for raw in "${versions[@]}"; do
  version="${raw#v}"
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "'$raw' is not a release version like 1.8.3"
  if is_installed "$version"; then
    echo "qdrant $version: already installed at $(binary_path "$version")"
    continue
  fi
  # A subshell, so a version that cannot be built (die) ends only its own attempt.
  (build_version "$version") || failed+=("$version")
done
[[ ${#failed[@]} -eq 0 ]] || die "could not build qdrant ${failed[*]} (the others are installed)"
