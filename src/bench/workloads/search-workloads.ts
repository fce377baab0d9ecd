import type { Hit } from '../../adapters/store-adapter.js';
import { row, type Dataset } from '../../datasets/dataset.js';
import type { BenchConfig } from '../bench-config.js';
import { groundTruth } from '../../datasets/ground-truth.js';
import { createDifyHybridRanker, type HybridHit } from '../hybrid/dify-hybrid.js';
import { difyFullTextQuery } from './dify-full-text-query.js';
import type { SearchResult } from '../results/results-schema.js';
import { runSerialSearch } from './serial-search.js';
import type { WorkloadContext } from './workload-context.js';

const QUALITY_K = 10;

/**
 * Computes (or loads from the dataset's cache) every exact answer the search workloads will score
 * against, so that a million-vector scan runs before any store starts rather than inside the first
 * store's search phase, where it would stretch that store's wall time and memory series.
 */
export async function prepareGroundTruth(dataset: Dataset, config: BenchConfig): Promise<void> {
  for (const k of config.kValues) await groundTruth(dataset, k, false);
  const filtered = dataset.queries.some((q) => q.document_ids);
  if (filtered && !config.skip.includes('filtered-vector')) await groundTruth(dataset, QUALITY_K, true);
}

function allQueries(ctx: WorkloadContext): number[] {
  return ctx.dataset.queries.map((_, i) => i);
}

/** ann-benchmarks and VectorDBBench datasets carry vectors only: nothing for full text to find. */
function textlessReason(ctx: WorkloadContext): string | undefined {
  const hasText = ctx.dataset.docs.some((d) => d.text !== '') && ctx.dataset.queries.some((q) => q.text !== '');
  return hasText ? undefined : `the dataset ${ctx.dataset.manifest.name} has no text (vectors only)`;
}

function queryVector(ctx: WorkloadContext, qi: number): Float32Array {
  return row(ctx.dataset.queryVectors, ctx.dataset.manifest.dims, qi);
}

/** Plain top-k vector search over every query (filters ignored), once per configured k. */
export async function runVectorSearch(ctx: WorkloadContext): Promise<SearchResult[]> {
  const results: SearchResult[] = [];
  for (const k of ctx.config.kValues) {
    const truth = await groundTruth(ctx.dataset, k, false);
    results.push(
      await runSerialSearch(ctx, {
        label: `vector k=${k}`,
        queryIndices: allQueries(ctx),
        k,
        truth,
        search: (qi) => ctx.collection.searchVector({ vector: queryVector(ctx, qi), k }),
      }),
    );
  }
  return results;
}

/** Vector search restricted to each query's document_ids (Dify's document_ids_filter). */
export async function runFilteredVectorSearch(ctx: WorkloadContext): Promise<SearchResult> {
  if (!ctx.capabilities.documentIdFilter) {
    return { status: 'unsupported', reason: `${ctx.store} declares no document_id filter` };
  }
  const indices = allQueries(ctx).filter((qi) => ctx.dataset.queries[qi]?.document_ids);
  if (indices.length === 0) return { status: 'unsupported', reason: 'the dataset has no filtered queries' };
  const truth = await groundTruth(ctx.dataset, QUALITY_K, true);
  return runSerialSearch(ctx, {
    label: 'vector filtered',
    queryIndices: indices,
    k: QUALITY_K,
    truth,
    search: (qi) =>
      ctx.collection.searchVector({
        vector: queryVector(ctx, qi),
        k: QUALITY_K,
        documentIds: ctx.dataset.queries[qi]?.document_ids ?? [],
      }),
  });
}

export async function runFullTextSearch(ctx: WorkloadContext): Promise<SearchResult> {
  const { collection } = ctx;
  if (!ctx.capabilities.fullText || !collection.searchFullText) {
    return { status: 'unsupported', reason: `${ctx.store} (this profile) has no full-text search` };
  }
  const textless = textlessReason(ctx);
  if (textless) return { status: 'unsupported', reason: textless };
  const search = collection.searchFullText.bind(collection);
  return runSerialSearch(ctx, {
    label: 'full text',
    queryIndices: allQueries(ctx),
    k: QUALITY_K,
    search: (qi) => search({ text: difyFullTextQuery(ctx.dataset.queries[qi]?.text ?? ''), k: QUALITY_K }),
  });
}

/**
 * Dify's hybrid search, identical for every store: vector and full-text search in parallel, then
 * Dify's merge and WeightRerankRunner (0.7 vector + 0.3 jieba TF-IDF keyword score) under the
 * release rules the config names (dify-hybrid.ts). The rerank runs in the harness, as it runs in
 * Dify's API process, and its time is part of the latency.
 */
export async function runDifyHybrid(ctx: WorkloadContext): Promise<SearchResult> {
  const { collection, dataset, config } = ctx;
  if (!ctx.capabilities.fullText || !collection.searchFullText) {
    return { status: 'unsupported', reason: `needs full-text search, which ${ctx.store} (this profile) lacks` };
  }
  const textless = textlessReason(ctx);
  if (textless) return { status: 'unsupported', reason: textless };
  const searchText = collection.searchFullText.bind(collection);
  const { dims } = dataset.manifest;
  const docIndex = new Map(dataset.docs.map((d, i) => [d.id, i]));
  const textOf = (hit: Hit): string => hit.text ?? dataset.docs[docIndex.get(hit.id) ?? -1]?.text ?? '';
  const asHybridHit = (hit: Hit): HybridHit => ({ id: hit.id, text: textOf(hit), score: hit.score });
  // Built (and jieba warmed) before the timed pass. A hit with no score gets Dify's cosine from
  // the chunk's stored vector, which the harness has from the dataset.
  const rank = createDifyHybridRanker({
    rule: config.hybridRule,
    keywordRule: config.keywordRule,
    arrival: 'text-first',
    weights: config.hybridWeights,
    topN: QUALITY_K,
    docVector: (id) => {
      const di = docIndex.get(id);
      return di === undefined ? undefined : row(dataset.vectors, dims, di);
    },
  });
  return runSerialSearch(ctx, {
    label: 'dify hybrid',
    queryIndices: allQueries(ctx),
    k: QUALITY_K,
    search: async (qi) => {
      const text = dataset.queries[qi]?.text ?? '';
      const vector = queryVector(ctx, qi);
      const [vectorHits, textHits] = await Promise.all([
        collection.searchVector({ vector, k: QUALITY_K }),
        searchText({ text: difyFullTextQuery(text), k: QUALITY_K }),
      ]);
      return rank({ text, vector, vectorHits: vectorHits.map(asHybridHit), textHits: textHits.map(asHybridHit) });
    },
  });
}

/** The store's own hybrid query, where it has one; reported beside Dify's hybrid. */
export async function runNativeHybrid(ctx: WorkloadContext): Promise<SearchResult> {
  const { collection } = ctx;
  if (!ctx.capabilities.nativeHybrid || !collection.searchHybrid) {
    return { status: 'unsupported', reason: `${ctx.store} (this profile) has no native hybrid search` };
  }
  const textless = textlessReason(ctx);
  if (textless) return { status: 'unsupported', reason: textless };
  const search = collection.searchHybrid.bind(collection);
  return runSerialSearch(ctx, {
    label: 'native hybrid',
    queryIndices: allQueries(ctx),
    k: QUALITY_K,
    search: (qi) => search({ text: difyFullTextQuery(ctx.dataset.queries[qi]?.text ?? ''), vector: queryVector(ctx, qi), k: QUALITY_K }),
  });
}
