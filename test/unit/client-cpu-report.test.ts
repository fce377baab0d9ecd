import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown-report.js';
import { renderSelftestMarkdown } from '../../src/report/selftest-report.js';
import { resultsSchema, type Results, type StoreResult } from '../../src/bench/results/results-schema.js';
import { selftestResultsSchema, type SelftestResults } from '../../src/bench/selftest/selftest-results.js';
import { okStore, results } from './fixtures/results-fixture.js';

const latency = { count: 1, meanMs: 1, p50Ms: 1, p95Ms: 1, p99Ms: 2, maxMs: 2, histogram: '' };

describe('client CPU in the bench run report', () => {
  const store: StoreResult = {
    ...okStore,
    workloads: {
      ...okStore.workloads,
      concurrency: {
        status: 'ok',
        k: 4,
        levels: [
          { clients: 1, seconds: 5, requests: 10_000, errors: 0, qps: 2000, latency, clientCpu: { userMs: 2000, systemMs: 500, perRequestUs: 250, coreFraction: 0.5 } },
          { clients: 2, seconds: 5, requests: 15_000, errors: 0, qps: 3000, latency, clientCpu: { userMs: 4000, systemMs: 600, perRequestUs: 306.7, coreFraction: 0.92 } },
        ],
      },
    },
  };
  const run: Results = { ...results, stores: [store] };
  const md = renderMarkdown(run);

  it('is a valid results file with clientCpu recorded', () => {
    expect(resultsSchema.safeParse(run).success).toBe(true);
  });

  it('marks the level where the client used 90% of a core or more, and says why', () => {
    expect(md).toContain('| 1 client  |              2000 (2.00) |');
    expect(md).toContain('| 2 clients | 3000 (2.00) client-bound |');
    expect(md).toContain(
      "**client-bound**: the harness's one process used at least 90% of a core over the level's wall time, so that QPS is " +
        'where the client ran out of CPU, not the store (pgvector 0.8.0 ×2: 92% of a core, 307 µs per request).',
    );
  });

  it('prints no note when no level was client-bound', () => {
    expect(renderMarkdown(results)).not.toContain('client-bound');
  });
});

describe('renderSelftestMarkdown', () => {
  const measured = (qps: number, meanMs: number, execMs: number) => ({
    seconds: 5,
    requests: qps * 5,
    failed: 0,
    qps,
    meanMs,
    server: { calls: qps * 5, meanExecMs: execMs, meanPlanMs: 0.05 },
  });
  const cpu = (perRequestUs: number, coreFraction: number) => ({ userMs: 1, systemMs: 1, perRequestUs, coreFraction });
  const selftest: SelftestResults = {
    kind: 'vdb-bench selftest',
    schemaVersion: 1,
    tool: { name: 'vdb-bench', version: '0.1.0' },
    startedAt: '2026-12-02T14:00:00.000Z',
    finishedAt: '2026-12-02T14:05:00.000Z',
    machine: { cores: 2 },
    store: 'pgvector',
    profile: 'dify',
    server: { version: 'PostgreSQL 15.20 + pgvector 0.8.0', description: 'postgres', settings: {} },
    table: { rows: 20000, dims: 128, metric: 'cosine', k: 4, seed: 12 },
    secondsPerLevel: 5,
    rounds: 3,
    serialQueries: 10000,
    warmupQueries: 500,
    referenceClients: [{ name: 'pgbench -M simple', description: 'pgbench -M simple ...' }],
    serverTimingSource: 'pg_stat_statements',
    notes: ['a note'],
    rows: [
      { clients: 1, serial: true, harness: { ...measured(2000, 0.5, 0.3), p50Ms: 0.45, p99Ms: 0.9, clientCpu: cpu(100, 0.2) }, references: [{ name: 'pgbench -M simple', ...measured(2500, 0.4, 0.3) }] },
      { clients: 8, serial: false, harness: { ...measured(3000, 2.6, 0.5), p50Ms: 2.5, p99Ms: 5, clientCpu: cpu(310, 0.93) }, references: [{ name: 'pgbench -M simple', ...measured(4000, 2, 0.5) }] },
    ],
  };
  const md = renderSelftestMarkdown(selftest);

  it('is a valid selftest file', () => {
    expect(selftestResultsSchema.safeParse(selftest).success).toBe(true);
  });

  it("renders the issue's table: QPS, client CPU, server time, the reference's QPS and the ratio", () => {
    expect(md).toContain('| serial  |          2000 (0.500) |                             100 (20%) |             350 |                    2500 (0.400) |  0.80 |');
    expect(md).toContain('| 8       |          3000 (2.600) |               310 (93%, client-bound) |             550 |                    4000 (2.000) |  0.75 |');
  });

  it("splits the serial latency into client CPU, server and the rest", () => {
    expect(md).toContain('| harness           |               500 |             100 |         350 |                                       50 |');
    expect(md).toContain('| pgbench -M simple |               400 |               – |         350 |                                       50 |');
  });
});
