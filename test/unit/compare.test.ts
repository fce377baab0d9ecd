import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results, SearchResult, StoreResult } from '../../src/bench/results/results-schema.js';
import { writeResults } from '../../src/bench/results/results-file.js';
import { DEFAULT_THRESHOLDS, compareRounds, renderComparison } from '../../src/report/compare.js';
import { comparabilityProblems, type NamedResults } from '../../src/report/comparability.js';
import { runCompare } from '../../src/report/compare-command.js';
import { roundShift } from '../../src/report/round-shift.js';
import { logGamma, studentTUpperTail } from '../../src/report/student-t.js';
import { benchmarkExport } from '../../src/report/benchmark-export.js';
import { okStore, results } from './fixtures/results-fixture.js';

describe('Student t upper tail', () => {
  it('matches the closed forms for 1 and 2 degrees of freedom', () => {
    // df = 1 is Cauchy: 1/2 − atan(t)/π; df = 2: 1/2 − t / (2 √(2 + t²)).
    expect(studentTUpperTail(1, 1)).toBeCloseTo(0.25, 12);
    expect(studentTUpperTail(2, 2)).toBeCloseTo(0.5 - 2 / (2 * Math.sqrt(6)), 12);
    expect(studentTUpperTail(-2, 2)).toBeCloseTo(0.5 + 2 / (2 * Math.sqrt(6)), 12);
    expect(studentTUpperTail(0, 5)).toBe(0.5);
  });

  it('matches table critical values', () => {
    expect(studentTUpperTail(3.746947, 4)).toBeCloseTo(0.01, 7);
    expect(studentTUpperTail(2.228139, 10)).toBeCloseTo(0.025, 7);
    expect(studentTUpperTail(Number.POSITIVE_INFINITY, 3)).toBe(0);
  });

  it('ln Γ at known points', () => {
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
  });
});

describe('roundShift: latency change judged across interleaved rounds', () => {
  it('a consistent 10% rise in every round is significant', () => {
    const s = roundShift([1, 1.2, 0.9], [1.1, 1.35, 0.99]);
    expect(s.logRatios).toEqual([Math.log(1.1), Math.log(1.35 / 1.2), Math.log(0.99 / 0.9)]);
    expect(s.change).toBeCloseTo(0.108270987, 8);
    expect(s.t).toBeCloseTo(13.7233735, 6);
    // df = 2 closed form at that t.
    expect(s.pSlower).toBeCloseTo(0.5 - (s.t as number) / (2 * Math.sqrt(2 + (s.t as number) ** 2)), 12);
    expect(s.pSlower).toBeCloseTo(0.00263394, 7);
  });

  it('one round that moved by 30% is not evidence: the rounds disagree', () => {
    const s = roundShift([1, 1, 1], [1.3, 0.95, 1.02]);
    expect(s.change).toBeCloseTo(0.07999657, 7);
    expect(s.t).toBeCloseTo(0.81052737, 7);
    expect(s.pSlower).toBeCloseTo(0.25137453, 7);
  });

  it('a single round has no spread to judge against', () => {
    const s = roundShift([2], [2.2]);
    expect(s.change).toBeCloseTo(0.1, 12);
    expect(s.t).toBeUndefined();
    expect(s.pSlower).toBeUndefined();
  });

  it('identical ratios in every round give an infinite t', () => {
    expect(roundShift([1, 2], [1.5, 3]).pSlower).toBe(0);
    expect(roundShift([1, 2], [1, 2]).pSlower).toBe(0.5);
  });
});

const pass = (latenciesMs: number[], recall: number): SearchResult => ({
  status: 'ok',
  k: 4,
  queries: latenciesMs.length,
  warmupQueries: 0,
  latency: { count: latenciesMs.length, meanMs: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0, histogram: '' },
  latenciesMs,
  recall,
  emptyAnswers: 0,
});

/** A run whose vector k=4 pass has median `m` (samples m·0.9, m, m·1.1). */
function run(m: number, recall = 0.95, store: Partial<StoreResult> = {}): Results {
  return {
    ...results,
    config: { ...results.config, kValues: [4] },
    stores: [{ ...okStore, ...store, workloads: { vector: [pass([m * 0.9, m, m * 1.1], recall)] } }],
  };
}

const named = (prefix: string, runs: Results[]): NamedResults[] => runs.map((r, i) => ({ file: `${prefix}-${i + 1}.json`, results: r }));

describe('compareRounds', () => {
  it('flags a consistent rise above the threshold, with change, p and rounds', () => {
    const rows = compareRounds(named('base', [run(1), run(1.2), run(0.9)]), named('head', [run(1.1), run(1.35), run(0.99)]), DEFAULT_THRESHOLDS);
    expect(rows.map((r) => [r.metric, r.verdict, r.detail])).toEqual([
      ['p50 ms', 'regression', '+10.8% (p=0.0026, 3 rounds)'],
      ['recall', 'unchanged', '+0.000'],
    ]);
    expect(rows[0]?.baseline).toBeCloseTo(Math.cbrt(1 * 1.2 * 0.9), 12);
    // The row carries the test's statistic and one-sided p (scripts/measure-gate.ts checks their calibration).
    expect(rows[0]?.t).toBeCloseTo(13.7233735, 6);
    expect(rows[0]?.pSlower).toBeCloseTo(0.00263394, 7);
  });

  it('does not flag a run-to-run shift that the other rounds do not repeat', () => {
    const rows = compareRounds(named('base', [run(1), run(1), run(1)]), named('head', [run(1.3), run(0.95), run(1.02)]), DEFAULT_THRESHOLDS);
    expect(rows[0]?.verdict).toBe('unchanged');
    expect(rows[0]?.detail).toBe('+8.0% (p=0.2514, 3 rounds)');
  });

  it('does not flag a significant change below the threshold', () => {
    const rows = compareRounds(named('base', [run(1), run(1)]), named('head', [run(1.04), run(1.04)]), DEFAULT_THRESHOLDS);
    expect(rows[0]?.verdict).toBe('unchanged');
  });

  it('leaves latency of a single round not judged, but still judges quality', () => {
    const rows = compareRounds(named('base', [run(1, 0.95)]), named('head', [run(2, 0.9)]), DEFAULT_THRESHOLDS);
    expect(rows.map((r) => r.verdict)).toEqual(['not judged', 'regression']);
    expect(renderComparison(rows, DEFAULT_THRESHOLDS)).toContain('\n\n1 regression(s).');
  });

  it('reports an improvement and a candidate that failed a workload', () => {
    const failed: Results = { ...run(1), stores: [{ ...okStore, workloads: { vector: [{ status: 'failed', error: 'timeout\nstack' }] } }] };
    const improved = compareRounds(named('base', [run(2), run(2.2)]), named('head', [run(1), run(1.1)]), DEFAULT_THRESHOLDS);
    expect(improved[0]?.verdict).toBe('improvement');
    const rows = compareRounds(named('base', [run(1), run(1)]), named('head', [run(1), failed]), DEFAULT_THRESHOLDS);
    expect(rows.map((r) => [r.verdict, r.detail])).toEqual([['regression', 'failed (timeout) in head-2.json']]);
  });
});

describe('compareRounds: errored queries', () => {
  /** run(m) whose vector pass had `errors` more queries that errored (not in its latencies). */
  const withErrors = (m: number, errors: number): Results => {
    const r = run(m);
    const store = r.stores[0] as StoreResult;
    const vector = store.workloads.vector?.[0] as Extract<SearchResult, { status: 'ok' }>;
    const erroredQueries = Array.from({ length: errors }, (_, i) => 3 + i);
    const sick = { ...vector, queries: vector.queries + errors, errors, erroredQueries, firstError: 'HTTP 500' };
    return { ...r, stores: [{ ...store, workloads: { vector: [sick] } }] };
  };

  it('more errors than any baseline round is a regression, even when the latency fell', () => {
    const rows = compareRounds(named('base', [run(1), run(1)]), named('head', [withErrors(0.5, 0), withErrors(0.5, 2)]), DEFAULT_THRESHOLDS);
    expect(rows.map((r) => [r.verdict, r.detail])).toEqual([
      ['regression', '2 of 5 queries errored (baseline at most 0): HTTP 500 in head-2.json'],
    ]);
  });

  it('as many errors as the baseline had is judged on latency and quality as usual', () => {
    const rows = compareRounds(named('base', [withErrors(1, 1), withErrors(1, 1)]), named('head', [withErrors(1, 1), withErrors(1, 1)]), DEFAULT_THRESHOLDS);
    expect(rows.map((r) => [r.metric, r.verdict])).toEqual([
      ['p50 ms', 'unchanged'],
      ['recall', 'unchanged'],
    ]);
  });
});

describe('alpha is the store\'s budget, split over its workloads (Bonferroni)', () => {
  // Per-round ratios e^0.05, e^0.15, e^0.09: change +10.1%, t = 3.3265, one-sided p = 0.0399 (df 2).
  const slower = [Math.exp(0.05), Math.exp(0.15), Math.exp(0.09)];
  const twoWorkloads = (m: number): Results => {
    const r = run(m);
    const store = r.stores[0] as StoreResult;
    return { ...r, stores: [{ ...store, workloads: { ...store.workloads, filteredVector: pass([m * 0.9, m, m * 1.1], 1) } }] };
  };

  it('one workload: p = 0.0399 < 0.05 is a regression', () => {
    const rows = compareRounds(named('base', [run(1), run(1), run(1)]), named('head', slower.map((m) => run(m))), DEFAULT_THRESHOLDS);
    expect(rows[0]?.verdict).toBe('regression');
    expect(rows[0]?.detail).toBe('+10.1% (p=0.0399, 3 rounds)');
  });

  it('two workloads: the same p is above 0.05 / 2, so neither is', () => {
    const rows = compareRounds(
      named('base', [1, 1, 1].map(twoWorkloads)),
      named('head', slower.map(twoWorkloads)),
      DEFAULT_THRESHOLDS,
    );
    expect(rows.filter((r) => r.metric === 'p50 ms').map((r) => [r.workload, r.verdict])).toEqual([
      ['vector k=4', 'unchanged'],
      ['vector filtered', 'unchanged'],
    ]);
  });
});

describe('comparabilityProblems', () => {
  it('names each difference on one line: dataset, workload setting, store version, rounds', () => {
    const other = run(1);
    const changed: Results = {
      ...other,
      dataset: { ...other.dataset, name: 'other', contentHash: 'ffffffffffffffff' },
      config: { ...other.config, kValues: [4, 10] },
      stores: [{ ...okStore, server: { ...(okStore.server as NonNullable<StoreResult['server']>), version: '16.1/0.8.1' } }],
    };
    expect(comparabilityProblems(named('base', [run(1), run(1)]), named('head', [changed]))).toEqual([
      'rounds: 2 baseline file(s) but 1 current file(s); round i pairs baseline i with current i',
      'dataset: base-1.json measured tiny (0123456789ab), head-1.json measured other (ffffffffffff)',
      'workload setting kValues: [4] in base-1.json, [4,10] in head-1.json',
      'store version pgvector: "15.18/0.8.0" in base-1.json, "16.1/0.8.1" in head-1.json',
    ]);
    expect(comparabilityProblems(named('base', [run(1)]), named('head', [run(2)]))).toEqual([]);
  });

  it("pooled and Dify's client path are not comparable; a file from before the mode counts as pooled", () => {
    const withMode = (clientMode: 'pooled' | 'dify' | undefined): Results => {
      const r = run(1);
      const { clientMode: _ignored, ...config } = r.config;
      return { ...r, config: clientMode === undefined ? config : { ...config, clientMode } };
    };
    expect(comparabilityProblems(named('base', [withMode(undefined)]), named('head', [withMode('dify')]))).toEqual([
      'workload setting clientMode: "pooled" in base-1.json, "dify" in head-1.json',
    ]);
    expect(comparabilityProblems(named('base', [withMode(undefined)]), named('head', [withMode('pooled')]))).toEqual([]);
  });
});

describe('benchmarkExport (github-action-benchmark custom JSON)', () => {
  it('medians over rounds with their range, latency smaller-is-better, quality and throughput bigger-is-better', () => {
    const e = benchmarkExport([run(1, 0.9), run(1.5, 0.95), run(1.2, 0.92)].map((r) => ({ ...r, stores: [{ ...okStore, workloads: { ...okStore.workloads, vector: r.stores[0]?.workloads.vector } }] })));
    expect(e.smaller.slice(0, 2)).toEqual([
      { name: 'pgvector vector k=4 p50', unit: 'ms', value: 1.2, range: '1–1.5', extra: 'tiny, 3 round(s)' },
      { name: 'pgvector vector k=4 p99', unit: 'ms', value: 0, range: '0–0', extra: 'tiny, 3 round(s)' },
    ]);
    expect(e.bigger.map((b) => [b.name, b.unit, b.value])).toEqual([
      ['pgvector vector k=4 recall@4', 'recall', 0.92],
      ['pgvector vector filtered recall@10', 'recall', 1],
      ['pgvector vector filtered nDCG@10', 'nDCG', 0.5],
      ['pgvector full text nDCG@10', 'nDCG', 0.5],
      ['pgvector dify hybrid nDCG@10', 'nDCG', 0.5],
      ['pgvector insert', 'docs/s', 1500],
      ['pgvector best QPS', 'queries/s', 500],
    ]);
  });
});

describe('runCompare exit codes', () => {
  let dir: string;
  const file = (name: string): string => join(dir, name);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vdb-bench-compare-'));
    await writeResults(file('b1.json'), run(1));
    await writeResults(file('b2.json'), run(1.2));
    await writeResults(file('h1.json'), run(1.01));
    await writeResults(file('h2.json'), run(1.19));
    await writeResults(file('s1.json'), run(1.2));
    await writeResults(file('s2.json'), run(1.45));
    await writeResults(file('x.json'), { ...run(1), dataset: { ...run(1).dataset, contentHash: 'ffffffffffffffff' } });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const compare = (b: string[], c: string[], extra = {}) =>
    runCompare({ baselineFiles: b.map(file), currentFiles: c.map(file), thresholds: DEFAULT_THRESHOLDS, ...extra });

  it('0 when nothing regressed, 1 on a regression, 2 when not comparable', async () => {
    expect((await compare(['b1.json', 'b2.json'], ['h1.json', 'h2.json'])).exitCode).toBe(0);
    const slower = await compare(['b1.json', 'b2.json'], ['s1.json', 's2.json']);
    expect(slower.exitCode).toBe(1);
    expect(slower.markdown).toContain('**REGRESSION**');
    const other = await compare(['b1.json'], ['x.json']);
    expect(other.exitCode).toBe(2);
    expect(other.markdown).toContain(`- not comparable: dataset: ${file('b1.json')} measured tiny (0123456789ab), ${file('x.json')} measured tiny (ffffffffffff)\n`);
  });

  it('writes the current side for github-action-benchmark', async () => {
    await compare(['b1.json'], ['h1.json'], { smallerIsBetterFile: file('small.json'), biggerIsBetterFile: file('big.json') });
    const small = JSON.parse(await readFile(file('small.json'), 'utf8')) as Array<{ name: string; value: number }>;
    expect(small[0]).toEqual({ name: 'pgvector vector k=4 p50', unit: 'ms', value: 1.01, extra: 'tiny, 1 round(s)' });
    const big = JSON.parse(await readFile(file('big.json'), 'utf8')) as Array<{ name: string }>;
    expect(big.map((b) => b.name)).toEqual(['pgvector vector k=4 recall@4']);
  });
});
