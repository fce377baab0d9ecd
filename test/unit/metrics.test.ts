import { describe, expect, it } from 'vitest';
import { LatencyRecorder, mergeHistograms } from '../../src/bench/metrics/latency-recorder.js';
import { recallAtK } from '../../src/bench/metrics/recall.js';
import { mean, ndcgAtK, reciprocalRankAtK } from '../../src/bench/metrics/ranking.js';

describe('LatencyRecorder', () => {
  // Values below 2048 µs are stored exactly at 3 significant digits, so percentiles are exact.
  it('takes percentiles from every sample', () => {
    const r = new LatencyRecorder();
    for (let us = 100; us >= 1; us--) r.recordMs(us / 1000);
    const s = r.summary();
    expect(s.count).toBe(100);
    expect(s.p50Ms).toBe(0.05);
    expect(s.p95Ms).toBe(0.095);
    expect(s.p99Ms).toBe(0.099);
    expect(s.maxMs).toBe(0.1);
    expect(s.meanMs).toBeCloseTo(0.0505, 10);
    expect(r.rawMs()).toHaveLength(100);
    expect(r.rawMs()[0]).toBe(0.1);
  });

  it('merges histograms without averaging percentiles', () => {
    const fast = new LatencyRecorder();
    const slow = new LatencyRecorder();
    for (let i = 0; i < 90; i++) fast.recordMs(0.001);
    for (let i = 0; i < 10; i++) slow.recordMs(1);
    const merged = mergeHistograms([fast.summary().histogram, slow.summary().histogram]);
    expect(merged.count).toBe(100);
    expect(merged.p50Ms).toBe(0.001);
    expect(merged.p95Ms).toBe(1);
    expect(merged.maxMs).toBe(1);
  });
});

describe('recallAtK', () => {
  it('counts the exact top-k found in the first k answers', () => {
    expect(recallAtK(['a', 'b', 'c', 'd'], ['a', 'c', 'e', 'f'], 4)).toBe(0.5);
    expect(recallAtK(['x', 'a'], ['a', 'b'], 1)).toBe(0);
    expect(recallAtK(['b', 'a'], ['a', 'b'], 2)).toBe(1);
  });

  it('divides by the candidates that exist when a filter leaves fewer than k', () => {
    expect(recallAtK(['a', 'b'], ['a', 'b'], 10)).toBe(1);
    expect(recallAtK([], [], 4)).toBe(1);
  });
});

describe('ranking metrics', () => {
  const judgements = new Map([
    ['a', 2],
    ['b', 1],
  ]);

  it('nDCG@k uses gain 2^rel − 1 and a log2 discount', () => {
    expect(ndcgAtK(['a', 'b'], judgements, 10)).toBe(1);
    // DCG = 1/log2(2) + 3/log2(3); IDCG = 3 + 1/log2(3)
    const expected = (1 + 3 / Math.log2(3)) / (3 + 1 / Math.log2(3));
    expect(ndcgAtK(['b', 'a'], judgements, 10)).toBeCloseTo(expected, 12);
    expect(ndcgAtK(['x', 'y'], judgements, 10)).toBe(0);
    expect(ndcgAtK(['a'], new Map(), 10)).toBe(0);
  });

  it('MRR@k is the reciprocal rank of the first relevant answer', () => {
    expect(reciprocalRankAtK(['x', 'y', 'b'], judgements, 10)).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRankAtK(['x', 'y', 'b'], judgements, 2)).toBe(0);
    expect(mean([1, 0.5, 0])).toBe(0.5);
  });
});
