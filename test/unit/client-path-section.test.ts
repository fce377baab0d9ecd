import { describe, expect, it } from 'vitest';
import type { Results, SearchResult, StoreResult } from '../../src/bench/results/results-schema.js';
import { clientPathSection } from '../../src/report/client-path-section.js';
import { okStore, results } from './fixtures/results-fixture.js';

/** okStore's searches with every latency `by` times slower and QPS divided by `by`. */
function slower(store: StoreResult, by: number): StoreResult {
  const scale = (r: SearchResult | undefined): SearchResult | undefined =>
    r?.status === 'ok' ? { ...r, latency: { ...r.latency, p50Ms: r.latency.p50Ms * by, p99Ms: r.latency.p99Ms * by } } : r;
  const w = store.workloads;
  const c = w.concurrency;
  return {
    ...store,
    workloads: {
      ...w,
      vector: w.vector?.map((r) => scale(r) as SearchResult),
      filteredVector: scale(w.filteredVector),
      fullText: scale(w.fullText),
      difyHybrid: scale(w.difyHybrid),
      concurrency: c?.status === 'ok' ? { ...c, levels: c.levels.map((l) => ({ ...l, qps: l.qps / by })) } : c,
    },
  };
}

const pooled: Results = { ...results, runId: 'pooled-run', stores: [okStore] };
const dify: Results = { ...results, runId: 'dify-run', config: { ...results.config, clientMode: 'dify' }, stores: [slower(okStore, 2)] };

describe('clientPathSection', () => {
  it('puts each workload of each store pooled beside Dify, whichever file comes first', () => {
    const lines = clientPathSection({ file: 'd.json', results: dify }, { file: 'p.json', results: pooled });
    expect(lines[0]).toBe("## Client path: pooled client vs Dify's per-retrieval client");
    const table = lines[2] ?? '';
    expect(table).toContain('| pgvector 0.8.0 | vector k=4                     |            1.23 |          2.47 |                  +1.23 |            3.70 |          7.40 |');
    expect(table).toContain('| pgvector 0.8.0 | full text k=10                 |             150 |           300 |                   +150 |             450 |           900 |');
    expect(table).toContain('| pgvector 0.8.0 | concurrent, best QPS (clients) |         500 (1) |       250 (1) |                      – |               – |             – |');
    // Unsupported in both runs: no row.
    expect(table).not.toContain('native hybrid');
    expect(lines[4]).toContain("Pooled: pooled-run; Dify's client path: dify-run.");
  });

  it('refuses two runs of one mode, or runs that differ in more than the mode', () => {
    expect(() => clientPathSection({ file: 'a.json', results: pooled }, { file: 'b.json', results: pooled })).toThrow(
      '--client-path: a.json and b.json both measured the pooled path; give one run of each',
    );
    const otherData: Results = { ...dify, dataset: { ...dify.dataset, contentHash: 'ffffffffffffffffffff', name: 'other' } };
    expect(() => clientPathSection({ file: 'a.json', results: pooled }, { file: 'b.json', results: otherData })).toThrow(
      '--client-path: the runs differ in more than the client mode: dataset: a.json measured tiny (0123456789ab), b.json measured other (ffffffffffff)',
    );
  });
});
