import { describe, expect, it } from 'vitest';
import { selftestResultsSchema, type SelftestResults } from '../../src/bench/selftest/selftest-results.js';
import { renderSelftestMarkdown } from '../../src/report/selftest-report.js';

/** The selftest report of a store whose probe replays the adapter's requests and reads no server timing. */
describe('renderSelftestMarkdown without server timing (a replaying probe)', () => {
  const measured = (qps: number, meanMs: number) => ({ seconds: 5, requests: qps * 5, failed: 0, qps, meanMs });
  const cpu = (perRequestUs: number, coreFraction: number) => ({ userMs: 1, systemMs: 1, perRequestUs, coreFraction });
  const results: SelftestResults = {
    kind: 'vdb-bench selftest',
    schemaVersion: 1,
    tool: { name: 'vdb-bench', version: '0.1.0' },
    startedAt: '2026-12-06T09:00:00.000Z',
    finishedAt: '2026-12-06T09:01:00.000Z',
    machine: { cores: 2 },
    store: 'weaviate',
    profile: 'dify',
    server: { version: '1.27.0', description: 'weaviate-server', settings: {} },
    table: { rows: 2000, dims: 128, metric: 'cosine', k: 4, seed: 12 },
    secondsPerLevel: 1,
    serialQueries: 500,
    warmupQueries: 50,
    referenceClients: [{ name: 'undici + node:http2 replay', description: 'GET /v1/schema/C, then POST /weaviate.v1.Weaviate/Search' }],
    answerCheck: { ids: ['a', 'b', 'c', 'd'], adapterHits: ['a', 'b'], requestsPerQuery: 2 },
    notes: ['a note'],
    rows: [
      { clients: 1, serial: true, harness: { ...measured(400, 2.5), p50Ms: 2.4, p99Ms: 4, clientCpu: cpu(900, 0.36) }, references: [{ name: 'undici + node:http2 replay', ...measured(800, 1.25) }] },
      { clients: 2, serial: false, harness: { ...measured(600, 3.3), p50Ms: 3.2, p99Ms: 6, clientCpu: cpu(700, 0.42) }, references: [{ name: 'undici + node:http2 replay', ...measured(1000, 2) }] },
    ],
  };
  const md = renderSelftestMarkdown(results);

  it('is a valid selftest file', () => {
    expect(selftestResultsSchema.safeParse(results).success).toBe(true);
  });

  it('has no server column and says the store has no server timing', () => {
    expect(md).toContain('| clients | harness QPS (mean ms) | client CPU µs/query (share of a core) | undici + node:http2 replay QPS (mean ms) | ratio |');
    expect(md).toContain('| serial  |           400 (2.500) |                             900 (36%) |                              800 (1.250) |  0.50 |');
    expect(md).toContain('| 2       |           600 (3.300) |                             700 (42%) |                             1000 (2.000) |  0.60 |');
    expect(md).toContain('server: no server-side timing for this store.');
    expect(md).not.toContain('server µs/query');
  });

  it('states the answer check and splits the serial latency without a server column', () => {
    expect(md).toContain("Answer check (before timing): the replayed 2 requests got the same 4 ids as the adapter's (a, b, c, d); the adapter kept 2 of them as hits.");
    expect(md).toContain('| harness                    |              2500 |             900 |');
    expect(md).toContain('| undici + node:http2 replay |              1250 |               – |');
  });
});
