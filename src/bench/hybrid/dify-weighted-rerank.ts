import type { KeywordExtractor } from './keyword-extractor.js';

export interface HybridCandidate {
  readonly id: string;
  readonly text: string;
  /** Cosine similarity of the query to this chunk (the vector hit's score). */
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
 * Dify's WeightRerankRunner: dedupe by id (first wins), keyword score = cosine of TF-IDF vectors
 * over the candidate set's keywords (IDF = ln((1 + N) / (1 + df)) + 1), final score =
 * w_v × vector + w_k × keyword, sorted descending, cut to topN.
 */
export function difyWeightedRerank(
  query: string,
  candidates: readonly HybridCandidate[],
  extract: KeywordExtractor,
  weights: HybridWeights,
  topN: number,
): RankedHit[] {
  const seen = new Set<string>();
  const unique = candidates.filter((c) => (seen.has(c.id) ? false : (seen.add(c.id), true)));
  const docKeywords = unique.map((c) => extract(c.text));
  const keywordScores = tfidfCosines(extract(query), docKeywords);
  return unique
    .map((c, i) => {
      const keywordScore = keywordScores[i] ?? 0;
      return {
        id: c.id,
        vectorScore: c.vectorScore,
        keywordScore,
        score: weights.vector * c.vectorScore + weights.keyword * keywordScore,
      };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, topN);
}

/** Cosine between the query's TF-IDF vector and each document's, IDF taken over `docs`. */
export function tfidfCosines(query: ReadonlySet<string>, docs: readonly ReadonlySet<string>[]): number[] {
  const n = docs.length;
  const idf = new Map<string, number>();
  for (const keywords of docs) {
    for (const k of keywords) idf.set(k, (idf.get(k) ?? 0) + 1);
  }
  for (const [k, df] of idf) idf.set(k, Math.log((1 + n) / (1 + df)) + 1);
  // Keywords are sets, so every term frequency is 1 and a weight is the keyword's IDF.
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
