import { markdownTable } from 'markdown-table';
import type { Results, SearchResult, StoreResult } from '../bench/results/results-schema.js';
import { latencyShift } from './latency-shift.js';
import { ms, ratio } from './format.js';

export interface CompareThresholds {
  /** A median latency rise beyond this fraction (and significant) is a regression. */
  readonly latency: number;
  /** Significance level of the Mann–Whitney test. */
  readonly alpha: number;
  /** A drop of recall or nDCG@10 beyond this (absolute) is a regression; quality is deterministic. */
  readonly quality: number;
}

export const DEFAULT_THRESHOLDS: CompareThresholds = { latency: 0.1, alpha: 0.01, quality: 0.01 };

export type Verdict = 'regression' | 'improvement' | 'unchanged';

export interface ComparisonRow {
  readonly store: string;
  readonly workload: string;
  readonly metric: string;
  readonly baseline: number;
  readonly current: number;
  readonly detail: string;
  readonly verdict: Verdict;
}

/**
 * Compares two results files of the same dataset, store by store and workload by workload:
 * latency by a significance test on every raw sample, quality by a fixed tolerance.
 */
export function compareResults(baseline: Results, current: Results, t: CompareThresholds): ComparisonRow[] {
  if (baseline.dataset.contentHash !== current.dataset.contentHash) {
    throw new Error(
      `not comparable: baseline measured dataset ${baseline.dataset.name} (${baseline.dataset.contentHash.slice(0, 12)}), ` +
        `current ${current.dataset.name} (${current.dataset.contentHash.slice(0, 12)})`,
    );
  }
  const rows: ComparisonRow[] = [];
  for (const now of current.stores) {
    const key = storeKey(now);
    const before = baseline.stores.find((s) => storeKey(s) === key);
    if (!before) continue;
    for (const [workload, pick] of searchWorkloads(current)) {
      const a = pick(before);
      const b = pick(now);
      if (a?.status !== 'ok' || b?.status !== 'ok') continue;
      rows.push(latencyRow(key, workload, a, b, t));
      for (const metric of ['recall', 'ndcg10'] as const) {
        const x = a[metric];
        const y = b[metric];
        if (x === undefined || y === undefined) continue;
        const verdict: Verdict = y < x - t.quality ? 'regression' : y > x + t.quality ? 'improvement' : 'unchanged';
        rows.push({ store: key, workload, metric, baseline: x, current: y, detail: `${signed(y - x, 3)}`, verdict });
      }
    }
  }
  return rows;
}

function latencyRow(
  store: string,
  workload: string,
  a: Extract<SearchResult, { status: 'ok' }>,
  b: Extract<SearchResult, { status: 'ok' }>,
  t: CompareThresholds,
): ComparisonRow {
  const shift = latencyShift(a.latenciesMs, b.latenciesMs);
  let verdict: Verdict = 'unchanged';
  if (shift.medianRatio > 1 + t.latency && shift.pSlower < t.alpha) verdict = 'regression';
  if (shift.medianRatio < 1 / (1 + t.latency) && shift.pFaster < t.alpha) verdict = 'improvement';
  const p = verdict === 'improvement' ? shift.pFaster : shift.pSlower;
  return {
    store,
    workload,
    metric: 'p50 ms',
    baseline: a.latency.p50Ms,
    current: b.latency.p50Ms,
    detail: `${signed((shift.medianRatio - 1) * 100, 1)}% (p=${p < 0.0001 ? '<0.0001' : p.toFixed(4)})`,
    verdict,
  };
}

function searchWorkloads(r: Results): Array<[string, (s: StoreResult) => SearchResult | undefined]> {
  return [
    ...r.config.kValues.map((k, i): [string, (s: StoreResult) => SearchResult | undefined] => [
      `vector k=${k}`,
      (s) => s.workloads.vector?.[i],
    ]),
    ['vector filtered', (s) => s.workloads.filteredVector],
    ['full text', (s) => s.workloads.fullText],
    ['dify hybrid', (s) => s.workloads.difyHybrid],
    ['native hybrid', (s) => s.workloads.nativeHybrid],
  ];
}

function storeKey(s: StoreResult): string {
  return `${s.store}${s.profile === 'dify' ? '' : `:${s.profile}`}`;
}

function signed(v: number, digits: number): string {
  return `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;
}

export function renderComparison(rows: readonly ComparisonRow[], t: CompareThresholds): string {
  const format = (r: ComparisonRow, v: number): string => (r.metric === 'p50 ms' ? ms(v) : ratio(v));
  const regressions = rows.filter((r) => r.verdict === 'regression').length;
  const table = markdownTable(
    [
      ['store', 'workload', 'metric', 'baseline', 'current', 'change', 'verdict'],
      ...rows.map((r) => [
        r.store,
        r.workload,
        r.metric,
        format(r, r.baseline),
        format(r, r.current),
        r.detail,
        r.verdict === 'regression' ? '**REGRESSION**' : r.verdict,
      ]),
    ],
    { align: ['l', 'l', 'l', 'r', 'r', 'r', 'l'] },
  );
  return (
    `${table}\n\n${regressions} regression(s). A latency regression is a median rise above ` +
    `${(t.latency * 100).toFixed(0)}% that a one-sided Mann–Whitney test finds significant at ` +
    `p < ${t.alpha}; a quality regression is a drop of more than ${t.quality} in recall or nDCG@10.\n`
  );
}
