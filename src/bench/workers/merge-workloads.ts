import { LatencyRecorder } from '../metrics/latency-recorder.js';
import { mergeLatency } from '../metrics/merge-latency.js';
import type { ConcurrencyResult, SearchResult } from '../results/results-schema.js';
import { inShard, type Shard } from './shards.js';

type OkSearch = Extract<SearchResult, { status: 'ok' }>;
type OkConcurrency = Extract<ConcurrencyResult, { status: 'ok' }>;
type Level = OkConcurrency['levels'][number];

/** What the merge needs to know of the workload beyond its parts. */
export interface SearchMergePlan {
  /** The workload's queries as one process sends them (dataset query indices, in order). */
  readonly queryIndices: readonly number[];
  /** Whether a query has relevance judgements (it counts in nDCG and MRR). */
  readonly judged: (queryIndex: number) => boolean;
}

/**
 * One search result from the parts that client processes 0..N-1 returned (part i ran the queries
 * of shard i/N). Latency from the added histograms; `latenciesMs` back in the one-process query
 * order; recall, nDCG and MRR as means over every query (each part's mean weighted by the queries
 * it counted over); one `workers` entry per part. A failed part fails the whole.
 */
export function mergeSearchParts(parts: readonly SearchResult[], plan: SearchMergePlan): SearchResult {
  const failed = parts.findIndex((p) => p.status === 'failed');
  if (failed >= 0) {
    const part = parts[failed] as Extract<SearchResult, { status: 'failed' }>;
    return { status: 'failed', error: `worker ${failed}: ${part.error}` };
  }
  const first = parts[0];
  if (!first) throw new Error('mergeSearchParts: no parts');
  if (first.status === 'unsupported') return first;
  const ok = parts as readonly OkSearch[];
  const head = ok[0] as OkSearch;
  const count = ok.length;
  const positions = ok.map((_, index) => positionsOf(plan.queryIndices, { index, count }));
  ok.forEach((p, w) => {
    if (p.queries !== positions[w]?.length) {
      throw new Error(`worker ${w} answered ${p.queries} queries, its share is ${positions[w]?.length}`);
    }
  });
  const latenciesMs = new Array<number>(plan.queryIndices.length).fill(0);
  ok.forEach((p, w) => p.latenciesMs.forEach((ms, j) => (latenciesMs[positions[w]?.[j] ?? 0] = ms)));
  const judgedCounts = positions.map((pos) => pos.filter((i) => plan.judged(plan.queryIndices[i] ?? -1)).length);
  const queries = ok.reduce((n, p) => n + p.queries, 0);
  const recall = weightedMean(ok.map((p) => [p.recall, p.queries]));
  const ndcg10 = weightedMean(ok.map((p, w) => [p.ndcg10, judgedCounts[w] ?? 0]));
  const mrr10 = weightedMean(ok.map((p, w) => [p.mrr10, judgedCounts[w] ?? 0]));
  return {
    status: 'ok',
    k: head.k,
    queries,
    warmupQueries: ok.reduce((n, p) => n + p.warmupQueries, 0),
    latency: mergeLatency(ok.map((p) => p.latency)),
    latenciesMs,
    ...(recall !== undefined ? { recall } : {}),
    ...(ndcg10 !== undefined ? { ndcg10 } : {}),
    ...(mrr10 !== undefined ? { mrr10 } : {}),
    emptyAnswers: ok.reduce((n, p) => n + p.emptyAnswers, 0),
    workers: ok.map((p, worker) => {
      const seconds = p.latenciesMs.reduce((s, ms) => s + ms, 0) / 1000;
      return { worker, queries: p.queries, seconds, qps: seconds > 0 ? p.queries / seconds : 0 };
    }),
  };
}

/**
 * One closed-loop result from the parts of N client processes, level by level: the clients and
 * requests of every process added, the level's wall time the longest process's, QPS = every
 * answered request / that time, latency from the added histograms.
 */
export function mergeConcurrencyParts(parts: readonly ConcurrencyResult[]): ConcurrencyResult {
  const failed = parts.findIndex((p) => p.status === 'failed');
  if (failed >= 0) {
    const part = parts[failed] as Extract<ConcurrencyResult, { status: 'failed' }>;
    return { status: 'failed', error: `worker ${failed}: ${part.error}` };
  }
  const first = parts[0];
  if (!first) throw new Error('mergeConcurrencyParts: no parts');
  if (first.status === 'unsupported') return first;
  const ok = parts as readonly OkConcurrency[];
  const head = ok[0] as OkConcurrency;
  const levels = head.levels.map((_, li): Level => {
    const at = ok.map((p, worker) => {
      const level = p.levels[li];
      if (!level) throw new Error(`worker ${worker} has no concurrency level ${li}`);
      return level;
    });
    const requests = at.reduce((n, l) => n + l.requests, 0);
    const ran = at.filter((l) => l.clients > 0);
    const seconds = Math.max(0, ...ran.map((l) => l.seconds));
    return {
      clients: at.reduce((n, l) => n + l.clients, 0),
      seconds,
      requests,
      errors: at.reduce((n, l) => n + l.errors, 0),
      qps: seconds > 0 ? requests / seconds : 0,
      latency: mergeLatency(at.map((l) => l.latency)),
      workers: at.map((l, worker) => ({
        worker,
        clients: l.clients,
        seconds: l.seconds,
        requests: l.requests,
        errors: l.errors,
        qps: l.qps,
      })),
    };
  });
  return { status: 'ok', k: head.k, levels };
}

/** A level a process had no client for: nothing sent, nothing recorded. */
export function idleLevel(seconds: number): Level {
  return { clients: 0, seconds, requests: 0, errors: 0, qps: 0, latency: new LatencyRecorder().summary() };
}

/** For each query shard `shard` timed, in its order, its position in the one-process order. */
function positionsOf(queryIndices: readonly number[], shard: Shard): number[] {
  return queryIndices.flatMap((qi, position) => (inShard(qi, shard) ? [position] : []));
}

/** Σ value × weight / Σ weight over the parts that have a value; undefined when none has. */
function weightedMean(parts: ReadonlyArray<readonly [number | undefined, number]>): number | undefined {
  const present = parts.filter((p): p is readonly [number, number] => p[0] !== undefined && p[1] > 0);
  if (present.length === 0) return undefined;
  const weight = present.reduce((n, [, w]) => n + w, 0);
  return present.reduce((s, [v, w]) => s + v * w, 0) / weight;
}
