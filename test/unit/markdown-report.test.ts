import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown-report.js';
import { resultsSchema, type Results } from '../../src/bench/results/results-schema.js';
import { okStore, results } from './fixtures/results-fixture.js';

describe('renderMarkdown', () => {
  const md = renderMarkdown(results);
  const lines = md.split('\n');
  const section = (from: string, to: string): string => md.slice(md.indexOf(from), md.indexOf(to));

  it('the fixture is a valid results file', () => {
    expect(resultsSchema.safeParse(results).success).toBe(true);
  });

  it('puts stores in columns, named with the requested version', () => {
    expect(lines).toContain('|                      | pgvector 0.8.0 | chroma |');
  });

  it('renders insert figures and marks a failed store', () => {
    expect(lines).toContain('| docs/s               |           1500 | failed |');
    expect(lines).toContain('| batch p50 / p99 (ms) |    60.0 / 95.5 | failed |');
    expect(lines).toContain('| data on disk (MiB)   |             64 |      – |');
  });

  it('renders latency percentiles and recall per k', () => {
    const k4 = section('## Vector search, k=4', '## Vector search, k=10');
    expect(k4).toContain('| p50 (ms)                |           1.23 | failed |');
    expect(k4).toContain('| recall@4                |          0.990 | failed |');
    const k10 = section('## Vector search, k=10', '## Vector search filtered');
    expect(k10).toContain('| p99 (ms)                |           37.0 | failed |');
  });

  it('says "not supported" for a capability a store lacks', () => {
    const native = section('## Native hybrid', '## Concurrent');
    expect(native).toContain('| p50 (ms)                |  not supported | failed |');
  });

  it("lists the harness's own RSS peak per phase of a store's run, in phase order", () => {
    const mib = 2 ** 20;
    const phase = (maxMib: number) => ({ samples: 3, minBytes: mib, meanBytes: 2 * mib, maxBytes: maxMib * mib });
    const harnessMemory = { method: 'process.memoryUsage.rss() of the harness process', intervalMs: 250, phases: { idle: phase(100), insert: phase(3412), search: phase(3390) } };
    const withHarness: Results = { ...results, stores: [{ ...okStore, harnessMemory }] };
    expect(resultsSchema.safeParse(withHarness).success).toBe(true);
    expect(renderMarkdown(withHarness).split('\n')).toContain('  - harness RSS peak by phase: idle 100 MiB, insert 3412 MiB, search 3390 MiB');
    expect(md).not.toContain('harness RSS peak by phase');
    // Beside, not instead of, a server whose memory is not visible.
    const hidden: Results = { ...withHarness, stores: [{ ...okStore, harnessMemory, memory: undefined, server: { ...okStore.server!, memoryNotVisible: 'no metrics' } }] };
    expect(renderMarkdown(hidden)).toContain('  - memory: not visible (no metrics)\n  - harness RSS peak by phase: idle 100 MiB');
  });

  it('collapses a section no store supports into one line', () => {
    const onlyOk: Results = { ...results, stores: [okStore] };
    const native = renderMarkdown(onlyOk).split('## Native hybrid, k=10 (pooled client)')[1] ?? '';
    expect(native.trimStart().startsWith('Not supported by any store in this run.')).toBe(true);
  });

  it('names the client mode in the header and in every latency caption; a file without one is pooled', () => {
    expect(md).toContain('Runtime: local. Client: pooled client. Started');
    expect(md).toContain('## Vector search, k=4 (pooled client)\n');
    expect(md).toContain('## Full-text search, k=10 (pooled client)\n');
    expect(md).toContain('## Concurrent vector search, k=4, 5 s per level, pooled client: QPS (p99 ms)\n');
    const dify = renderMarkdown({ ...results, config: { ...results.config, clientMode: 'dify' } });
    expect(dify).toContain("Client: Dify's per-retrieval client. Started");
    expect(dify).toContain("## Vector search, k=10 (Dify's per-retrieval client)\n");
    expect(dify).toContain("## Dify hybrid (0.7 vector + 0.3 keyword), k=10 (Dify's per-retrieval client)\n");
  });

  it('says a workload `bench run --skip` left out was skipped, with the flag, instead of a table', () => {
    const { fullText, concurrency, ...kept } = okStore.workloads;
    // The fixture measured both, so leaving them out is what a skipped run writes.
    expect(fullText?.status).toBe('ok');
    expect(concurrency?.status).toBe('ok');
    const skipped: Results = {
      ...results,
      config: { ...results.config, skip: ['full-text', 'concurrency'] },
      stores: [{ ...okStore, workloads: kept }],
    };
    expect(resultsSchema.safeParse(skipped).success).toBe(true);
    const out = renderMarkdown(skipped);
    expect(out).toContain('## Full-text search, k=10 (pooled client)\n\nSkipped in this run (`bench run --skip full-text`).\n');
    expect(out).toContain('QPS (p99 ms)\n\nSkipped in this run (`bench run --skip concurrency`).\n');
    expect(out).toContain('## Delete\n\n|');
  });

  it("puts Dify's indexing pattern beside the batches when the run measured it", () => {
    expect(md).not.toContain("Dify's indexing");
    const withDify: Results = {
      ...results,
      stores: [
        {
          ...okStore,
          workloads: {
            ...okStore.workloads,
            difyInsert: {
              status: 'ok',
              docs: 3000,
              documents: 300,
              groups: 2900,
              threads: 10,
              insertSeconds: 4,
              docsPerSecond: 750,
              searchableSeconds: 0,
              groupLatency: { count: 2900, meanMs: 9, p50Ms: 8, p95Ms: 20, p99Ms: 31.5, maxMs: 40, histogram: '' },
            },
          },
        },
        ...results.stores.slice(1),
      ],
    };
    const rendered = renderMarkdown(withDify).split('\n');
    expect(rendered).toContain("| docs/s, Dify's indexing (10 threads, hash groups per document) |            750 |      – |");
    expect(rendered).toContain("| Dify's indexing: group p50 / p99 (ms)                          |    8.00 / 31.5 |      – |");
  });

  it('renders concurrency, delete and memory per phase', () => {
    expect(lines).toContain('| 1 client  |     500 (4.00) | failed |');
    expect(lines).toContain('| 2 clients |              – | failed |');
    expect(lines).toContain("| a document by its chunk ids, Dify's path (ms) | 5.00 (12 rows) | failed |");
    expect(lines).toContain('| a document by metadata document_id (ms)       |  1.00 (5 rows) | failed |');
    expect(lines).toContain('| rows gone                                     |            yes | failed |');
    expect(lines).toContain('| idle            |        32 / 33 |      – |');
    expect(lines).toContain('| peak, whole run |            120 |      – |');
  });

  it('ends with the environment, the server version it reported, and the failure cause', () => {
    expect(md).toContain('- Machine: Test CPU, 2 cores, 24576 MiB; Debian GNU/Linux 12 (bookworm), kernel 6.1.0; Node v20.20.2');
    expect(md).toContain('- pgvector 0.8.0: server reports 15.18/0.8.0; local runtime (`postgres -D x`)');
    expect(md).toContain('  - **failed during start**: chroma: not ready after 60 s');
    expect(md).toContain('  - ts_rank, no index');
  });
});

describe('renderMarkdown: errored calls', () => {
  type OkSearch = Extract<NonNullable<typeof okStore.workloads.filteredVector>, { status: 'ok' }>;
  type OkConcurrency = Extract<NonNullable<typeof okStore.workloads.concurrency>, { status: 'ok' }>;
  const filtered = okStore.workloads.filteredVector as OkSearch;
  const concurrency = okStore.workloads.concurrency as OkConcurrency;
  const sick: Results = {
    ...results,
    stores: [
      {
        ...okStore,
        workloads: {
          ...okStore.workloads,
          filteredVector: { ...filtered, errors: 3, erroredQueries: [0, 5, 9], firstError: 'HTTP 500 | Internal\nServer Error' },
          concurrency: { ...concurrency, levels: concurrency.levels.map((l) => ({ ...l, errors: 7, firstError: 'HTTP 500' })) },
        },
      },
    ],
  };
  const md = renderMarkdown(sick);
  const section = (from: string, to: string): string => md.slice(md.indexOf(from), md.indexOf(to));

  it('marks every latency taken beside errors and gives the count with the first error, one cell', () => {
    const table = section('## Vector search filtered', '## Full-text');
    expect(table).toContain('| p50 (ms)                                            |                               2.00 ⚠ |');
    expect(table).toContain('| p99 (ms)                                            |                               6.00 ⚠ |');
    expect(table).toContain('| ⚠ errored queries (not in latency; scored as empty) | 3: HTTP 500 \\| Internal Server Error |');
    // A table where nothing errored has no such row.
    expect(section('## Full-text', '## Dify hybrid')).not.toContain('errored');
  });

  it('marks a concurrency level with errors', () => {
    expect(md).toContain('| 1 client  | 500 (4.00, ⚠ 7 errors) |');
  });

  it('the results stay valid against the schema', () => {
    expect(resultsSchema.safeParse(sick).success).toBe(true);
  });
});

describe('renderMarkdown on a results file from before the delete followed Dify', () => {
  it('shows the two old timings under their own labels', () => {
    const store = okStore;
    const legacy: Results = {
      ...results,
      stores: [
        {
          ...store,
          workloads: {
            ...store.workloads,
            delete: { status: 'ok', documentId: 'doc-a', rowsBefore: 3000, rowsDeleted: 12, rowsAfter: 2983, byDocumentIdMs: 5, byIdsMs: 1, idsDeleted: 5, verified: true },
          },
        },
      ],
    };
    expect(resultsSchema.safeParse(legacy).success).toBe(true);
    const md = renderMarkdown(legacy).split('\n');
    expect(md).toContain('| a document by metadata document_id (ms) | 5.00 (12 rows) |');
    expect(md).toContain('| 5 chunks by ids, older files (ms)       |  1.00 (5 rows) |');
    expect(md.some((l) => l.includes("Dify's path"))).toBe(false);
  });
});
