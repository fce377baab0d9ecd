import { median } from 'simple-statistics';
import type { Results } from '../bench/results/results-schema.js';
import { storeKey } from './comparability.js';
import { passMedian, searchWorkloads } from './compare.js';
import { bestLevel } from './summary.js';

/** One entry of github-action-benchmark's `customSmallerIsBetter` / `customBiggerIsBetter` JSON. */
export interface BenchmarkEntry {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly range?: string;
  readonly extra?: string;
}

export interface BenchmarkExport {
  /** Latencies (ms): for `tool: customSmallerIsBetter`. */
  readonly smaller: BenchmarkEntry[];
  /** Throughput and quality: for `tool: customBiggerIsBetter`. */
  readonly bigger: BenchmarkEntry[];
}

/**
 * The figures of one side of a gate (one or more rounds of the same code) in the shape
 * github-action-benchmark ingests, so a project can chart them over commits. With several
 * rounds each value is the median over rounds and `range` is their min–max.
 */
export function benchmarkExport(rounds: readonly Results[]): BenchmarkExport {
  const first = rounds[0];
  if (!first) return { smaller: [], bigger: [] };
  const smaller: BenchmarkEntry[] = [];
  const bigger: BenchmarkEntry[] = [];
  const extra = `${first.dataset.name}, ${rounds.length} round(s)`;
  const add = (into: BenchmarkEntry[], name: string, unit: string, values: number[], digits: number): void => {
    if (values.length === 0) return;
    const round = (v: number): number => Number(v.toFixed(digits));
    const entry: BenchmarkEntry = { name, unit, value: round(median(values)), extra };
    into.push(values.length > 1 ? { ...entry, range: `${round(Math.min(...values))}–${round(Math.max(...values))}` } : entry);
  };
  for (const s of first.stores) {
    const key = storeKey(s);
    const stores = rounds.map((r) => r.stores.find((x) => storeKey(x) === key));
    for (const [workload, pick] of searchWorkloads(first)) {
      const passes = stores.map((x) => (x ? pick(x) : undefined)).filter((r) => r?.status === 'ok') as Array<
        Extract<NonNullable<ReturnType<typeof pick>>, { status: 'ok' }>
      >;
      if (passes.length !== rounds.length) continue;
      add(smaller, `${key} ${workload} p50`, 'ms', passes.map(passMedian), 4);
      add(smaller, `${key} ${workload} p99`, 'ms', passes.map((r) => r.latency.p99Ms), 4);
      const recall = passes.map((r) => r.recall);
      if (recall.every((v) => v !== undefined)) add(bigger, `${key} ${workload} recall@${passes[0]?.k}`, 'recall', recall as number[], 4);
      const ndcg = passes.map((r) => r.ndcg10);
      if (ndcg.every((v) => v !== undefined)) add(bigger, `${key} ${workload} nDCG@10`, 'nDCG', ndcg as number[], 4);
    }
    const inserts = stores.map((x) => x?.workloads.insert).flatMap((r) => (r?.status === 'ok' ? [r.docsPerSecond] : []));
    if (inserts.length === rounds.length) add(bigger, `${key} insert`, 'docs/s', inserts, 1);
    const qps = stores.flatMap((x) => {
      const c = x?.workloads.concurrency;
      const best = c?.status === 'ok' ? bestLevel(c.levels) : undefined;
      return best ? [best.qps] : [];
    });
    if (qps.length === rounds.length) add(bigger, `${key} best QPS`, 'queries/s', qps, 1);
  }
  return { smaller, bigger };
}
