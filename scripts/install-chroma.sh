#!/usr/bin/env bash
# Installs the Chroma servers the local runtime can start (src/adapters/chroma/chroma-routes.ts).
#
#   scripts/install-chroma.sh [version...]      default: every PyPI version below
#
# Versions and where they come from:
#   0.5.20  PyPI chromadb==0.5.20 (the version Dify's docker-compose pins), Python server (FastAPI)
#   1.5.9   PyPI chromadb==1.5.9, the Rust server shipped inside the wheel (manylinux_2_17)
#   1.0.0   npm: chromadb-js-bindings-linux-x64-gnu 1.0.5 under node_modules (installed by `npm ci`;
#           this script only checks it is there). Newer bindings need glibc 2.38.
#
# Each PyPI version gets a private venv at .vdb-bench/chroma/<version>/venv (repo-relative,
# gitignored), installed from the exact lock below with --no-deps, so a rerun installs the same
# bytes. Idempotent: a venv whose marker matches its lock is left alone.
# Python: $PYTHON, else python3.11, else python3 (3.11 is what the locks were tested with).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="$repo/.vdb-bench/chroma"

lock_0_5_20() {
  cat <<'EOF'
aiohappyeyeballs==2.7.1
aiohttp==3.14.5
aiohttp-retry==2.9.1
aiosignal==1.4.0
annotated-doc==0.0.7
annotated-types==0.8.0
anyio==4.16.0
asgiref==3.13.0
attrs==26.1.0
backoff==2.2.1
bcrypt==5.0.0
build==1.6.1
certifi==2026.10.19.post1
charset-normalizer==3.5.2
chroma-hnswlib==0.7.6
chromadb==0.5.20
click==8.5.1
coloredlogs==15.0.1
durationpy==0.11
fastapi==0.115.6
filelock==4.2.12
flatbuffers==25.12.19
frozenlist==1.8.0
fsspec==2026.9.0
googleapis-common-protos==1.76.0
grpcio==1.85.3
h11==0.16.0
hf-xet==1.8.0
httpcore==1.0.9
httpcore2==2.16.2
httptools==0.9.0
httpx==0.28.1
httpx2==2.16.2
huggingface_hub==2.4.0
humanfriendly==10.0
idna==3.20
importlib_resources==7.1.0
kubernetes==37.0.2
markdown-it-py==4.3.0
mdurl==0.1.2
mmh3==5.3.1
monotonic==1.6
mpmath==1.3.0
multidict==7.2.1
numpy==1.26.4
oauthlib==4.0.1
onnxruntime==1.20.1
opentelemetry-api==1.45.2
opentelemetry-exporter-otlp-common==0.66b2
opentelemetry-exporter-otlp-proto-common==1.45.2
opentelemetry-exporter-otlp-proto-grpc==1.45.2
opentelemetry-instrumentation==0.66b2
opentelemetry-instrumentation-asgi==0.66b2
opentelemetry-instrumentation-fastapi==0.66b2
opentelemetry-proto==1.45.2
opentelemetry-sdk==1.45.2
opentelemetry-semantic-conventions==0.66b2
opentelemetry-util-http==0.66b2
orjson==3.13.0
overrides==7.7.0
packaging==26.3
posthog==3.7.4
propcache==0.5.4
protobuf==7.36.2
pydantic==2.14.4
pydantic_core==2.50.5
Pygments==2.21.0
PyPika==0.51.1
pyproject_hooks==1.3.3
python-dateutil==4.0.0
python-dotenv==1.2.4
PyYAML==6.0.4
requests==2.34.2
requests-oauthlib==2.0.0
rich==15.0.0
shellingham==1.5.4
six==1.17.0
starlette==0.41.3
sympy==1.14.0
tenacity==9.2.1
tokenizers==0.23.3
tqdm==4.70.1
truststore==0.10.5
typer==0.29.2
typing-inspection==0.4.5
typing_extensions==4.16.0
tzdata==2026.6
urllib3==2.8.0
uvicorn==0.54.0
uvloop==0.23.0
watchfiles==1.3.0
websocket-client==1.9.2
websockets==17.4
wrapt==2.5.2
yarl==1.25.1
EOF
}
# 0.5.20 notes: posthog is held at 3.x because chromadb 0.5.20 calls posthog.capture() with
# positional arguments, which posthog >= 6 rejects ("capture() takes 1 positional argument but 3
# were given" on every telemetry event, even with telemetry off); fastapi 0.115 / numpy 1.26 /
# onnxruntime 1.20 are the versions of the 0.5.20 era (newer fastapi warns on every request).

lock_1_5_9() {
  cat <<'EOF'
aiohappyeyeballs==2.7.1
aiohttp==3.14.5
aiohttp-retry==2.9.1
aiosignal==1.4.0
annotated-doc==0.0.7
annotated-types==0.8.0
anyio==4.16.0
attrs==26.1.0
bcrypt==5.0.0
build==1.6.1
certifi==2026.10.19.post1
charset-normalizer==3.5.2
chromadb==1.5.9
click==8.5.1
durationpy==0.11
filelock==4.2.12
flatbuffers==25.12.19
frozenlist==1.8.0
fsspec==2026.9.0
googleapis-common-protos==1.76.0
grpcio==1.85.3
h11==0.16.0
hf-xet==1.8.0
httpcore==1.0.9
httpcore2==2.16.2
httptools==0.9.0
httpx==0.28.1
httpx2==2.16.2
huggingface_hub==2.4.0
idna==3.20
importlib_resources==7.1.0
jsonschema==4.26.0
jsonschema-specifications==2025.9.1
kubernetes==37.0.2
markdown-it-py==4.3.0
mdurl==0.1.2
mmh3==5.3.1
multidict==7.2.1
numpy==2.4.6
oauthlib==4.0.1
onnxruntime==1.32.0
opentelemetry-api==1.45.2
opentelemetry-exporter-otlp-common==0.66b2
opentelemetry-exporter-otlp-proto-common==1.45.2
opentelemetry-exporter-otlp-proto-grpc==1.45.2
opentelemetry-proto==1.45.2
opentelemetry-sdk==1.45.2
opentelemetry-semantic-conventions==0.66b2
orjson==3.13.0
overrides==7.7.0
packaging==26.3
propcache==0.5.4
protobuf==7.36.2
pybase64==1.5.1
pydantic==2.14.4
pydantic-settings==2.16.3
pydantic_core==2.50.5
Pygments==2.21.0
PyPika==0.51.1
pyproject_hooks==1.3.3
python-dateutil==4.0.0
python-dotenv==1.2.4
PyYAML==6.0.4
referencing==0.37.0
requests==2.34.2
requests-oauthlib==2.0.0
rich==15.0.0
rpds-py==2026.9.1
shellingham==1.5.4
tenacity==9.2.1
tokenizers==0.23.3
tqdm==4.70.1
truststore==0.10.5
typer==0.29.2
typing-inspection==0.4.5
typing_extensions==4.16.0
tzdata==2026.6
urllib3==2.8.0
uvicorn==0.54.0
uvloop==0.23.0
watchfiles==1.3.0
websocket-client==1.9.2
websockets==17.4
yarl==1.25.1
EOF
}

pick_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if (3, 9) <= sys.version_info[:2] <= (3, 12) else 1)'; then
      command -v "$candidate"
      return
    fi
  done
  echo "install-chroma: no Python 3.9-3.12 found (set PYTHON=/path/to/python3.11)" >&2
  exit 1
}

install_pypi() {
  local version="$1" lock="$2"
  local dir="$base/$version" venv="$base/$version/venv"
  local stamp
  stamp="$(printf '%s' "$lock" | sha256sum | cut -c1-16)"
  if [ -x "$venv/bin/chroma" ] && [ "$(cat "$dir/installed" 2>/dev/null)" = "$stamp" ]; then
    echo "chroma $version: already installed ($venv)"
    return
  fi
  local python
  python="$(pick_python)"
  echo "chroma $version: installing into $venv with $("$python" --version 2>&1)"
  rm -rf "$venv" "$dir/installed"
  mkdir -p "$dir"
  "$python" -m venv "$venv"
  printf '%s\n' "$lock" >"$dir/requirements.lock"
  "$venv/bin/pip" install --disable-pip-version-check --no-input --quiet --no-deps \
    -r "$dir/requirements.lock"
  "$venv/bin/pip" check --disable-pip-version-check
  local got
  got="$("$venv/bin/python" -c 'import chromadb; print(chromadb.__version__)')"
  if [ "$got" != "$version" ]; then
    echo "chroma $version: installed chromadb reports $got" >&2
    exit 1
  fi
  "$venv/bin/chroma" run --help >/dev/null
  # 1.x: the local recipe calls the Rust server's entry point directly (chroma-routes.ts).
  if [ "${version%%.*}" -ge 1 ]; then
    "$venv/bin/python" -c 'import chromadb_rust_bindings'
  fi
  printf '%s\n' "$stamp" >"$dir/installed"
  echo "chroma $version: ok ($venv/bin/chroma)"
}

check_npm() {
  local bindings="$repo/node_modules/chromadb/node_modules/chromadb-js-bindings-linux-x64-gnu/package.json"
  [ -f "$bindings" ] || bindings="$repo/node_modules/chromadb-js-bindings-linux-x64-gnu/package.json"
  if [ ! -x "$repo/node_modules/.bin/chroma" ] || [ ! -f "$bindings" ]; then
    echo "chroma 1.0.0: comes from npm; run \`npm ci\` in $repo" >&2
    exit 1
  fi
  echo "chroma 1.0.0: present (npm $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$bindings" | head -1) bindings)"
}

versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(0.5.20 1.5.9)
for v in "${versions[@]}"; do
  case "$v" in
    0.5.20) install_pypi "$v" "$(lock_0_5_20)" ;;
    1.5.9) install_pypi "$v" "$(lock_1_5_9)" ;;
    1.0.0) check_npm ;;
    *)
      echo "install-chroma: unknown version $v (known: 0.5.20 1.5.9 1.0.0)" >&2
      exit 1
      ;;
  esac
done
