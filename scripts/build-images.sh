#!/usr/bin/env bash
# Builds the images the docker runtime runs, locally (no registry is needed or used):
#
#   scripts/build-images.sh [store...]     stores with a docker recipe (default: all of them)
#
# Which images, versions and tags: the stores' docker recipes (src/adapters/<store>/*-docker-recipe.ts),
# read through scripts/print-images.ts, so no version is written here. Today:
#
#   vdb-bench/debian:bookworm                 base: debootstrap --variant=minbase bookworm from
#                                             this machine's own Debian mirror, then docker import
#   vdb-bench/pgvector:pg15-<pgvector>-local  docker/pgvector + scripts/install-pgvector.sh
#   vdb-bench/chroma:0.5.20-local             docker/chroma + scripts/install-chroma.sh (its lock)
#   vdb-bench/weaviate:<v>-local              docker/weaviate + the binary scripts/install-weaviate.sh
#                                             built (.vdb-bench/weaviate/<v>/bin)
#   vdb-bench/seekdb:1.4.0-local              docker/oceanbase + seekdb and libaio.so.1 from
#                                             scripts/install-seekdb.sh (.vdb-bench/seekdb/1.4.0/bin)
#   vdb-bench/qdrant:<v>-local                docker/qdrant + the binary scripts/install-qdrant.sh built
#                                             from source (.vdb-bench/qdrant/<v>/bin)
#
# Weaviate, seekdb and Qdrant are not built inside the image: their install scripts run on the host first
# when a binary is missing (Go toolchain / pip download / cargo), and the binaries are copied into the
# build context (under .vdb-bench/docker/build, removed after the build).
#
# Cached: every image carries the label vdb-bench.inputs, a hash of what it was built from (the
# Dockerfile and every file copied into its context, binaries included, the build args and the
# base image's id; for the base, the mirror, suite and the host's apt and CA settings it copies).
# A build whose inputs did not change is skipped; FORCE=1 rebuilds anyway.
#
#   DOCKER            the docker client (default: docker on PATH)
#   VDB_BENCH_IMAGES_INSTALLED_ONLY=1   skip an image whose host binary is not installed, instead of
#                     installing it (setup --tests: only the versions the tests use)
#
# Builds use `--network host` (apt-get and pip reach the package registries as the host does).
# Needs a running engine: scripts/install-docker.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

DOCKER="${DOCKER:-docker}"
SUITE=bookworm
BASE=vdb-bench/debian:bookworm
# "store version image" per line, from the recipes.
IMAGES="$(npx --no-install tsx scripts/print-images.ts)" || die "scripts/print-images.ts failed (run npm ci first)"
read -r -a ALL_STORES <<<"$(awk '{ print $1 }' <<<"$IMAGES" | uniq | tr '\n' ' ')"
images_of() { awk -v s="$1" '$1 == s { print $2, $3 }' <<<"$IMAGES"; }
WORK="$repo/.vdb-bench/docker/build"
# The legacy builder: the engine is Debian's 20.10 and the client may have no buildx plugin.
export DOCKER_BUILDKIT=0

say() { echo "build-images: $*"; }
die() { echo "build-images: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
label_of() { "$DOCKER" image inspect --format "{{ index .Config.Labels \"vdb-bench.inputs\" }}" "$1" 2>/dev/null || true; }
size_of() { "$DOCKER" image inspect --format '{{.Size}}' "$1" | awk '{ printf "%.0f MB", $1 / 1e6 }'; }

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap)"
timeout 20 "$DOCKER" info >/dev/null 2>&1 ||
  die "no Docker engine answers (${DOCKER_HOST:-unix:///var/run/docker.sock}): run scripts/install-docker.sh"


stores=("$@")
[ ${#stores[@]} -gt 0 ] || stores=("${ALL_STORES[@]}")
for s in "${stores[@]}"; do
  [ -n "$(images_of "$s")" ] || die "no docker recipe for store $s (stores with one: ${ALL_STORES[*]})"
done

# --- base image -----------------------------------------------------------------------------
# The host's own Debian archive (never a hard-coded host name), and the apt settings and locally
# added CAs that let the host reach it and the other registries; the image gets the same.
mirror_uri() {
  local uri
  uri="$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)"
  [ -n "$uri" ] || uri="$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)"
  [ -n "$uri" ] || die "cannot find this machine's Debian archive URI in /etc/apt/sources.list.d/debian.sources"
  echo "${uri%% *}"
}
host_apt_conf() {
  # Only the settings that decide whether the archive can be reached and trusted.
  apt-config dump 2>/dev/null |
    grep -E '^Acquire::(Check-Valid-Until|Check-Date|https?::Proxy|https?::proxy) ' || true
}
host_sources() {
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    cat /etc/apt/sources.list.d/debian.sources
  else
    printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$(mirror_uri)" "$SUITE" "$SUITE"
  fi
}
local_cas() { find /usr/local/share/ca-certificates -type f -name '*.crt' 2>/dev/null | sort; }

build_base() {
  local uri inputs t0 rootfs ca
  uri="$(mirror_uri)"
  inputs="$({
    echo "base v1 debootstrap --variant=minbase $SUITE $uri"
    host_sources
    host_apt_conf
    for ca in $(local_cas); do sha256sum "$ca"; done
  } | sha256sum | cut -c1-32)"
  if [ "${FORCE:-}" != 1 ] && [ "$(label_of "$BASE")" = "$inputs" ]; then
    say "$BASE: up to date ($(size_of "$BASE"))"
    return
  fi
  command -v debootstrap >/dev/null || die "debootstrap is missing: run scripts/install-docker.sh"
  t0="$(now)"
  rootfs="$WORK/rootfs-$SUITE"
  rm -rf "$rootfs" && mkdir -p "$rootfs"
  say "$BASE: debootstrap --variant=minbase $SUITE from $uri"
  debootstrap --variant=minbase "$SUITE" "$rootfs" "$uri" >"$WORK/debootstrap.log" 2>&1 ||
    { tail -n 20 "$WORK/debootstrap.log" >&2; die "debootstrap failed (log: $WORK/debootstrap.log)"; }
  # The host's sources (with updates and security), its Acquire settings, its local CAs (picked
  # up by update-ca-certificates when an image installs ca-certificates).
  rm -f "$rootfs/etc/apt/sources.list"
  host_sources >"$rootfs/etc/apt/sources.list.d/debian.sources"
  host_apt_conf | sed 's/$/;/' >"$rootfs/etc/apt/apt.conf.d/90vdb-bench-host"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    >"$rootfs/etc/apt/apt.conf.d/90vdb-bench-no-recommends"
  mkdir -p "$rootfs/usr/local/share/ca-certificates"
  for ca in $(local_cas); do cp "$ca" "$rootfs/usr/local/share/ca-certificates/"; done
  # Package scripts must not start services inside a build (as in Docker's own Debian images).
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d" && chmod +x "$rootfs/usr/sbin/policy-rc.d"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
  tar -C "$rootfs" -c . | "$DOCKER" import \
    --change "LABEL vdb-bench.inputs=$inputs vdb-bench.image=base" \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["bash"]' \
    - "$BASE" >/dev/null
  rm -rf "$rootfs"
  say "$BASE: built in $(since "$t0") s ($(size_of "$BASE"))"
}

# --- store images ---------------------------------------------------------------------------
# build_store TAG DOCKERFILE_DIR SCRIPT BUILD_ARG...: context = docker/<store>/* + the script +
# the files named in CONTEXT_FILES (by their base name; hard links where the file system allows).
# The context and the log are named after the tag, so versions of one store do not collide.
CONTEXT_FILES=()
build_store() {
  local tag="$1" dir="$2" script="$3"
  shift 3
  local name="${tag#vdb-bench/}"
  name="${name//[:\/]/-}"
  local ctx="$WORK/context-$name" log="$WORK/$name.log" inputs t0 f
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp -a "$dir"/. "$ctx"/
  cp "$script" "$ctx"/
  for f in ${CONTEXT_FILES[@]+"${CONTEXT_FILES[@]}"}; do
    [ -f "$f" ] || die "$tag: $f is missing"
    ln "$f" "$ctx/" 2>/dev/null || cp "$f" "$ctx/"
  done
  CONTEXT_FILES=()
  inputs="$({
    (cd "$ctx" && find . -type f | LC_ALL=C sort | xargs sha256sum)
    printf '%s\n' "$@"
    "$DOCKER" image inspect --format '{{.Id}}' "$BASE"
  } | sha256sum | cut -c1-32)"
  if [ "${FORCE:-}" != 1 ] && [ "$(label_of "$tag")" = "$inputs" ]; then
    say "$tag: up to date ($(size_of "$tag"))"
    rm -rf "$ctx"
    return
  fi
  local args=() a
  for a in "$@"; do args+=(--build-arg "$a"); done
  t0="$(now)"
  say "$tag: building (log: $log)"
  if ! "$DOCKER" build --network host --force-rm "${args[@]}" \
    --label "vdb-bench.inputs=$inputs" --label "vdb-bench.image=$(basename "$dir")" \
    -t "$tag" "$ctx" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -rf "$ctx"
    die "$tag: docker build failed (log: $log)"
  fi
  rm -rf "$ctx"
  say "$tag: built in $(since "$t0") s ($(size_of "$tag"))"
}

# The binary an image copies from the host, by store and version; nothing for stores built inside their image.
host_binary() {
  case "$1" in
    weaviate) echo ".vdb-bench/weaviate/$2/bin/weaviate-server" ;;
    oceanbase) echo ".vdb-bench/seekdb/$2/bin/seekdb" ;;
    qdrant) echo ".vdb-bench/qdrant/$2/bin/qdrant" ;;
  esac
}
host_binary_installed() {
  local bin
  bin="$(host_binary "$1" "$2")"
  [ -z "$bin" ] || [ -x "$bin" ]
}

mkdir -p "$WORK"
build_base
for s in "${stores[@]}"; do
  while read -r v image; do
    if [ "${VDB_BENCH_IMAGES_INSTALLED_ONLY:-0}" = 1 ] && ! host_binary_installed "$s" "$v"; then
      say "$image: skipped ($s $v is not installed here; npm run setup -- $s@$v installs it)"
      continue
    fi
    case "$s" in
      pgvector)
        build_store "$image" docker/pgvector scripts/install-pgvector.sh "PGVECTOR_VERSION=$v"
        ;;
      chroma)
        build_store "$image" docker/chroma scripts/install-chroma.sh "CHROMA_VERSION=$v"
        ;;
      weaviate)
        bin="$(host_binary weaviate "$v")"
        [ -x "$bin" ] || bash scripts/install-weaviate.sh "$v" || die "scripts/install-weaviate.sh $v failed"
        CONTEXT_FILES=("$bin")
        build_store "$image" docker/weaviate scripts/install-weaviate.sh "WEAVIATE_VERSION=$v"
        ;;
      oceanbase)
        bin="$(dirname "$(host_binary oceanbase "$v")")"
        [ -x "$bin/seekdb" ] && [ -f "$bin/libaio.so.1" ] ||
          bash scripts/install-seekdb.sh "$v" || die "scripts/install-seekdb.sh $v failed"
        CONTEXT_FILES=("$bin/seekdb" "$bin/libaio.so.1")
        build_store "$image" docker/oceanbase scripts/install-seekdb.sh "SEEKDB_VERSION=$v"
        ;;
      qdrant)
        bin="$(host_binary qdrant "$v")"
        [ -x "$bin" ] || bash scripts/install-qdrant.sh "$v" || die "scripts/install-qdrant.sh $v failed"
        CONTEXT_FILES=("$bin")
        build_store "$image" docker/qdrant scripts/install-qdrant.sh "QDRANT_VERSION=$v"
        ;;
      *) die "$s has a docker recipe but this script does not know how to build its image ($image)" ;;
    esac
  done <<<"$(images_of "$s")"
done
# Earlier builds of a retagged image are left untagged; they only take disk.
"$DOCKER" image prune -f --filter label=vdb-bench.image >/dev/null 2>&1 || true
