#!/usr/bin/env bash
# Regenerates the published comparison in results/examples/: every store the project runs, in
# every profile a Dify user weighs, on the default dataset, with the markdown, its SVG charts and
# the self-contained HTML beside each results file. Run it on an otherwise idle machine: the
# figures are only as quiet as the machine.
#
#   bash scripts/publish-examples.sh [local|dify-client|tuned|dify-legacy|qdrant-latest|docker|memory|zh|zh-en|scale ...]
#   default: local qdrant-latest docker
#
# Needs the servers (`npm run setup`, plus `-- qdrant@1.18.3` for qdrant-latest and `--docker` for
# docker and memory). Each part writes its own files, so a part that fails leaves the others as
# they were. Times on this project's 2-core machine: local 16 min, dify-client 12, tuned 8,
# dify-legacy 1, qdrant-latest 2, docker 11, memory 7, zh 8, zh-en 8, scale 3.5 to 4.5 hours
# (pgvector's insert is most of it).
set -euo pipefail
cd "$(dirname "$0")/.."

out=results/examples
dataset=datasets/linux-doc-minilm
bench() { node ./bin/bench.js "$@"; }

# One results file and its report (markdown + charts + HTML) per call: name, then `bench run` flags.
publish() { publish_of run "$@"; }

# The same for another measuring command: the command (run, memory), the name, then its flags.
publish_of() {
  local command="$1" name="$2"
  shift 2
  local started=$SECONDS
  echo "== $name: bench $command $*"
  # bench exits 1 when a store failed; the report still shows that failure, so publish it.
  bench "$command" --out "$out/$name.json" "$@" >/dev/null || [ $? -eq 1 ]
  bench report "$out/$name.json" --out "$out/$name.md" --html
  echo "   ($((SECONDS - started)) s)"
}

parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(local qdrant-latest docker)
for part in "${parts[@]}"; do
  case "$part" in
    # Every store at its default version (Dify's pins), Dify's profile and the stores' own.
    local)
      publish linux-doc-minilm-local --dataset "$dataset" \
        --stores chroma,pgvector,oceanbase,weaviate,qdrant,chroma:native,oceanbase:native,qdrant:native ;;
    # The same stores in Dify's profiles with Dify's per-retrieval client setup timed in
    # (--client dify); its report puts it beside the pooled run of `local` (run that part first).
    dify-client)
      publish linux-doc-minilm-local-dify-client --dataset "$dataset" --client dify \
        --stores chroma,pgvector,oceanbase,weaviate,qdrant
      bench report "$out/linux-doc-minilm-local-dify-client.json" --out "$out/linux-doc-minilm-local-dify-client.md" --html \
        --client-path "$out/linux-doc-minilm-local.json" ;;
    # The stores whose search breadth Dify leaves at a default, with it tuned (recall against p50).
    tuned)
      publish linux-doc-minilm-tuned-local --dataset "$dataset" \
        --stores pgvector:tuned,oceanbase:tuned,weaviate:tuned ;;
    # A Dify 1.8 user: Weaviate 1.19.0 (Dify 1.7.1's compose) through the REST + GraphQL client Dify
    # used then, with the hybrid and keyword rules of those releases.
    dify-legacy)
      publish linux-doc-minilm-weaviate-1.19.0-dify-legacy-local --dataset "$dataset" \
        --stores weaviate:dify-legacy --store-version weaviate=1.19.0 --hybrid-rule dify-legacy --keyword-rule dify-legacy ;;
    # Qdrant's newest release here: the Query API's native hybrid exists from 1.10 only.
    qdrant-latest)
      publish linux-doc-minilm-qdrant-1.18.3-local --dataset "$dataset" \
        --stores qdrant,qdrant:native --store-version qdrant=1.18.3 ;;
    # The same stores as containers (memory as `docker stats` computes it).
    docker)
      publish linux-doc-minilm-docker --dataset "$dataset" --runtime docker \
        --stores chroma,pgvector,oceanbase,weaviate,qdrant ;;
    # The least memory limit each container survives (insert everything, answer every query).
    # From 16 MiB: pgvector and Qdrant survive the default floor of 64 MiB, which brackets nothing.
    memory)
      publish_of memory linux-doc-minilm-docker-memory --dataset "$dataset" --runtime docker --min 16m \
        --stores chroma,pgvector,oceanbase,weaviate,qdrant ;;
    # Chinese chunks and queries: where the stores' full text parts ways.
    zh)
      publish linux-doc-zh-e5-local --dataset datasets/linux-doc-zh-e5 \
        --stores chroma,pgvector,oceanbase,weaviate,qdrant,weaviate:gse,qdrant:native ;;
    # The same Chinese chunks searched with the English section titles of their originals.
    zh-en)
      publish linux-doc-zh-e5-en-local --dataset datasets/linux-doc-zh-e5-en \
        --stores chroma,pgvector,oceanbase,weaviate,qdrant,weaviate:gse,qdrant:native ;;
    # A million 768-dim chunks (3 GiB of float32), generated once under .vdb-bench/datasets (seeded:
    # the same bytes every time), pgvector and Chroma in Dify's profiles, one results file each.
    # Full text and the hybrids are skipped: Dify's pgvector full text has no index and scans a
    # million rows per query, which would take most of the run and say only that. Insert in
    # batches of 1000; pgvector's one-connection HNSW insert alone takes two to three hours here.
    scale)
      scale=.vdb-bench/datasets/synthetic-1m-768
      [ -f "$scale/dataset.json" ] || bench datasets generate --out "$scale" --count 1000000 --dims 768 --queries 1000
      for store in pgvector chroma; do
        publish "synthetic-1m-768-$store-local" --dataset "$scale" --stores "$store" --batch-size 1000 \
          --skip full-text,dify-hybrid,native-hybrid,dify-insert
      done ;;
    *) echo "publish-examples: unknown part '$part' (local, dify-client, tuned, dify-legacy, qdrant-latest, docker, memory, zh, zh-en, scale)" >&2; exit 2 ;;
  esac
done
