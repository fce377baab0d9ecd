import type { Hit } from '../../adapters/store-adapter.js';
import { row } from '../../datasets/dataset.js';
import { groundTruth } from '../../datasets/ground-truth.js';
import { similarity } from '../../datasets/similarity.js';
import { difyWeightedRerank, type HybridCandidate } from '../hybrid/dify-weighted-rerank.js';
import { jiebaKeywords } from '../hybrid/keyword-extractor.js';
import type { SearchResult } from '../results/results-schema.js';
import { runSerialSearch } from './serial-search.js';
import type { WorkloadContext } from './workload-context.js';

const QUALITY_K = 10;

function allQueries(ctx: WorkloadContext): number[] {
  return ctx.dataset.queries.map((_, i) => i);
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
  const search = collection.searchFullText.bind(collection);
  return runSerialSearch(ctx, {
    label: 'full text',
    queryIndices: allQueries(ctx),
    k: QUALITY_K,
    search: (qi) => search({ text: ctx.dataset.queries[qi]?.text ?? '', k: QUALITY_K }),
  });
}

/**
 * Dify's hybrid search, identical for every store: vector and full-text search in parallel, then
 * WeightRerankRunner (0.7 vector + 0.3 jieba TF-IDF keyword score). The rerank runs in the
 * harness, as it runs in Dify's API process, and its time is part of the latency.
 */
export async function runDifyHybrid(ctx: WorkloadContext): Promise<SearchResult> {
  const { collection, dataset, config } = ctx;
  if (!ctx.capabilities.fullText || !collection.searchFullText) {
    return { status: 'unsupported', reason: `needs full-text search, which ${ctx.store} (this profile) lacks` };
  }
  const searchText = collection.searchFullText.bind(collection);
  const { dims, metric } = dataset.manifest;
  const docIndex = new Map(dataset.docs.map((d, i) => [d.id, i]));
  const textOf = (hit: Hit): string => hit.text ?? dataset.docs[docIndex.get(hit.id) ?? -1]?.text ?? '';
  // Where a hit carries no score (a full-text hit, or a store answering without one), Dify
  // computes the vector part from the chunk's vector, which the harness has from the dataset.
  const cosineOf = (hit: Hit, vector: Float32Array): number => {
    const di = docIndex.get(hit.id);
    return di === undefined ? 0 : similarity(metric, vector, row(dataset.vectors, dims, di));
  };
  return runSerialSearch(ctx, {
    label: 'dify hybrid',
    queryIndices: allQueries(ctx),
    k: QUALITY_K,
    search: async (qi) => {
      const text = dataset.queries[qi]?.text ?? '';
      const vector = queryVector(ctx, qi);
      const [vectorHits, textHits] = await Promise.all([
        collection.searchVector({ vector, k: QUALITY_K }),
        searchText({ text, k: QUALITY_K }),
      ]);
      const candidates: HybridCandidate[] = [
        ...vectorHits.map((h) => ({ id: h.id, text: textOf(h), vectorScore: h.score ?? cosineOf(h, vector) })),
        ...textHits.map((h) => ({ id: h.id, text: textOf(h), vectorScore: cosineOf(h, vector) })),
      ];
      return difyWeightedRerank(text, candidates, jiebaKeywords, config.hybridWeights, QUALITY_K);
    },
  });
}

/** The store's own hybrid query, where it has one; reported beside Dify's hybrid. */
export async function runNativeHybrid(ctx: WorkloadContext): Promise<SearchResult> {
  const { collection } = ctx;
  if (!ctx.capabilities.nativeHybrid || !collection.searchHybrid) {
    return { status: 'unsupported', reason: `${ctx.store} (this profile) has no native hybrid search` };
  }
  const search = collection.searchHybrid.bind(collection);
  return runSerialSearch(ctx, {
    label: 'native hybrid',
    queryIndices: allQueries(ctx),
    k: QUALITY_K,
    search: (qi) => search({ text: ctx.dataset.queries[qi]?.text ?? '', vector: queryVector(ctx, qi), k: QUALITY_K }),
  });
}
