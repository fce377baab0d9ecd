import type { KeywordExtractor } from './keyword-extractor.js';

/** One candidate as WeightRerankRunner sees it, its vector part already decided. */
export interface HybridCandidate {
  readonly id: string;
  readonly text: string;
  /**
   * The "vector" part of the weighted score: the hit's metadata.score when it carries one (for a
   * full-text hit that is its full-text score), otherwise cosine(query, chunk vector). See
   * dify-hybrid.ts, which decides it.
   */
  readonly vectorScore: number;
}

export interface HybridWeights {
  readonly vector: number;
  readonly keyword: number;
}

/** Dify's default weights for hybrid search (WeightRerankRunner). */
export const DIFY_WEIGHTS: HybridWeights = { vector: 0.7, keyword: 0.3 };

export interface RankedHit {
  readonly id: string;
  readonly score: number;
  readonly keywordScore: number;
  readonly vectorScore: number;
}

/**
 * Dify's WeightRerankRunner.run (langgenius/dify api/core/rag/rerank/weight_rerank.py; the same in
 * every release from 0.6.x, e.g. commits 0504c80f and cd0780d4):
 * - dedupe by doc_id, the first copy wins (after RetrievalService._deduplicate_documents, in
 *   releases that have it, there are no duplicates left);
 * - keyword score = cosine of TF-IDF vectors over the candidates' jieba keywords, IDF =
 *   ln((1 + N) / (1 + df)) + 1 (_calculate_keyword_score);
 * - score = w_v × vectorScore + w_k × keywordScore; `if score_threshold and score < threshold`
 *   drops it (a threshold of 0 or none drops nothing);
 * - a stable sort by score, best first (Python's list.sort(reverse=True)), cut to top_n.
 */
export function difyWeightedRerank(
  query: string,
  candidates: readonly HybridCandidate[],
  extract: KeywordExtractor,
  weights: HybridWeights,
  topN: number,
  scoreThreshold?: number,
): RankedHit[] {
  const seen = new Set<string>();
  const unique = candidates.filter((c) => (seen.has(c.id) ? false : (seen.add(c.id), true)));
  const docKeywords = unique.map((c) => extract(c.text));
  const keywordScores = tfidfCosines(extract(query), docKeywords);
  const ranked: RankedHit[] = [];
  unique.forEach((c, i) => {
    const keywordScore = keywordScores[i] ?? 0;
    const score = weights.vector * c.vectorScore + weights.keyword * keywordScore;
    if (scoreThreshold && score < scoreThreshold) return;
    ranked.push({ id: c.id, vectorScore: c.vectorScore, keywordScore, score });
  });
  return ranked.sort((a, b) => b.score - a.score).slice(0, topN);
}

/** Cosine between the query's TF-IDF vector and each document's, IDF taken over `docs`. */
export function tfidfCosines(query: ReadonlySet<string>, docs: readonly ReadonlySet<string>[]): number[] {
  const n = docs.length;
  const idf = new Map<string, number>();
  for (const keywords of docs) {
    for (const k of keywords) idf.set(k, (idf.get(k) ?? 0) + 1);
  }
  for (const [k, df] of idf) idf.set(k, Math.log((1 + n) / (1 + df)) + 1);
  // Keywords are sets, so every term frequency is 1 and a weight is the keyword's IDF; a query
  // keyword no candidate has weighs 0 (Dify's keyword_idf.get(keyword, 0)).
  const weight = (k: string): number => idf.get(k) ?? 0;
  const queryNorm = Math.sqrt([...query].reduce((s, k) => s + weight(k) ** 2, 0));
  return docs.map((keywords) => {
    let dot = 0;
    let norm = 0;
    for (const k of keywords) {
      const w = weight(k);
      norm += w * w;
      if (query.has(k)) dot += w * w;
    }
    const denominator = queryNorm * Math.sqrt(norm);
    return denominator === 0 ? 0 : dot / denominator;
  });
}
