import { describe, expect, it } from 'vitest';
import { difyWeightedRerank, tfidfCosines } from '../../src/bench/hybrid/dify-weighted-rerank.js';
import { jiebaKeywords, type KeywordExtractor } from '../../src/bench/hybrid/keyword-extractor.js';

const words: KeywordExtractor = (text) => new Set(text.split(' ').filter(Boolean));

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

describe('difyWeightedRerank', () => {
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
      { vector: 0.7, keyword: 0.3 },
      2,
    );
    // idf over 3 unique docs: kernel df=2 → ln(4/3)+1; modules, memory, pages df=1 → ln(2)+1.
    const wk = Math.log(4 / 3) + 1;
    const wm = Math.log(2) + 1;
    const v2Keyword = wk / Math.sqrt(wk ** 2 + wm ** 2);
    // v1 = 0.7 × 0.9 = 0.63; t1 = 0.7 × 0.4 + 0.3 × 1 = 0.58; v2 = 0.35 + 0.3 × v2Keyword ≈ 0.53.
    expect(ranked.map((r) => r.id)).toEqual(['v1', 't1']);
    expect(ranked[0]?.score).toBeCloseTo(0.7 * 0.9, 12);
    expect(ranked[1]?.score).toBeCloseTo(0.7 * 0.4 + 0.3 * 1, 12);
    expect(ranked[1]?.keywordScore).toBe(1);
    expect(0.7 * 0.5 + 0.3 * v2Keyword).toBeLessThan(0.58);
  });

  it('extracts jieba TF-IDF keywords, stop words and punctuation dropped', () => {
    // jieba cuts "slab_allocator" at the underscore, as Python's jieba does.
    expect([...jiebaKeywords('slab_allocator of the memory manager')].sort()).toEqual([
      'allocator',
      'manager',
      'memory',
      'slab',
    ]);
  });
});
