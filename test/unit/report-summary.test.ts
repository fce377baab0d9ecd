import { describe, expect, it } from 'vitest';
import type { Results, StoreResult } from '../../src/bench/results/results-schema.js';
import { bestLevel, fullTextRanked, summaryRows, summaryTable } from '../../src/report/summary.js';
import { publishableCommand } from '../../src/report/store-label.js';
import { dataDirPrefix } from '../../src/runtime/data-dir-name.js';
import { renderMarkdown } from '../../src/report/markdown-report.js';
import { okStore, results } from './fixtures/results-fixture.js';

const MiB = 2 ** 20;

describe('summary table', () => {
  it('has one row per store with the headline figures, a failed store marked', () => {
    expect(summaryTable(results).split('\n')).toEqual([
      '| store          | insert docs/s | vector p50 / p99 ms (k=4) | recall@10 | full-text nDCG@10 | Dify hybrid nDCG@10 | QPS @ clients | idle MiB | peak MiB |',
      '| :------------- | ------------: | ------------------------: | --------: | ----------------: | ------------------: | ------------: | -------: | -------: |',
      '| pgvector 0.8.0 |          1500 |               1.23 / 3.70 |     0.975 |             0.500 |               0.500 |       500 @ 1 |       32 |      120 |',
      '| chroma         |        failed |                    failed |    failed |            failed |              failed |        failed |        – |        – |',
    ]);
  });

  it('says "unranked" for full text whose capabilities say it does not rank, and ranked when the field is absent', () => {
    const capabilities = { ...okStore.capabilities, fullTextRanked: false };
    const unranked: StoreResult = { ...okStore, capabilities };
    expect(fullTextRanked(okStore.capabilities)).toBe(true);
    expect(fullTextRanked(capabilities)).toBe(false);
    const [row] = summaryRows({ ...results, stores: [unranked] });
    expect(row?.fullTextNdcg).toBe('unranked');
    expect(row?.difyHybridNdcg).toBe('0.500');
  });

  it('says "not supported" for a workload the store lacks and picks the best QPS level', () => {
    const store: StoreResult = {
      ...okStore,
      workloads: {
        ...okStore.workloads,
        fullText: { status: 'unsupported', reason: 'none' },
        concurrency: {
          status: 'ok',
          k: 4,
          levels: [1, 2, 4].map((clients) => ({
            clients,
            seconds: 5,
            requests: 1,
            errors: 0,
            qps: [400, 900.4, 900.4][clients === 1 ? 0 : clients === 2 ? 1 : 2] as number,
            latency: { count: 1, meanMs: 1, p50Ms: 1, p95Ms: 1, p99Ms: 1, maxMs: 1, histogram: '' },
          })),
        },
      },
    };
    const [row] = summaryRows({ ...results, stores: [store] });
    expect(row?.fullTextNdcg).toBe('not supported');
    // A tie goes to fewer clients.
    expect(row?.bestQps).toBe('900 @ 2');
    expect(bestLevel([])).toBeUndefined();
  });

  it('adds the least-memory bracket column only when a store has one', () => {
    const probed: StoreResult = {
      ...okStore,
      leastMemory: {
        minBytes: 32 * MiB,
        maxBytes: 4096 * MiB,
        resolution: 0.15,
        leastBytes: 43 * MiB,
        failedBytes: 40 * MiB,
        probes: [],
      },
    };
    const never: StoreResult = { ...okStore, leastMemory: { minBytes: 32 * MiB, maxBytes: 4096 * MiB, resolution: 0.15, probes: [] } };
    const rows = summaryRows({ ...results, stores: [probed, never, okStore] });
    expect(rows.map((r) => r.leastMemory)).toEqual(['43 (40 failed)', 'none up to 4096', '–']);
    expect(summaryRows(results)[0]?.leastMemory).toBeUndefined();
    expect(summaryTable({ ...results, stores: [probed] }).split('\n')[0]).toContain('| least memory MiB |');
  });

  it('comes first in the markdown, before the detailed tables', () => {
    const md = renderMarkdown(results);
    expect(md.indexOf('## Summary')).toBeGreaterThan(0);
    expect(md.indexOf('## Summary')).toBeLessThan(md.indexOf('## Insert'));
    expect(md).not.toContain('## Charts');
  });
});

describe('published reports carry no machine paths', () => {
  it('replaces the private data dir and the install prefix', () => {
    expect(
      publishableCommand(
        '/work/main/.vdb-bench/seekdb/1.4.0/bin/seekdb --base-dir=/tmp/vdb-bench-oceanbase-fwnjyh --nodaemon --port 40933',
      ),
    ).toBe('.vdb-bench/seekdb/1.4.0/bin/seekdb --base-dir=$DATA_DIR --nodaemon --port 40933');
    expect(
      publishableCommand(
        '/usr/lib/postgresql/15/bin/postgres -D /tmp/vdb-bench-pgvector-KvQd87/pgdata -p 34387 -k /tmp/vdb-bench-pgvector-KvQd87',
      ),
    ).toBe('/usr/lib/postgresql/15/bin/postgres -D $DATA_DIR/pgdata -p 34387 -k $DATA_DIR');
  });

  it('replaces a data dir named as the local runtime names it (owner pid, store, six characters)', () => {
    // Built from the runtime's own prefix: a report once kept `$DATA_DIRor-CAmNoh` of
    // `/tmp/vdb-bench-17547-pgvector-CAmNoh`, the pattern having been written for a name without the pid.
    for (const store of ['pgvector', 'oceanbase', 'chroma']) {
      const dir = `/tmp/${dataDirPrefix(store, 17547)}C5kPgP`;
      expect(publishableCommand(`server -D ${dir}/pgdata -k ${dir} --base-dir=${dir}`)).toBe(
        'server -D $DATA_DIR/pgdata -k $DATA_DIR --base-dir=$DATA_DIR',
      );
    }
    // A longer name is not a data dir: nothing of it is replaced.
    expect(publishableCommand('/srv/vdb-bench-17547-chroma-C5kPgPx')).toBe('/srv/vdb-bench-17547-chroma-C5kPgPx');
  });

  it('prints the sanitized command in the environment section', () => {
    const server = { ...(okStore.server as NonNullable<StoreResult['server']>), description: 'chroma run --path /var/tmp/vdb-bench-chroma-Ab12Cd' };
    const r: Results = { ...results, stores: [{ ...okStore, server }] };
    expect(renderMarkdown(r)).toContain('local runtime (`chroma run --path $DATA_DIR`)');
  });
});
