#!/usr/bin/env bash
# Installs the seekdb server (OceanBase's single-node build) the oceanbase local recipe starts
# (src/adapters/oceanbase/oceanbase-local-recipe.ts).
#
#   scripts/install-seekdb.sh [version...]      default: every version below
#
# Versions and where they come from:
#   1.4.0   PyPI pylibseekdb==1.4.0.post1 (manylinux_2_28 x86_64 wheel). The wheel ships the
#           `seekdb` server executable (OceanBase 4.3.5.3 kernel, "seekdb-v1.4.0.0") next to
#           libaio.so.1, which it finds through RUNPATH $ORIGIN; it needs glibc >= 2.28 and
#           nothing else from the system.
#
# The wheel is fetched with `pip download` for its exact platform tag (so the local Python's
# version does not matter), checked against the pinned SHA-256, and only the server and libaio are
# unpacked into .vdb-bench/seekdb/<version>/bin (repo-relative, gitignored); the wheel is removed.
# Idempotent: a directory whose marker matches the pinned hash is left alone.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="$repo/.vdb-bench/seekdb"

pick_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3 python3.11; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -m pip --version >/dev/null 2>&1; then
      command -v "$candidate"
      return
    fi
  done
  echo "install-seekdb: no Python with pip found (set PYTHON=/path/to/python3)" >&2
  exit 1
}

# install VERSION PACKAGE==PYPI_VERSION WHEEL_FILE SHA256 MEMBER_DIR
install_wheel() {
  local version="$1" requirement="$2" wheel="$3" sha="$4" member="$5"
  local dir="$base/$version"
  if [ -x "$dir/bin/seekdb" ] && [ "$(cat "$dir/installed" 2>/dev/null)" = "$sha" ]; then
    echo "seekdb $version: already installed ($dir/bin/seekdb)"
    return
  fi
  local python tmp
  python="$(pick_python)"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  echo "seekdb $version: downloading $requirement"
  "$python" -m pip download --disable-pip-version-check --no-input --quiet --no-deps \
    --only-binary=:all: --platform manylinux_2_28_x86_64 --python-version 3.11 --implementation cp \
    -d "$tmp" "$requirement"
  if [ ! -f "$tmp/$wheel" ]; then
    echo "seekdb $version: pip did not fetch $wheel (got: $(ls "$tmp"))" >&2
    exit 1
  fi
  local got
  got="$(sha256sum "$tmp/$wheel" | cut -d' ' -f1)"
  if [ "$got" != "$sha" ]; then
    echo "seekdb $version: $wheel has SHA-256 $got, expected $sha" >&2
    exit 1
  fi
  rm -rf "$dir"
  mkdir -p "$dir/bin"
  "$python" - "$tmp/$wheel" "$member" "$dir/bin" <<'EOF'
import sys, zipfile, os
wheel, member, out = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z:
    for name in ("seekdb", "libaio.so.1"):
        target = os.path.join(out, name)
        with z.open(f"{member}/{name}") as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        os.chmod(target, 0o755)
EOF
  # The server prints its banner and version; this fails if a library or glibc symbol is missing.
  local banner
  if ! banner="$("$dir/bin/seekdb" --version 2>&1)"; then
    echo "seekdb $version: $dir/bin/seekdb --version failed:" >&2
    echo "$banner" >&2
    exit 1
  fi
  if ! grep -q "seekdb $version" <<<"$banner"; then
    echo "seekdb $version: unexpected version banner:" >&2
    echo "$banner" >&2
    exit 1
  fi
  printf '%s\n' "$sha" >"$dir/installed"
  echo "seekdb $version: ok ($dir/bin/seekdb)"
}

versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(1.4.0)
for v in "${versions[@]}"; do
  case "$v" in
    1.4.0)
      install_wheel 1.4.0 pylibseekdb==1.4.0.post1 \
        pylibseekdb-1.4.0.post1-cp311-cp311-manylinux_2_28_x86_64.whl \
        7c1c1e13148189af1332f69b896a818b674db3a4615c7caf1c9db05055738ad6 \
        pylibseekdb
      ;;
    *)
      echo "install-seekdb: unknown version $v (known: 1.4.0)" >&2
      exit 1
      ;;
  esac
done
