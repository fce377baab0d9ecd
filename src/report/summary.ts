import { markdownTable } from 'markdown-table';
import type { Results, SearchResult, StoreResult } from '../bench/results/results-schema.js';
import { mib, ms, rate, ratio, withErrors } from './format.js';
import { storeLabel } from './store-label.js';

const DASH = '–';
const NOT_SUPPORTED = 'not supported';
const FAILED = 'failed';
/** Full text that only filters (every hit scores alike): an nDCG of its arbitrary order would mislead. */
export const UNRANKED = 'unranked';

type OkSearch = Extract<SearchResult, { status: 'ok' }>;

/** One summary row: the figures a reader compares first, already formatted. */
export interface SummaryRow {
  readonly store: string;
  readonly insertDocsPerSecond: string;
  readonly vectorP50P99: string;
  readonly recall10: string;
  readonly fullTextNdcg: string;
  readonly difyHybridNdcg: string;
  readonly bestQps: string;
  readonly idleMemory: string;
  readonly peakMemory: string;
  /** Undefined when no store of the run was measured by `bench memory`: the column is left out. */
  readonly leastMemory?: string;
}

/**
 * Whether a store's full text ranks its hits. Older results files have no `fullTextRanked`, and
 * their stores all ranked, so absence reads as ranked. Read loosely because the field is being
 * added to the schema; once it is there this still compiles and reads it.
 */
export function fullTextRanked(capabilities: StoreResult['capabilities']): boolean {
  return (capabilities as { readonly fullTextRanked?: unknown }).fullTextRanked !== false;
}

/** The summary rows, in the results file's store order. */
export function summaryRows(results: Results): SummaryRow[] {
  const k4 = results.config.kValues.indexOf(4);
  const k10 = results.config.kValues.indexOf(10);
  const withLeast = results.stores.some((s) => s.leastMemory);
  return results.stores.map((s) => {
    const search = (r: SearchResult | undefined, f: (ok: OkSearch) => string): string => outcome(s, r, (ok) => withErrors(f(ok), ok.errors));
    const vector = (index: number): SearchResult | undefined => (index < 0 ? undefined : s.workloads.vector?.[index]);
    const row: SummaryRow = {
      store: storeLabel(s),
      insertDocsPerSecond: outcome(s, s.workloads.insert, (r) => rate(r.docsPerSecond)),
      vectorP50P99: search(vector(k4), (r) => `${ms(r.latency.p50Ms)} / ${ms(r.latency.p99Ms)}`),
      recall10: search(vector(k10), (r) => optionalRatio(r.recall)),
      fullTextNdcg: search(s.workloads.fullText, (r) => (fullTextRanked(s.capabilities) ? optionalRatio(r.ndcg10) : UNRANKED)),
      difyHybridNdcg: search(s.workloads.difyHybrid, (r) => optionalRatio(r.ndcg10)),
      bestQps: outcome(s, s.workloads.concurrency, (r) => {
        const best = bestLevel(r.levels);
        return best ? withErrors(`${rate(best.qps)} @ ${best.clients}`, best.errors) : DASH;
      }),
      idleMemory: s.memory?.phases.idle ? mib(s.memory.phases.idle.meanBytes) : DASH,
      peakMemory: peakBytes(s) === undefined ? DASH : mib(peakBytes(s) as number),
    };
    return withLeast ? { ...row, leastMemory: leastMemoryCell(s) } : row;
  });
}

/** The level with the highest QPS; on a tie the fewer clients, so the choice never depends on order. */
export function bestLevel<T extends { readonly clients: number; readonly qps: number }>(levels: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const level of levels) {
    if (!best || level.qps > best.qps || (level.qps === best.qps && level.clients < best.clients)) best = level;
  }
  return best;
}

/** The highest memory sample of any phase. */
export function peakBytes(s: StoreResult): number | undefined {
  const peaks = Object.values(s.memory?.phases ?? {}).map((p) => p.maxBytes);
  return peaks.length ? Math.max(...peaks) : undefined;
}

/** "43 (40 failed)": the least limit that survived and the largest that did not, a bracket not a point. */
function leastMemoryCell(s: StoreResult): string {
  const m = s.leastMemory;
  if (!m) return s.status === 'failed' ? FAILED : DASH;
  if (m.leastBytes === undefined) return `none up to ${mib(m.maxBytes)}`;
  return m.failedBytes === undefined ? mib(m.leastBytes) : `${mib(m.leastBytes)} (${mib(m.failedBytes)} failed)`;
}

function outcome<T extends { readonly status: string }>(
  s: StoreResult,
  r: T | undefined,
  f: (ok: Extract<T, { status: 'ok' }>) => string,
): string {
  if (!r) return s.status === 'failed' ? FAILED : DASH;
  if (r.status === 'ok') return f(r as Extract<T, { status: 'ok' }>);
  return r.status === 'failed' ? FAILED : NOT_SUPPORTED;
}

function optionalRatio(v: number | undefined): string {
  return v === undefined ? DASH : ratio(v);
}

/** The summary as one markdown table, stores as rows. */
export function summaryTable(results: Results): string {
  const rows = summaryRows(results);
  const withLeast = rows.some((r) => r.leastMemory !== undefined);
  const header = [
    'store',
    'insert docs/s',
    'vector p50 / p99 ms (k=4)',
    'recall@10',
    'full-text nDCG@10',
    'Dify hybrid nDCG@10',
    'QPS @ clients',
    'idle MiB',
    'peak MiB',
    ...(withLeast ? ['least memory MiB'] : []),
  ];
  const body = rows.map((r) => [
    r.store,
    r.insertDocsPerSecond,
    r.vectorP50P99,
    r.recall10,
    r.fullTextNdcg,
    r.difyHybridNdcg,
    r.bestQps,
    r.idleMemory,
    r.peakMemory,
    ...(withLeast ? [r.leastMemory ?? DASH] : []),
  ]);
  return markdownTable([header, ...body], { align: ['l', ...header.slice(1).map(() => 'r' as const)] });
}
