import { describe, expect, it } from 'vitest';
import type { Results, SearchResult } from '../../src/bench/results/results-schema.js';
import { DEFAULT_THRESHOLDS, compareResults, renderComparison } from '../../src/report/compare.js';
import { latencyShift } from '../../src/report/latency-shift.js';
import { okStore, results } from './fixtures/results-fixture.js';

describe('latencyShift (one-sided Mann–Whitney U, normal approximation)', () => {
  it('matches the textbook value for fully separated samples', () => {
    // U = 25, mean 12.5, sigma = sqrt(25/12 × 11); z = 12/sigma; p = 0.0060929 (computed with erfc).
    const s = latencyShift([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(s.medianRatio).toBe(8 / 3);
    expect(s.pSlower).toBeCloseTo(0.0060929, 6);
    expect(s.pFaster).toBeGreaterThan(0.99);
  });

  it('corrects for ties', () => {
    const s = latencyShift([1, 1, 2, 2], [1, 2, 2, 3]);
    expect(s.pSlower).toBeCloseTo(0.2145977, 6);
  });
});

const withLatencies = (latenciesMs: number[], recall: number): SearchResult => ({
  status: 'ok',
  k: 4,
  queries: latenciesMs.length,
  warmupQueries: 0,
  latency: { count: latenciesMs.length, meanMs: 0, p50Ms: latenciesMs[Math.floor(latenciesMs.length / 2)] ?? 0, p95Ms: 0, p99Ms: 0, maxMs: 0, histogram: '' },
  latenciesMs,
  recall,
  emptyAnswers: 0,
});

function run(latenciesMs: number[], recall: number): Results {
  return {
    ...results,
    stores: [{ ...okStore, workloads: { vector: [withLatencies(latenciesMs, recall)] } }],
    config: { ...results.config, kValues: [4] },
  };
}

describe('compareResults', () => {
  const base = Array.from({ length: 100 }, (_, i) => 1 + (i % 10) / 100);

  it('flags a significant median rise beyond the threshold as a regression', () => {
    const rows = compareResults(run(base, 0.95), run(base.map((v) => v * 1.5), 0.95), DEFAULT_THRESHOLDS);
    expect(rows.map((r) => `${r.metric}:${r.verdict}`)).toEqual(['p50 ms:regression', 'recall:unchanged']);
  });

  it('does not flag noise: a 5% rise is within the threshold', () => {
    const rows = compareResults(run(base, 0.95), run(base.map((v) => v * 1.05), 0.95), DEFAULT_THRESHOLDS);
    expect(rows[0]?.verdict).toBe('unchanged');
  });

  it('does not flag a rise of a few samples that is not significant', () => {
    const current = [...base];
    current.sort((a, b) => a - b);
    for (let i = 45; i < 60; i++) current[i] = (current[i] ?? 1) * 1.3;
    const rows = compareResults(run(base, 0.95), run(current, 0.95), DEFAULT_THRESHOLDS);
    expect(rows[0]?.verdict).toBe('unchanged');
  });

  it('flags a quality drop beyond the tolerance and reports an improvement', () => {
    const rows = compareResults(run(base, 0.95), run(base.map((v) => v / 2), 0.9), DEFAULT_THRESHOLDS);
    expect(rows.map((r) => r.verdict)).toEqual(['improvement', 'regression']);
    expect(renderComparison(rows, DEFAULT_THRESHOLDS)).toContain('1 regression(s).');
  });

  it('refuses results of different datasets', () => {
    const other = run(base, 0.9);
    expect(() =>
      compareResults(run(base, 0.9), { ...other, dataset: { ...other.dataset, contentHash: 'ffffffffffffffff' } }, DEFAULT_THRESHOLDS),
    ).toThrow('not comparable');
  });
});
