import { describe, expect, it } from 'vitest';
import { mergeQueryAnswers, oneQueryView } from '../../src/bench/gate/query-lockstep.js';
import { LatencyRecorder } from '../../src/bench/metrics/latency-recorder.js';
import type { SearchResult } from '../../src/bench/results/results-schema.js';
import { workloadQueries } from '../../src/bench/workers/search-tasks.js';
import type { Dataset } from '../../src/datasets/dataset.js';

// Three queries of 2 dims; q1 carries document_ids (a filtered query); q0 and q2 are judged.
const dataset = {
  dir: '/d',
  manifest: { name: 'd', dims: 2, metric: 'cosine', count: 0, queries: 3 },
  docs: [],
  vectors: new Float32Array(),
  queries: [{ id: 'q0', text: 'a' }, { id: 'q1', text: 'b', document_ids: ['doc'] }, { id: 'q2', text: 'c' }],
  queryVectors: Float32Array.from([0, 0.5, 1, 1.5, 2, 2.5]),
  qrels: new Map([
    ['q0', new Map([['x', 1]])],
    ['q2', new Map([['y', 2]])],
  ]),
  contentHash: 'abc',
  groundTruthDir: '/d/.ground-truth',
} as unknown as Dataset;

/** One timed query's answer, as a one-query pass returns it. */
function answer(ms: number, recall: number, ndcg10?: number, errored = false): SearchResult {
  const r = new LatencyRecorder();
  if (!errored) r.recordMs(ms);
  return {
    status: 'ok',
    k: 4,
    queries: 1,
    warmupQueries: 0,
    latency: r.summary(),
    latenciesMs: r.rawMs(),
    recall,
    ...(ndcg10 !== undefined ? { ndcg10, mrr10: ndcg10 } : {}),
    emptyAnswers: errored ? 1 : 0,
    ...(errored ? { errors: 1, erroredQueries: [0], firstError: 'boom' } : {}),
  };
}

describe('query lockstep', () => {
  it('the filtered workload times only queries with document_ids; the others every query', () => {
    expect(workloadQueries(dataset, 'filteredVector')).toEqual([1]);
    expect(workloadQueries(dataset, 'fullText')).toEqual([0, 1, 2]);
  });

  it('a one-query view keeps every doc and judgement, holds that query, and has its own hash and truth folder', () => {
    const view = oneQueryView(dataset, 2, '/out/.ground-truth');
    expect(view.queries.map((q) => q.id)).toEqual(['q2']);
    expect([...view.queryVectors]).toEqual([2, 2.5]);
    expect(view.manifest.queries).toBe(1);
    expect(view.qrels).toBe(dataset.qrels);
    expect(view.groundTruthDir).toBe('/out/.ground-truth');
    expect(view.contentHash).not.toBe(dataset.contentHash);
    expect(view.contentHash).not.toBe(oneQueryView(dataset, 1, '/out/.ground-truth').contentHash);
  });

  it('puts one-query answers back into one pass: latencies in query order, recall over queries, nDCG over judged ones', () => {
    const [pass] = mergeQueryAnswers(dataset, [0, 1, 2], [[answer(3, 1, 0.5)], [answer(1, 0.5)], [answer(2, 0, 1)]], 45);
    expect(pass?.status).toBe('ok');
    if (pass?.status !== 'ok') return;
    expect(pass.latenciesMs).toEqual([3, 1, 2]);
    expect(pass.queries).toBe(3);
    expect(pass.latency.count).toBe(3);
    expect(pass.recall).toBe(0.5);
    expect(pass.ndcg10).toBe(0.75);
    expect(pass.warmupQueries).toBe(45);
    expect('workers' in pass).toBe(false);
  });

  it("numbers an errored query by its place in the dataset, not the view's 0", () => {
    const [pass] = mergeQueryAnswers(dataset, [0, 1, 2], [[answer(3, 1)], [answer(0, 0, undefined, true)], [answer(2, 1)]], 0);
    expect(pass?.status === 'ok' && [pass.errors, pass.erroredQueries, pass.latenciesMs]).toEqual([1, [1], [3, 2]]);
  });

  it('a query that failed fails the pass, naming the query; all unsupported is unsupported', () => {
    const failed: SearchResult = { status: 'failed', error: 'timeout' };
    expect(mergeQueryAnswers(dataset, [0, 2], [[answer(1, 1)], [failed]], 0)).toEqual([{ status: 'failed', error: 'query q2: timeout' }]);
    const unsupported: SearchResult = { status: 'unsupported', reason: 'no full text' };
    expect(mergeQueryAnswers(dataset, [0, 2], [[unsupported], [unsupported]], 0)).toEqual([unsupported]);
  });

  it('keeps one pass per k of the vector workload', () => {
    const passes = mergeQueryAnswers(dataset, [0, 2], [[answer(1, 1), answer(4, 0.5)], [answer(2, 0), answer(5, 1)]], 0);
    expect(passes.map((p) => p.status === 'ok' && p.latenciesMs)).toEqual([[1, 2], [4, 5]]);
  });
});
