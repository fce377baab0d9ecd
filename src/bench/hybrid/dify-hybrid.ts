import { deduplicateByScore } from './dify-deduplicate.js';
import { difyWeightedRerank, type HybridWeights, type RankedHit } from './dify-weighted-rerank.js';
import { difyKeywordExtractor, type KeywordExtractor, type KeywordRule } from './keyword-extractor.js';

/**
 * How Dify merges the two hit lists of a hybrid search before WeightRerankRunner scores them.
 *
 * - 'dify-current': RetrievalService._retrieve runs `_deduplicate_documents` on the merged list
 *   (keep the copy with the higher metadata.score, see dify-deduplicate.ts), then
 *   WeightRerankRunner (retrieval_service.py at commit 8c5a725819d26be0bbd2cb80562e2157ac5a247a;
 *   Dify 1.9.x and later, the release that added it not pinned down here).
 * - 'dify-legacy': no such step; WeightRerankRunner's own dedupe keeps the first copy to arrive,
 *   score or not (Dify 0.6.x up to the release before _deduplicate_documents; weight_rerank.py at
 *   commits 0504c80f… and cd0780d4…).
 *
 * In both, WeightRerankRunner._calculate_cosine takes a hit's metadata.score as the "vector" part
 * when the hit carries one, and only otherwise computes cosine(query vector, chunk vector): so a
 * full-text hit of a store that scores its full text (pgvector ts_rank, OceanBase MATCH) enters
 * with its full-text score, and one of a store that does not (Weaviate BM25 and Qdrant's scroll
 * as Dify call them) with its cosine.
 */
export type HybridRule = 'dify-current' | 'dify-legacy';

/**
 * Which list Dify appends first. Vector and full-text search run on two threads and each extends
 * the shared list when it finishes, so Dify's order is whichever lands first; usually full text,
 * since the vector thread first embeds the query. The order decides ties in the final sort, and
 * which copy of a duplicate the legacy rule keeps (and, under the current rule, which copy stays
 * on equal scores).
 */
export type ArrivalOrder = 'text-first' | 'vector-first';

/** One store answer as Dify's Document: page_content, metadata.score when the store gave one. */
export interface HybridHit {
  readonly id: string;
  readonly text: string;
  readonly score?: number;
}

export interface DifyHybridQuery {
  readonly text: string;
  readonly vector: Float32Array;
  readonly vectorHits: readonly HybridHit[];
  readonly textHits: readonly HybridHit[];
}

export interface DifyHybridOptions {
  readonly weights: HybridWeights;
  /** Dify's top_k: WeightRerankRunner's top_n. */
  readonly topN: number;
  readonly rule: HybridRule;
  readonly arrival: ArrivalOrder;
  readonly keywords: KeywordExtractor;
  /** The chunk's stored vector (Document.vector), for hits without a score. */
  readonly docVector: (id: string) => Float32Array | undefined;
  /** Dify's score_threshold on the weighted score; 0 or absent keeps everything. */
  readonly scoreThreshold?: number;
}

/** Dify's hybrid search from the two hit lists to the ranked answer. */
export function difyHybridRank(query: DifyHybridQuery, options: DifyHybridOptions): RankedHit[] {
  const merged =
    options.arrival === 'text-first'
      ? [...query.textHits, ...query.vectorHits]
      : [...query.vectorHits, ...query.textHits];
  const unique = options.rule === 'dify-current' ? deduplicateByScore(merged) : merged;
  const candidates = unique.map((hit) => ({
    id: hit.id,
    text: hit.text,
    vectorScore: hit.score ?? cosine(query.vector, chunkVector(hit.id, options)),
  }));
  const { keywords, weights, topN, scoreThreshold } = options;
  return difyWeightedRerank(query.text, candidates, keywords, weights, topN, scoreThreshold);
}

export interface DifyHybridRankerOptions extends Omit<DifyHybridOptions, 'keywords'> {
  readonly keywordRule: KeywordRule;
}

/**
 * A ranker with its keyword extractor built and warmed (jieba's dictionary and IDF table load in
 * about two seconds), so that cost lands here and not in the first timed query.
 */
export function createDifyHybridRanker(options: DifyHybridRankerOptions): (query: DifyHybridQuery) => RankedHit[] {
  const { keywordRule, ...rest } = options;
  const keywords = difyKeywordExtractor(keywordRule);
  keywords('预热 warm-up');
  const resolved: DifyHybridOptions = { ...rest, keywords };
  return (query) => difyHybridRank(query, resolved);
}

function chunkVector(id: string, options: DifyHybridOptions): Float32Array {
  const vector = options.docVector(id);
  // Dify would fail here too (np.array(None)): a hit with neither a score nor a vector.
  if (!vector) throw new Error(`Dify hybrid: hit "${id}" has no score and the dataset has no vector for it`);
  return vector;
}

/** numpy's dot / (norm × norm), as _calculate_cosine computes it, whatever the store's metric. */
function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`Dify hybrid: query has ${a.length} dims, chunk vector ${b.length}`);
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    aa += x * x;
    bb += y * y;
  }
  return dot / (Math.sqrt(aa) * Math.sqrt(bb));
}
