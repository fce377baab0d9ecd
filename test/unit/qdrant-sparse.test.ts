import { describe, expect, it } from 'vitest';
import {
  documentSparseVector,
  querySparseVector,
  sparseTerms,
  termIndex,
} from '../../src/adapters/qdrant/qdrant-sparse.js';

describe('qdrant sparse vectors (BM25-style, harness side)', () => {
  it('hashes terms with 32-bit FNV-1a (the published test vectors)', () => {
    expect(termIndex('')).toBe(0x811c9dc5);
    expect(termIndex('a')).toBe(0xe40c292c);
    expect(termIndex('foobar')).toBe(0xbf9cf968);
  });

  it('segments words (Chinese by dictionary), lowercases, drops stopwords and punctuation', () => {
    expect(sparseTerms('The Linux kernel, DMA-BUF and 香蕉')).toEqual(['linux', 'kernel', 'dma', 'buf', '香蕉']);
    expect(sparseTerms('  ... !!! ')).toEqual([]);
  });

  it('weighs document terms by BM25 term frequency (k1 1.2, b 0.75, avgLen 256)', () => {
    // 3 terms: norm = 1.2 · (0.25 + 0.75 · 3/256) = 0.310546875
    const v = documentSparseVector('Apple apple pie');
    const apple = termIndex('apple');
    const pie = termIndex('pie');
    const weight = (i: number): number | undefined => v.values[v.indices.indexOf(i)];
    expect(v.indices).toEqual([apple, pie].sort((a, b) => a - b));
    expect(weight(apple)).toBeCloseTo((2 * 2.2) / (2 + 0.310546875), 12);
    expect(weight(pie)).toBeCloseTo(2.2 / (1 + 0.310546875), 12);
  });

  it('gives each distinct query term weight 1, indices ascending', () => {
    const v = querySparseVector('pie apple Apple');
    expect(v.indices).toEqual([termIndex('apple'), termIndex('pie')].sort((a, b) => a - b));
    expect(v.values).toEqual([1, 1]);
    expect(querySparseVector('the of and')).toEqual({ indices: [], values: [] });
  });
});
