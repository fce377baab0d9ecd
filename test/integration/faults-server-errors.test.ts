import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { selectStores } from '../../src/adapters/registry.js';
import { routedSelection } from '../../src/adapters/routed-selection.js';
import { DEFAULT_CONFIG, type BenchConfig } from '../../src/bench/bench-config.js';
import type { Progress } from '../../src/bench/progress.js';
import { runBenchmark } from '../../src/bench/run-benchmark.js';
import { readResults } from '../../src/bench/results/results-file.js';
import type { Results, SearchResult, StoreResult } from '../../src/bench/results/results-schema.js';
import { readDataset } from '../../src/datasets/read-dataset.js';
import type { Dataset } from '../../src/datasets/dataset.js';
import type { Endpoint } from '../../src/runtime/endpoint.js';
import { compareRounds, DEFAULT_THRESHOLDS } from '../../src/report/compare.js';
import { renderMarkdown } from '../../src/report/markdown-report.js';
import { LOCAL_PLAN } from './fixtures/local-plan.js';
import { leftoversOf, NOTHING_LEFT } from './fixtures/leftovers.js';
import { startHttpFaultProxy, startPgFaultProxy, type FaultProxy } from './fixtures/fault-proxy.js';

/**
 * Real servers behind a proxy that makes them misbehave from a chosen phase on (fault-proxy.ts):
 * SQL errors from PostgreSQL and HTTP 500s from Qdrant on a fraction of calls, and a server
 * that refuses connections after start. Error counts land in the results per workload, equal to
 * the faults given; no latency is taken over an errored call; the CI gate calls more errors a
 * regression; a store that refuses everything fails in its phase and the next store still runs.
 */
const SMALL: BenchConfig = {
  ...DEFAULT_CONFIG,
  batchSize: 20,
  warmupQueries: 2,
  kValues: [4],
  concurrencyLevels: [2],
  concurrencySeconds: 1,
  idleSeconds: 0.5,
};
const EVERY = 5;
type Ok = Extract<SearchResult, { status: 'ok' }>;

let dir: string;
let dataset: Dataset;
let proxies: FaultProxy[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-errors-'));
  dataset = await readDataset(new URL('../../datasets/linux-doc-mini', import.meta.url).pathname);
});
afterEach(async () => {
  for (const p of proxies) await p.close();
  proxies = [];
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * The server's `port` behind a fault proxy of the protocol it speaks; the store's other ports
 * (Qdrant's gRPC, which the REST client never uses) are left as they are.
 */
function through(kind: 'http' | 'pg', port: string) {
  return async (endpoint: Endpoint): Promise<Endpoint> => {
    const target = endpoint.ports[port];
    if (target === undefined) throw new Error(`no ${port} port in ${JSON.stringify(endpoint.ports)}`);
    const proxy = kind === 'pg' ? await startPgFaultProxy(target) : await startHttpFaultProxy(target);
    proxies.push(proxy);
    return { ...endpoint, ports: { ...endpoint.ports, [port]: proxy.port } };
  };
}

/**
 * A silent Progress that applies `fault` to the victim's proxy as the phase `from` starts, sets it
 * passing again once the phase `until` stops, and keeps how many errors the proxy answered within
 * each phase's timed pass (from its start to its stop: warm-ups fall outside).
 */
function faultFrom(from: string, until: string, fault: (p: FaultProxy) => void) {
  const injectedIn = new Map<string, number>();
  let current: { label: string; at: number } | undefined;
  let active = false;
  // The survivor runs the same phases after the victim: only the victim's are the fault's.
  let over = false;
  // The victim may connect more than once (its session, a check before it): every connection's
  // proxy gets the fault, and the count is over all of them.
  const proxy = (): FaultProxy => {
    if (proxies.length === 0) throw new Error('the victim never connected through its proxy');
    return {
      port: 0,
      errors: (every) => proxies.forEach((p) => p.errors(every)),
      refuse: () => proxies.forEach((p) => p.refuse()),
      pass: () => proxies.forEach((p) => p.pass()),
      injected: () => proxies.reduce((n, p) => n + p.injected(), 0),
      close: async () => undefined,
    };
  };
  const progress: Progress = {
    start(label) {
      if (over) return;
      if (label.startsWith(from)) {
        active = true;
        fault(proxy());
      }
      current = { label, at: active ? proxy().injected() : 0 };
    },
    tick: () => undefined,
    stop() {
      if (!current || !active) return;
      injectedIn.set(current.label, proxy().injected() - current.at);
      if (current.label.startsWith(until)) {
        active = false;
        over = true;
        proxy().pass();
      }
    },
    log: () => undefined,
  };
  return { progress, injectedIn };
}

async function run(victim: string, survivor: string, route: (e: Endpoint) => Promise<Endpoint>, progress: Progress, label: string) {
  const file = join(dir, `${label}.json`);
  const [first, second] = selectStores(`${victim},${survivor}`) as [Parameters<typeof routedSelection>[0], Parameters<typeof routedSelection>[0]];
  await runBenchmark({ stores: [routedSelection(first, route), second], plan: LOCAL_PLAN, dataset, config: SMALL, resultsFile: file, progress });
  // From the file, validated against the schema, not from memory.
  const results = await readResults(file);
  expect(await leftoversOf(process.pid)).toEqual(NOTHING_LEFT);
  return { file, results, stores: results.stores as [StoreResult, StoreResult] };
}

/** Every count in a search result agrees with the others: the errored queries are listed, untimed and scored empty. */
function expectErrorsAccounted(r: Ok): void {
  expect(r.erroredQueries?.length ?? 0).toBe(r.errors ?? 0);
  expect(r.latenciesMs.length).toBe(r.queries - (r.errors ?? 0));
  expect(r.latency.count).toBe(r.queries - (r.errors ?? 0));
}

function ok(r: SearchResult | undefined): Ok {
  expect(r?.status).toBe('ok');
  return r as Ok;
}

/** `results` with the victim's vector workload as the only store, for the gate. */
function gateInput(file: string, results: Results, store: StoreResult) {
  return [{ file, results: { ...results, stores: [store] } }];
}

describe('a server that answers errors on a fraction of calls', () => {
  it('pgvector, SQL errors on every 5th query from the vector search on: counted per workload, never timed', async () => {
    const { progress, injectedIn } = faultFrom('vector k=4', 'concurrent', (p) => p.errors(EVERY));
    const { file, results, stores } = await run('pgvector', 'pgvector', through('pg', 'postgres'), progress, 'pg-errors');
    const [sick, healthy] = stores;
    expect(sick.status).toBe('ok');
    expect(healthy.status).toBe('ok');

    // Vector search: one SQL request per search, so every injected error is one errored query. A
    // pooled connection's first search also parses the prepared statement, which the proxy always
    // passes on: fewer than 40 / 5 requests are hit (6 seen), each one counted.
    const vector = ok(sick.workloads.vector?.[0]);
    expect(injectedIn.get('vector k=4')).toBeGreaterThan(0);
    expect(vector.errors).toBe(injectedIn.get('vector k=4'));
    expect(vector.firstError).toContain('injected fault: the server failed this query');
    expectErrorsAccounted(vector);
    // Scored as empty answers: an errored query adds 0 to the mean, so recall is at most the answered share.
    expect(ok(healthy.workloads.vector?.[0]).errors).toBeUndefined();
    expect(vector.recall).toBeLessThanOrEqual((vector.queries - (vector.errors ?? 0)) / vector.queries + 1e-12);
    expect(vector.emptyAnswers).toBe(0);

    // The other search workloads: each counts no more errored queries than it was given errors
    // (a hybrid query makes two requests; a short workload may meet none), and they met some.
    let others = 0;
    for (const [label, r] of [
      ['vector filtered', sick.workloads.filteredVector],
      ['full text', sick.workloads.fullText],
      ['dify hybrid', sick.workloads.difyHybrid],
    ] as const) {
      const result = ok(r);
      expect(result.errors ?? 0, label).toBeLessThanOrEqual(injectedIn.get(label) ?? 0);
      expectErrorsAccounted(result);
      others += result.errors ?? 0;
    }
    expect(others).toBeGreaterThan(0);
    const concurrency = sick.workloads.concurrency;
    expect(concurrency?.status).toBe('ok');
    const level = concurrency?.status === 'ok' ? concurrency.levels[0] : undefined;
    expect(level?.errors).toBe(injectedIn.get('concurrent ×2'));
    expect(level?.errors).toBeGreaterThan(0);
    expect(level?.latency.count).toBe(level?.requests);
    expect(level?.firstError).toContain('injected fault');
    // The proxy passes again from the delete on, so the delete is measured clean.
    expect(sick.workloads.delete?.status).toBe('ok');

    const report = renderMarkdown(results);
    expect(report).toContain(`| ⚠ errored queries (not in latency; scored as empty) | ${vector.errors}: injected fault: the server failed this query`);
    expect(report).toMatch(/⚠ \d+ errors\)/); // the concurrency cell
    expect(report).toContain(`⚠ ${vector.errors} errors`); // the summary's vector p50 / p99

    // The CI gate: the healthy store as baseline, the sick one as candidate, same key.
    const rows = compareRounds(gateInput(file, results, healthy), gateInput(file, results, sick), DEFAULT_THRESHOLDS);
    const vectorRow = rows.find((r) => r.workload === 'vector k=4');
    expect(vectorRow?.verdict).toBe('regression');
    expect(vectorRow?.detail).toContain(`${vector.errors} of ${vector.queries} queries errored (baseline at most 0)`);
  }, 300_000);

  it('qdrant, HTTP 500 on every 5th request of the vector search: counted, never timed', async () => {
    const { progress, injectedIn } = faultFrom('vector k=4', 'vector k=4', (p) => p.errors(EVERY));
    const { results, stores } = await run('qdrant', 'pgvector', through('http', 'http'), progress, 'qdrant-errors');
    const [sick, healthy] = stores;
    expect(sick.status).toBe('ok');
    expect(healthy.status).toBe('ok');
    const vector = ok(sick.workloads.vector?.[0]);
    expect(injectedIn.get('vector k=4')).toBe(dataset.queries.length / EVERY);
    expect(vector.errors).toBe(injectedIn.get('vector k=4'));
    expect(vector.firstError).toMatch(/internal|500/i);
    expectErrorsAccounted(vector);
    // Passing again after the vector search: the next workload is clean.
    expect(ok(sick.workloads.filteredVector).errors).toBeUndefined();
    expect(renderMarkdown(results)).toContain(`| ⚠ errored queries (not in latency; scored as empty) | ${vector.errors}: `);
  }, 300_000);
});

describe('a server that refuses connections after start', () => {
  it.each([
    // Its open connections are cut first (the pool's next query sees them end), new ones refused.
    ['pgvector', through('pg', 'postgres'), /ECONNREFUSED|Connection terminated unexpectedly/],
    ['qdrant', through('http', 'http'), /ECONNREFUSED|other side closed/],
  ] as const)('%s refusing from the vector search on: every workload failed with the cause, insert kept, the next store runs', async (victim, route, cause) => {
    const { progress } = faultFrom('vector k=4', 'never', (p) => p.refuse());
    const { results, stores } = await run(victim, 'pgvector', route, progress, `${victim}-refused`);
    const [refused, healthy] = stores;
    expect(healthy.status).toBe('ok');
    expect(refused.workloads.insert?.status).toBe('ok');
    const vector = refused.workloads.vector?.[0];
    expect(vector?.status).toBe('failed');
    const message = vector?.status === 'failed' ? vector.error : '';
    expect(message).toContain(`all ${dataset.queries.length} vector k=4 queries failed; the first: `);
    expect(message).toMatch(cause);
    // The server is alive but unreachable: the store ends failed where its collection cannot be removed.
    expect(refused.status).toBe('failed');
    expect(refused.error?.phase).toBe('drop');
    expect(renderMarkdown(results)).toContain(`**failed during drop**`);
  }, 300_000);
});
