import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from '../../src/bench/metrics/latency-recorder.js';
import { mergeLatency } from '../../src/bench/metrics/merge-latency.js';
import type { ConcurrencyResult, SearchResult } from '../../src/bench/results/results-schema.js';
import { idleLevel, mergeConcurrencyParts, mergeSearchParts } from '../../src/bench/workers/merge-workloads.js';
import { shardClients, shardDataset } from '../../src/bench/workers/shards.js';
import { parseShard } from '../../src/cli/shard-option.js';
import type { Dataset } from '../../src/datasets/dataset.js';

function recorded(samples: readonly number[]): LatencyRecorder {
  const r = new LatencyRecorder();
  for (const ms of samples) r.recordMs(ms);
  return r;
}

describe('merged HDR histograms', () => {
  // 1000 samples i × 0.25 ms + (i mod 7) × 0.013 ms, dealt to 4 workers by i mod 4.
  const samples = Array.from({ length: 1000 }, (_, n) => (n + 1) * 0.25 + ((n + 1) % 7) * 0.013);
  const workers = [0, 1, 2, 3].map((w) => recorded(samples.filter((_, n) => (n + 1) % 4 === w)));

  it('gives exactly the percentiles of one histogram holding every sample', () => {
    const merged = mergeLatency(workers.map((w) => w.summary()));
    const { histogram: _a, ...together } = recorded(samples).summary();
    const { histogram: _b, ...fromWorkers } = merged;
    expect(fromWorkers).toEqual(together);
    // Sample 500 is 125.039 ms = 125039 µs; HdrHistogram (3 digits) keeps it in the 64 µs bucket
    // 124992..125055 and reports the bucket's top. Sample 950 (237.565 ms) falls in the 128 µs
    // bucket 237440..237567, sample 990 (247.5 + 3 × 0.013 = 247.539 ms) in 247424..247551.
    expect(fromWorkers).toEqual({ count: 1000, meanMs: 125.164674, p50Ms: 125.055, p95Ms: 237.567, p99Ms: 247.551, maxMs: 250.078 });
  });

  it('of a single worker is that worker', () => {
    const { histogram: _a, ...one } = workers[0]!.summary();
    const { histogram: _b, ...merged } = mergeLatency([workers[0]!.summary()]);
    expect(merged).toEqual(one);
  });
});

function searchPart(latencies: number[], recall: number, ndcg10: number): SearchResult {
  const r = recorded(latencies);
  return {
    status: 'ok',
    k: 4,
    queries: latencies.length,
    warmupQueries: 1,
    latency: r.summary(),
    latenciesMs: r.rawMs(),
    recall,
    ndcg10,
    mrr10: ndcg10,
    emptyAnswers: 1,
  };
}

describe('mergeSearchParts', () => {
  // Queries 0..4; worker 0 timed 0, 2, 4 and worker 1 timed 1, 3. Only queries 0 and 1 are judged.
  const merged = mergeSearchParts([
    { result: searchPart([1, 3, 5], 0.5, 0.2), queryIndices: [0, 2, 4], judged: 1 },
    { result: searchPart([2, 4], 1, 0.6), queryIndices: [1, 3], judged: 1 },
  ]);

  it('puts latencies back in query order and weights each mean by what it was taken over', () => {
    expect(merged.status).toBe('ok');
    if (merged.status !== 'ok') return;
    expect(merged.latenciesMs).toEqual([1, 2, 3, 4, 5]);
    expect(merged.queries).toBe(5);
    expect(merged.warmupQueries).toBe(2);
    expect(merged.emptyAnswers).toBe(2);
    expect(merged.recall).toBe((0.5 * 3 + 1 * 2) / 5);
    expect(merged.ndcg10).toBe((0.2 * 1 + 0.6 * 1) / 2);
    expect(merged.latency.count).toBe(5);
    expect(merged.latency.p50Ms).toBe(3.001); // 3000 µs is in the 2 µs bucket 3000..3001
    expect(merged.latency.maxMs).toBe(5);
    expect(merged.workers).toEqual([
      { worker: 0, queries: 3, seconds: 0.009, qps: 3 / 0.009 },
      { worker: 1, queries: 2, seconds: 0.006, qps: 2 / 0.006 },
    ]);
  });

  it('filtered workloads: positions follow the workload\'s own query list', () => {
    // Only queries 1, 2, 5 carry filters; worker 0 of 2 timed 2, worker 1 timed 1 and 5.
    const m = mergeSearchParts([
      { result: searchPart([7], 1, 1), queryIndices: [2], judged: 1 },
      { result: searchPart([6, 8], 1, 1), queryIndices: [1, 5], judged: 2 },
    ]);
    expect(m.status === 'ok' && m.latenciesMs).toEqual([6, 7, 8]);
  });

  it('leaves out a worker whose share held none of the workload\'s queries', () => {
    const m = mergeSearchParts([
      { result: { status: 'unsupported', reason: 'the dataset has no filtered queries' }, queryIndices: [], judged: 0 },
      { result: searchPart([6, 8], 1, 1), queryIndices: [1, 5], judged: 2 },
    ]);
    expect(m.status === 'ok' && m.workers?.map((w) => [w.worker, w.queries])).toEqual([[1, 2]]);
    const none = { result: { status: 'unsupported' as const, reason: 'no filter' }, queryIndices: [], judged: 0 };
    expect(mergeSearchParts([none, none])).toEqual({ status: 'unsupported', reason: 'no filter' });
  });

  it('errored queries: left out of the latencies, the others still in query order; counts added', () => {
    // Worker 0 timed 0, 2, 4 and query 2 errored; worker 1 timed 1, 3 and query 1 errored.
    const errored = (latencies: number[], queries: number, erroredQueries: number[], firstError: string): SearchResult => ({
      ...(searchPart(latencies, 0.5, 0.5) as Extract<SearchResult, { status: 'ok' }>),
      queries,
      errors: erroredQueries.length,
      erroredQueries,
      firstError,
    });
    const m = mergeSearchParts([
      { result: errored([1, 5], 3, [2], 'HTTP 500'), queryIndices: [0, 2, 4], judged: 1 },
      { result: errored([4], 2, [1], 'HTTP 503'), queryIndices: [1, 3], judged: 1 },
    ]);
    expect(m.status).toBe('ok');
    if (m.status !== 'ok') return;
    expect(m.queries).toBe(5);
    expect(m.latenciesMs).toEqual([1, 4, 5]);
    expect(m.latency.count).toBe(3);
    expect(m.errors).toBe(2);
    expect(m.erroredQueries).toEqual([1, 2]);
    expect(m.firstError).toBe('HTTP 500');
    // Without errors the fields stay absent, as in one process.
    const clean = mergeSearchParts([{ result: searchPart([1], 1, 1), queryIndices: [0], judged: 1 }]);
    expect(clean.status === 'ok' && [clean.errors, clean.erroredQueries, clean.firstError]).toEqual([undefined, undefined, undefined]);
  });

  it('fails when a worker failed, naming it; a share of the wrong size is an error', () => {
    expect(
      mergeSearchParts([
        { result: searchPart([1, 3, 5], 1, 1), queryIndices: [0, 2, 4], judged: 3 },
        { result: { status: 'failed', error: 'boom' }, queryIndices: [1, 3], judged: 2 },
      ]),
    ).toEqual({
      status: 'failed',
      error: 'worker 1: boom',
    });
    expect(() =>
      mergeSearchParts([
        { result: searchPart([1], 1, 1), queryIndices: [0, 2, 4], judged: 3 },
        { result: searchPart([2, 4], 1, 1), queryIndices: [1, 3], judged: 2 },
      ]),
    ).toThrow(
      'worker 0 answered 1 queries, its share is 3',
    );
  });
});

describe('mergeConcurrencyParts', () => {
  const level = (clients: number, requests: number, seconds: number, latencies: number[]) => ({
    clients,
    seconds,
    requests,
    errors: 0,
    qps: requests / seconds,
    latency: recorded(latencies).summary(),
  });
  const part = (levels: ReturnType<typeof level>[]): ConcurrencyResult => ({ status: 'ok', k: 4, levels });

  it('adds clients and requests, takes the longest wall time, and keeps each worker', () => {
    const merged = mergeConcurrencyParts([
      part([level(1, 10, 1, [1, 2]), level(2, 100, 1, [1, 1, 1])]),
      part([idleLevel(1), level(1, 40, 1.2, [9])]),
    ]);
    expect(merged.status).toBe('ok');
    if (merged.status !== 'ok') return;
    const [one, three] = merged.levels;
    expect(one?.clients).toBe(1);
    expect(one?.qps).toBe(10);
    expect(three?.clients).toBe(3);
    expect(three?.requests).toBe(140);
    expect(three?.seconds).toBe(1.2);
    expect(three?.qps).toBe(140 / 1.2);
    expect(three?.latency.count).toBe(4);
    expect(three?.latency.maxMs).toBe(9);
    expect(three?.workers?.map((w) => [w.worker, w.clients, w.requests, w.qps])).toEqual([
      [0, 2, 100, 100],
      [1, 1, 40, 40 / 1.2],
    ]);
  });
});

describe('merged client CPU (--workers with clientCpu per process)', () => {
  const cpu = (userMs: number, systemMs: number, requests: number, wallSeconds: number) => ({
    userMs,
    systemMs,
    perRequestUs: ((userMs + systemMs) * 1000) / requests,
    coreFraction: (userMs + systemMs) / 1000 / wallSeconds,
  });

  it('search: CPU added, per request over every query, the busiest process\'s core fraction', () => {
    const a = { ...searchPart([1, 3, 5], 1, 1), clientCpu: cpu(6, 3, 3, 0.01) } as SearchResult;
    const b = { ...searchPart([2, 4], 1, 1), clientCpu: cpu(2, 1, 2, 0.01) } as SearchResult;
    const m = mergeSearchParts([
      { result: a, queryIndices: [0, 2, 4], judged: 0 },
      { result: b, queryIndices: [1, 3], judged: 0 },
    ]);
    expect(m.status === 'ok' && m.clientCpu).toEqual({ userMs: 8, systemMs: 4, perRequestUs: (12 * 1000) / 5, coreFraction: cpu(6, 3, 3, 0.01).coreFraction });
    // A part without the figure: the merge has none rather than a partial sum.
    const c = mergeSearchParts([
      { result: a, queryIndices: [0, 2, 4], judged: 0 },
      { result: searchPart([2, 4], 1, 1), queryIndices: [1, 3], judged: 0 },
    ]);
    expect(c.status === 'ok' && c.clientCpu).toBeUndefined();
  });

  it('concurrency: idle processes left out, per request over requests and errors', () => {
    const busy = { clients: 2, seconds: 1, requests: 90, errors: 10, qps: 90, latency: recorded([1]).summary(), clientCpu: cpu(300, 100, 100, 1) };
    const idle = idleLevel(1);
    const m = mergeConcurrencyParts([
      { status: 'ok', k: 4, levels: [busy] },
      { status: 'ok', k: 4, levels: [idle] },
    ]);
    expect(m.status === 'ok' && m.levels[0]?.clientCpu).toEqual({ userMs: 300, systemMs: 100, perRequestUs: 4000, coreFraction: 0.4 });
  });
});

describe('shards', () => {
  it('deal clients as evenly as they go and queries by index modulo N', () => {
    expect([0, 1, 2].map((index) => shardClients(4, { index, count: 3 }))).toEqual([2, 1, 1]);
    expect([0, 1, 2, 3].map((index) => shardClients(1, { index, count: 4 }))).toEqual([1, 0, 0, 0]);
    const dataset = {
      dir: '/d',
      manifest: { name: 'd', dims: 2, metric: 'cosine', count: 0, queries: 5 },
      docs: [],
      vectors: new Float32Array(),
      queries: [0, 1, 2, 3, 4].map((i) => ({ id: `q${i}`, text: '' })),
      queryVectors: Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]),
      qrels: new Map(),
      contentHash: 'abc',
    } as unknown as Dataset;
    const s = shardDataset(dataset, { index: 1, count: 2 });
    expect(s.queries.map((q) => q.id)).toEqual(['q1', 'q3']);
    expect([...s.queryVectors]).toEqual([1, 1, 3, 3]);
    expect(s.manifest.queries).toBe(2);
    expect(s.contentHash).not.toBe('abc');
    expect(shardDataset(dataset, { index: 0, count: 1 })).toBe(dataset);
  });

  it('--shard takes i/N', () => {
    expect(parseShard('--shard')('2/4')).toEqual({ index: 2, count: 4 });
    expect(() => parseShard('--shard')('4/4')).toThrow('--shard: "4/4" is not i/N with 0 ≤ i < N (e.g. 0/4)');
  });
});
