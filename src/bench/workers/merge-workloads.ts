import { LatencyRecorder } from '../metrics/latency-recorder.js';
import { mergeLatency } from '../metrics/merge-latency.js';
import type { ClientCpu } from '../metrics/client-cpu.js';
import type { ConcurrencyResult, SearchResult } from '../results/results-schema.js';

type OkSearch = Extract<SearchResult, { status: 'ok' }>;
type OkConcurrency = Extract<ConcurrencyResult, { status: 'ok' }>;
type Level = OkConcurrency['levels'][number];

/** One client process's answer to a search workload, with what it timed. */
export interface SearchPart {
  readonly result: SearchResult;
  /** Dataset query indices of its timed queries, in the order it sent them. */
  readonly queryIndices: readonly number[];
  /** How many of them have relevance judgements (nDCG and MRR are means over those). */
  readonly judged: number;
}

/**
 * One search result from the parts that client processes 0..N-1 returned. Latency from the added
 * histograms; `latenciesMs` back in the one-process order (ascending query index, as every search
 * workload sends them); recall, nDCG and MRR as means over every query (each part's mean weighted
 * by the queries it was taken over); one `workers` entry per part. A failed part fails the whole.
 */
export function mergeSearchParts(all: readonly SearchPart[]): SearchResult {
  const failed = all.findIndex((p) => p.result.status === 'failed');
  if (failed >= 0) {
    const part = all[failed]?.result as Extract<SearchResult, { status: 'failed' }>;
    return { status: 'failed', error: `worker ${failed}: ${part.error}` };
  }
  // A worker whose share held none of the workload's queries (no filtered query fell to it)
  // answers "unsupported" for lack of queries; it only counts if every worker says so.
  const indexed = all.map((part, worker) => ({ part, worker }));
  const taking = indexed.filter(({ part }) => part.result.status === 'ok' || part.queryIndices.length > 0);
  const first = (taking[0] ?? indexed[0])?.part.result;
  if (!first) throw new Error('mergeSearchParts: no parts');
  if (first.status === 'unsupported') return first;
  if (taking.some(({ part }) => part.result.status !== 'ok')) {
    const odd = taking.find(({ part }) => part.result.status !== 'ok');
    throw new Error(`worker ${odd?.worker}: ${odd?.part.result.status} while others answered`);
  }
  const parts = taking.map(({ part }) => part);
  const ok = parts.map((p) => p.result as OkSearch);
  const head = ok[0] as OkSearch;
  ok.forEach((r, w) => {
    const share = parts[w]?.queryIndices.length;
    if (r.queries !== share) throw new Error(`worker ${w} answered ${r.queries} queries, its share is ${share}`);
  });
  const timed = parts.flatMap((p) => p.queryIndices);
  if (new Set(timed).size !== timed.length) throw new Error('mergeSearchParts: two workers timed the same query');
  // latenciesMs holds the queries that answered; a query the store answered with an error has none.
  const answeredOf = (w: number): number[] => {
    const errored = new Set(ok[w]?.erroredQueries ?? []);
    return (parts[w]?.queryIndices ?? []).filter((qi) => !errored.has(qi));
  };
  const answered = ok.map((_, w) => answeredOf(w));
  const order = answered.flat().sort((a, b) => a - b);
  const position = new Map(order.map((qi, i) => [qi, i]));
  const latenciesMs = new Array<number>(order.length).fill(0);
  ok.forEach((r, w) => r.latenciesMs.forEach((ms, j) => (latenciesMs[position.get(answered[w]?.[j] ?? -1) ?? 0] = ms)));
  const erroredQueries = ok.flatMap((r) => r.erroredQueries ?? []).sort((a, b) => a - b);
  const firstError = ok.find((r) => r.firstError !== undefined)?.firstError;
  const recall = weightedMean(ok.map((r) => [r.recall, r.queries]));
  const ndcg10 = weightedMean(ok.map((r, w) => [r.ndcg10, parts[w]?.judged ?? 0]));
  const mrr10 = weightedMean(ok.map((r, w) => [r.mrr10, parts[w]?.judged ?? 0]));
  return {
    status: 'ok',
    k: head.k,
    queries: timed.length,
    warmupQueries: ok.reduce((n, r) => n + r.warmupQueries, 0),
    latency: mergeLatency(ok.map((r) => r.latency)),
    latenciesMs,
    ...(recall !== undefined ? { recall } : {}),
    ...(ndcg10 !== undefined ? { ndcg10 } : {}),
    ...(mrr10 !== undefined ? { mrr10 } : {}),
    emptyAnswers: ok.reduce((n, r) => n + r.emptyAnswers, 0),
    ...(erroredQueries.length > 0 ? { errors: erroredQueries.length, erroredQueries } : {}),
    ...(firstError !== undefined ? { firstError } : {}),
    ...cpuOf(ok.map((r) => r.clientCpu), timed.length),
    workers: ok.map((r, i) => {
      const seconds = r.latenciesMs.reduce((s, ms) => s + ms, 0) / 1000;
      return { worker: taking[i]?.worker ?? i, queries: r.queries, seconds, qps: seconds > 0 ? r.queries / seconds : 0 };
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
    const firstError = at.find((l) => l.firstError !== undefined)?.firstError;
    return {
      clients: at.reduce((n, l) => n + l.clients, 0),
      seconds,
      requests,
      errors: at.reduce((n, l) => n + l.errors, 0),
      ...(firstError !== undefined ? { firstError } : {}),
      qps: seconds > 0 ? requests / seconds : 0,
      latency: mergeLatency(at.map((l) => l.latency)),
      ...cpuOf(ran.map((l) => l.clientCpu), ran.reduce((n, l) => n + l.requests + l.errors, 0)),
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

/** Σ value × weight / Σ weight over the parts that have a value; undefined when none has. */
function weightedMean(parts: ReadonlyArray<readonly [number | undefined, number]>): number | undefined {
  const present = parts.filter((p): p is readonly [number, number] => p[0] !== undefined && p[1] > 0);
  if (present.length === 0) return undefined;
  const weight = present.reduce((n, [, w]) => n + w, 0);
  return present.reduce((s, [v, w]) => s + v * w, 0) / weight;
}

/**
 * The client CPU of several processes as one: their CPU time added, per request over all of
 * their requests; the core fraction is the busiest process's, since each process runs its JS on
 * one core and one saturated process makes the figure a floor. Absent unless every process has it.
 */
function cpuOf(parts: ReadonlyArray<ClientCpu | undefined>, requests: number): { clientCpu?: ClientCpu } {
  if (parts.length === 0 || parts.some((c) => c === undefined)) return {};
  const all = parts as readonly ClientCpu[];
  const userMs = all.reduce((n, c) => n + c.userMs, 0);
  const systemMs = all.reduce((n, c) => n + c.systemMs, 0);
  return {
    clientCpu: {
      userMs,
      systemMs,
      perRequestUs: requests > 0 ? ((userMs + systemMs) * 1000) / requests : 0,
      coreFraction: Math.max(...all.map((c) => c.coreFraction)),
    },
  };
}
