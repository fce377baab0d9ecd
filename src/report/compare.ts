import { markdownTable } from 'markdown-table';
import { median } from 'simple-statistics';
import type { Results, SearchResult, StoreResult } from '../bench/results/results-schema.js';
import { storeKey, type NamedResults } from './comparability.js';
import { ms, ratio } from './format.js';
import { roundShift } from './round-shift.js';

export interface CompareThresholds {
  /** A latency rise beyond this fraction (and significant across rounds) is a regression. */
  readonly latency: number;
  /** Significance level of the one-sided t test across rounds. */
  readonly alpha: number;
  /** A drop of mean recall or nDCG@10 beyond this (absolute) is a regression. */
  readonly quality: number;
}

/**
 * Defaults chosen for catching a 10% slowdown: a 5% floor keeps a real but small shift (or the
 * residue of noise) from failing a pull request, and alpha 0.05 with 2+ degrees of freedom asks
 * the rounds to agree. README "CI regression gate" has the measured error rates.
 */
export const DEFAULT_THRESHOLDS: CompareThresholds = { latency: 0.05, alpha: 0.05, quality: 0.01 };

export type Verdict = 'regression' | 'improvement' | 'unchanged' | 'not judged';

export interface ComparisonRow {
  readonly store: string;
  readonly workload: string;
  readonly metric: 'p50 ms' | 'recall' | 'nDCG@10';
  /** Latency: geometric mean of the per-round medians; quality: mean over rounds. */
  readonly baseline: number;
  readonly current: number;
  readonly detail: string;
  readonly verdict: Verdict;
  /** Latency judged across rounds: the one-sided p that current is slower, before Bonferroni. */
  readonly pSlower?: number;
  /** Its t statistic (rounds − 1 degrees of freedom): how far the mean log ratio is from 0 in standard errors. */
  readonly t?: number;
}

type Ok = Extract<SearchResult, { status: 'ok' }>;
type Pick = (s: StoreResult) => SearchResult | undefined;

/**
 * Compares interleaved rounds store by store and workload by workload. Round i is baseline[i]
 * and current[i], run back to back; callers check comparability first (comparabilityProblems).
 * Latency is judged across rounds (roundShift), at alpha split over the store's workloads;
 * quality by a fixed tolerance on the mean, since it barely moves between runs of the same server.
 */
export function compareRounds(
  baseline: readonly NamedResults[],
  current: readonly NamedResults[],
  t: CompareThresholds,
): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  const reference = (current[0] as NamedResults).results;
  const keys = reference.stores.map(storeKey).filter((key) => baseline[0]?.results.stores.some((s) => storeKey(s) === key));
  for (const key of keys) {
    const judged: Array<{ workload: string; before: Ok[]; after: Ok[] }> = [];
    for (const [workload, pick] of searchWorkloads(reference)) {
      const before = baseline.map((b) => pickIn(b.results, key, pick));
      const after = current.map((c) => pickIn(c.results, key, pick));
      // A workload the store does not support (on both sides) has nothing to compare.
      if (before.every((r) => r?.status === 'unsupported') && after.every((r) => r?.status === 'unsupported')) continue;
      if (before.every((r) => r === undefined) && after.every((r) => r === undefined)) continue;
      const failedRound = after.findIndex((r) => r?.status !== 'ok');
      if (failedRound >= 0 && before.every((r) => r?.status === 'ok')) {
        rows.push(failedRow(key, workload, `${describe(after[failedRound])} in ${current[failedRound]?.file}`));
        continue;
      }
      if (!before.every(isOk) || !after.every(isOk)) {
        rows.push({ store: key, workload, metric: 'p50 ms', baseline: Number.NaN, current: Number.NaN, detail: 'not ok in every baseline round', verdict: 'not judged' });
        continue;
      }
      // Errors are never in a latency, so a faster p50 could be a store that errored: more
      // errored queries than any baseline round had is a regression whatever the latency says.
      const baselineErrors = Math.max(...(before as Ok[]).map((r) => r.errors ?? 0));
      const erroredRound = (after as Ok[]).findIndex((r) => (r.errors ?? 0) > baselineErrors);
      if (erroredRound >= 0) {
        const r = after[erroredRound] as Ok;
        rows.push(failedRow(key, workload, `${r.errors} of ${r.queries} queries errored (baseline at most ${baselineErrors}): ${r.firstError ?? ''} in ${current[erroredRound]?.file}`));
        continue;
      }
      judged.push({ workload, before: before as Ok[], after: after as Ok[] });
    }
    // Bonferroni over the store's latency tests: a store passes when none of its workloads
    // regressed, so alpha is the store's false-alarm budget, not each workload's.
    const alpha = t.alpha / Math.max(1, judged.length);
    for (const { workload, before, after } of judged) {
      rows.push(latencyRow(key, workload, before, after, t.latency, alpha));
      for (const [metric, field] of [['recall', 'recall'], ['nDCG@10', 'ndcg10']] as const) {
        const x = before.map((r) => r[field]);
        const y = after.map((r) => r[field]);
        if (x.some((v) => v === undefined) || y.some((v) => v === undefined)) continue;
        const a = mean(x as number[]);
        const b = mean(y as number[]);
        const verdict: Verdict = b < a - t.quality ? 'regression' : b > a + t.quality ? 'improvement' : 'unchanged';
        rows.push({ store: key, workload, metric, baseline: a, current: b, detail: signed(b - a, 3), verdict });
      }
    }
  }
  return rows;
}

/** The median latency of one timed pass: from every raw sample when the file has them. */
export function passMedian(r: Ok): number {
  return r.latenciesMs.length > 0 ? median([...r.latenciesMs]) : r.latency.p50Ms;
}

function latencyRow(store: string, workload: string, before: readonly Ok[], after: readonly Ok[], threshold: number, alpha: number): ComparisonRow {
  const a = before.map(passMedian);
  const b = after.map(passMedian);
  const shift = roundShift(a, b);
  const base = { store, workload, metric: 'p50 ms' as const, baseline: geometricMean(a), current: geometricMean(b) };
  const change = `${signed(shift.change * 100, 1)}%`;
  if (shift.pSlower === undefined || shift.pFaster === undefined) {
    return { ...base, detail: `${change} (1 round: run at least 2 interleaved rounds to judge latency)`, verdict: 'not judged' };
  }
  let verdict: Verdict = 'unchanged';
  if (shift.change > threshold && shift.pSlower < alpha) verdict = 'regression';
  if (shift.change < 1 / (1 + threshold) - 1 && shift.pFaster < alpha) verdict = 'improvement';
  const p = verdict === 'improvement' ? shift.pFaster : shift.pSlower;
  return { ...base, detail: `${change} (p=${formatP(p)}, ${a.length} rounds)`, verdict, pSlower: shift.pSlower, ...(shift.t !== undefined ? { t: shift.t } : {}) };
}

function failedRow(store: string, workload: string, detail: string): ComparisonRow {
  return { store, workload, metric: 'p50 ms', baseline: Number.NaN, current: Number.NaN, detail, verdict: 'regression' };
}

function describe(r: SearchResult | undefined): string {
  if (!r) return 'missing';
  if (r.status === 'failed') return `failed (${r.error.split('\n')[0]})`;
  return r.status === 'unsupported' ? 'unsupported' : 'ok';
}

function isOk(r: SearchResult | undefined): r is Ok {
  return r?.status === 'ok';
}

function pickIn(results: Results, key: string, pick: Pick): SearchResult | undefined {
  const s = results.stores.find((x) => storeKey(x) === key);
  return s ? pick(s) : undefined;
}

export function searchWorkloads(r: Results): Array<[string, Pick]> {
  return [
    ...r.config.kValues.map((k, i): [string, Pick] => [`vector k=${k}`, (s) => s.workloads.vector?.[i]]),
    ['vector filtered', (s) => s.workloads.filteredVector],
    ['full text', (s) => s.workloads.fullText],
    ['dify hybrid', (s) => s.workloads.difyHybrid],
    ['native hybrid', (s) => s.workloads.nativeHybrid],
  ];
}

function mean(values: readonly number[]): number {
  return values.reduce((a, v) => a + v, 0) / values.length;
}

function geometricMean(values: readonly number[]): number {
  return Math.exp(mean(values.map(Math.log)));
}

function formatP(p: number): string {
  return p < 0.0001 ? '<0.0001' : p.toFixed(4);
}

function signed(v: number, digits: number): string {
  return `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;
}

export function renderComparison(rows: readonly ComparisonRow[], t: CompareThresholds, notes: readonly string[] = []): string {
  const format = (r: ComparisonRow, v: number): string => (Number.isNaN(v) ? '–' : r.metric === 'p50 ms' ? ms(v) : ratio(v));
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
  const noteLines = notes.map((n) => `- ${n}\n`).join('');
  return (
    `${table}\n\n${regressions} regression(s). Latency: per-round medians, round i being baseline i and current i run ` +
    `back to back; a regression is a change (geometric mean of the per-round ratios) above ` +
    `${(t.latency * 100).toFixed(0)}% that a one-sided t test across rounds finds significant at p < ${t.alpha} ` +
    `divided by the number of the store's workloads compared (Bonferroni). ` +
    `Quality: a drop of the mean recall or nDCG@10 by more than ${t.quality}.\n` +
    (noteLines ? `\n${noteLines}` : '')
  );
}
