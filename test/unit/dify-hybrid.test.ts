/**
 * Dify's hybrid search rule (RetrievalService._deduplicate_documents + WeightRerankRunner), pinned
 * with hand-computed values. Rules and their Dify files: src/bench/hybrid/dify-hybrid.ts.
 */
import { describe, expect, it } from 'vitest';
import { deduplicateByScore } from '../../src/bench/hybrid/dify-deduplicate.js';
import {
  createDifyHybridRanker,
  difyHybridRank,
  type DifyHybridOptions,
  type DifyHybridQuery,
} from '../../src/bench/hybrid/dify-hybrid.js';
import { difyWeightedRerank, tfidfCosines } from '../../src/bench/hybrid/dify-weighted-rerank.js';
import { difyKeywordExtractor, type KeywordExtractor } from '../../src/bench/hybrid/keyword-extractor.js';

const words: KeywordExtractor = (text) => new Set(text.split(' ').filter(Boolean));
const W = { vector: 0.7, keyword: 0.3 };

describe('tfidfCosines (Dify WeightRerankRunner keyword score)', () => {
  it('weights keywords by ln((1+N)/(1+df)) + 1 over the candidate set', () => {
    // N = 2: idf(a) = idf(c) = ln(3/2) + 1, idf(b) = 1.
    const idfA = Math.log(1.5) + 1;
    const scores = tfidfCosines(new Set(['a']), [new Set(['a', 'b']), new Set(['b', 'c'])]);
    expect(scores[0]).toBeCloseTo(idfA / Math.sqrt(idfA ** 2 + 1), 12);
    expect(scores[1]).toBe(0);
  });

  it('scores 0 when the query has no keyword', () => {
    expect(tfidfCosines(new Set(), [new Set(['a'])])).toEqual([0]);
  });
});

describe('difyWeightedRerank (WeightRerankRunner.run)', () => {
  it('dedupes by id (first wins), weights 0.7/0.3, sorts and cuts to topN', () => {
    const ranked = difyWeightedRerank(
      'kernel',
      [
        { id: 'v1', text: 'memory pages', vectorScore: 0.9 },
        { id: 'v2', text: 'kernel modules', vectorScore: 0.5 },
        { id: 'v2', text: 'kernel modules', vectorScore: 0.1 },
        { id: 't1', text: 'kernel', vectorScore: 0.4 },
      ],
      words,
      W,
      2,
    );
    // v1 = 0.7 × 0.9 = 0.63; t1 = 0.7 × 0.4 + 0.3 × 1 = 0.58; v2 = 0.35 + 0.3 × 0.5951 ≈ 0.5285.
    expect(ranked.map((r) => r.id)).toEqual(['v1', 't1']);
    expect(ranked[0]?.score).toBeCloseTo(0.63, 12);
    expect(ranked[1]?.score).toBeCloseTo(0.58, 12);
    expect(ranked[1]?.keywordScore).toBe(1);
  });

  it('drops scores under a threshold (but 0 means none) and keeps ties in arrival order', () => {
    const tied = [
      { id: 'x', text: 'alpha', vectorScore: 0.5 },
      { id: 'y', text: 'beta', vectorScore: 0.5 },
      { id: 'z', text: 'gamma', vectorScore: 0.2 },
    ];
    expect(difyWeightedRerank('delta', tied, words, W, 10).map((r) => r.id)).toEqual(['x', 'y', 'z']);
    expect(difyWeightedRerank('delta', tied, words, W, 10, 0).map((r) => r.id)).toEqual(['x', 'y', 'z']);
    expect(difyWeightedRerank('delta', tied, words, W, 10, 0.3).map((r) => r.id)).toEqual(['x', 'y']);
  });
});

describe('deduplicateByScore (RetrievalService._deduplicate_documents)', () => {
  it('keeps first-seen order; a later copy wins only with a strictly higher score', () => {
    const hits = [
      { id: 'a', score: 0.5, copy: 'a1' },
      { id: 'b', copy: 'b1' },
      { id: 'a', score: 0.5, copy: 'a2' }, // tie: the first copy stays
      { id: 'b', score: 0.3, copy: 'b2' }, // a scoreless copy counts as 0.0: replaced
      { id: 'c', copy: 'c1' },
      { id: 'c', copy: 'c2' }, // no score: never replaces
      { id: 'd', copy: 'd1' },
      { id: 'd', score: -0.1, copy: 'd2' }, // -0.1 is not above 0.0
      { id: 'e', score: 0.2, copy: 'e1' },
      { id: 'e', score: 0.9, copy: 'e2' },
    ];
    expect(deduplicateByScore(hits).map((h) => h.copy)).toEqual(['a1', 'b2', 'c1', 'd1', 'e2']);
  });
});

// Query vector [1, 0]; each chunk's stored vector, so cosine(query, chunk) is its first coordinate.
const q = new Float32Array([1, 0]);
const vectors: Record<string, Float32Array> = {
  d1: new Float32Array([1, 0]),
  d2: new Float32Array([0.6, 0.8]),
  d3: new Float32Array([0.28, 0.96]),
  d4: new Float32Array([0.8, 0.6]),
};
const text: Record<string, string> = { d1: 'kernel memory pages', d2: 'kernel modules', d3: 'memory', d4: 'scheduler' };
const hit = (id: string, score?: number) => ({ id, text: text[id] ?? '', ...(score !== undefined ? { score } : {}) });
const opts = (o: Pick<DifyHybridOptions, 'rule' | 'arrival'>): DifyHybridOptions => ({
  ...o,
  weights: W,
  topN: 10,
  keywords: words,
  docVector: (id) => vectors[id],
});

describe('difyHybridRank, pgvector-style: full-text hits carry ts_rank scores', () => {
  // Vector hits score 1 - cosine distance; text hits score ts_rank. d2 comes back from both with a
  // lower text score, d1 from both with a higher one (0.99 > 0.9), d3 only from full text.
  const query: DifyHybridQuery = {
    text: 'kernel memory',
    vector: q,
    vectorHits: [hit('d1', 0.9), hit('d2', 0.6), hit('d4', 0.8)],
    textHits: [hit('d3', 0.1), hit('d2', 0.05), hit('d1', 0.99)],
  };
  // Four unique chunks: idf(kernel) = idf(memory) = ln(5/3) + 1 (df 2), idf(modules, pages,
  // scheduler) = ln(5/2) + 1 (df 1). Keyword scores: d3 1/√2, d2 a/(√2·√(a²+b²)),
  // d1 2a/(√2·√(2a²+b²)), d4 0.
  const a = Math.log(5 / 3) + 1;
  const b = Math.log(5 / 2) + 1;
  const kw = {
    d1: (2 * a) / (Math.SQRT2 * Math.sqrt(2 * a * a + b * b)),
    d2: a / (Math.SQRT2 * Math.sqrt(a * a + b * b)),
    d3: 1 / Math.SQRT2,
    d4: 0,
  };

  it('current rule: the higher-scored copy of each duplicate, its score as the vector part', () => {
    const ranked = difyHybridRank(query, opts({ rule: 'dify-current', arrival: 'text-first' }));
    // d1 keeps its text copy (0.99), d2 its vector copy (0.6 > 0.05), d3 enters with ts_rank 0.1
    // (not its cosine 0.28), d4 with 0.8.
    expect(ranked.map((r) => r.id)).toEqual(['d1', 'd4', 'd2', 'd3']);
    expect(ranked.map((r) => r.vectorScore)).toEqual([0.99, 0.8, 0.6, 0.1]);
    expect(ranked[0]?.score).toBeCloseTo(0.7 * 0.99 + 0.3 * kw.d1, 12); // 0.916335
    expect(ranked[1]?.score).toBeCloseTo(0.7 * 0.8, 12); // 0.56
    expect(ranked[2]?.score).toBeCloseTo(0.7 * 0.6 + 0.3 * kw.d2, 12); // 0.551337
    expect(ranked[3]?.score).toBeCloseTo(0.7 * 0.1 + 0.3 * kw.d3, 12); // 0.282132
    expect(ranked[0]?.score).toBeCloseTo(0.916335, 5);
    expect(ranked[2]?.score).toBeCloseTo(0.551337, 5);
  });

  it('current rule: arrival order does not change which copy wins when scores differ', () => {
    const ranked = difyHybridRank(query, opts({ rule: 'dify-current', arrival: 'vector-first' }));
    expect(ranked.map((r) => [r.id, r.vectorScore])).toEqual([
      ['d1', 0.99],
      ['d4', 0.8],
      ['d2', 0.6],
      ['d3', 0.1],
    ]);
  });

  it('legacy rule: the first copy to arrive wins, score or not', () => {
    const textFirst = difyHybridRank(query, opts({ rule: 'dify-legacy', arrival: 'text-first' }));
    // d2 keeps its ts_rank 0.05: 0.035 + 0.3 × 0.43779 = 0.166337, below d3.
    expect(textFirst.map((r) => [r.id, r.vectorScore])).toEqual([
      ['d1', 0.99],
      ['d4', 0.8],
      ['d3', 0.1],
      ['d2', 0.05],
    ]);
    expect(textFirst[3]?.score).toBeCloseTo(0.7 * 0.05 + 0.3 * kw.d2, 12);
    const vectorFirst = difyHybridRank(query, opts({ rule: 'dify-legacy', arrival: 'vector-first' }));
    expect(vectorFirst.map((r) => [r.id, r.vectorScore])).toEqual([
      ['d1', 0.9],
      ['d4', 0.8],
      ['d2', 0.6],
      ['d3', 0.1],
    ]);
    expect(vectorFirst[0]?.score).toBeCloseTo(0.7 * 0.9 + 0.3 * kw.d1, 12); // 0.853335
  });

  it('gives the same ranking with Dify’s jieba keywords (these English texts keyword to their words)', () => {
    const ranked = difyHybridRank(query, {
      ...opts({ rule: 'dify-current', arrival: 'text-first' }),
      keywords: difyKeywordExtractor('dify-current'),
    });
    expect(ranked.map((r) => r.id)).toEqual(['d1', 'd4', 'd2', 'd3']);
    expect(ranked[0]?.score).toBeCloseTo(0.7 * 0.99 + 0.3 * kw.d1, 12);
  });
});

describe('difyHybridRank, Weaviate/Qdrant-style: full-text hits carry no score', () => {
  // Three unique chunks: idf(kernel) = idf(memory) = ln(4/3) + 1, idf(modules, pages) = ln 2 + 1.
  const a = Math.log(4 / 3) + 1;
  const b = Math.log(2) + 1;
  const query: DifyHybridQuery = {
    text: 'kernel memory',
    vector: q,
    vectorHits: [hit('d1', 0.9), hit('d2', 0.6)],
    textHits: [hit('d3'), hit('d2')],
  };

  it('computes cosine(query, chunk vector) for a scoreless hit; a vector copy with a score replaces it', () => {
    for (const rule of ['dify-current', 'dify-legacy'] as const) {
      const ranked = difyHybridRank(query, opts({ rule, arrival: 'text-first' }));
      // d3: cosine 0.28 from its stored vector; d1: the store's 0.9 (its cosine would be 1).
      expect(ranked.map((r) => r.id)).toEqual(['d1', 'd2', 'd3']);
      expect(ranked[0]?.vectorScore).toBe(0.9);
      expect(ranked[1]?.vectorScore).toBeCloseTo(0.6, 6);
      expect(ranked[2]?.vectorScore).toBeCloseTo(0.28, 6);
      const d1Keyword = (2 * a) / (Math.SQRT2 * Math.sqrt(2 * a * a + b * b));
      expect(ranked[0]?.score).toBeCloseTo(0.7 * 0.9 + 0.3 * d1Keyword, 12);
      expect(ranked[1]?.score).toBeCloseTo(0.7 * 0.6 + 0.3 * (a / (Math.SQRT2 * Math.sqrt(a * a + b * b))), 6);
      expect(ranked[2]?.score).toBeCloseTo(0.7 * 0.28 + 0.3 / Math.SQRT2, 6);
    }
  });

  it('fails, naming the hit, when a scoreless hit has no vector (Dify fails there too)', () => {
    const lost: DifyHybridQuery = { ...query, textHits: [{ id: 'nowhere', text: 'x' }] };
    expect(() => difyHybridRank(lost, opts({ rule: 'dify-current', arrival: 'text-first' }))).toThrow(/"nowhere"/);
  });
});

describe('createDifyHybridRanker', () => {
  it('ranks as difyHybridRank does, with the chosen keyword rule', () => {
    const rank = createDifyHybridRanker({
      rule: 'dify-current',
      arrival: 'text-first',
      keywordRule: 'dify-current',
      weights: W,
      topN: 2,
      docVector: (id) => vectors[id],
    });
    const ranked = rank({
      text: 'kernel memory',
      vector: q,
      vectorHits: [hit('d1', 0.9), hit('d2', 0.6), hit('d4', 0.8)],
      textHits: [hit('d3', 0.1), hit('d2', 0.05), hit('d1', 0.99)],
    });
    expect(ranked.map((r) => r.id)).toEqual(['d1', 'd4']);
  });
});
