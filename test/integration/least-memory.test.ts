import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selectStores } from '../../src/adapters/registry.js';
import { DEFAULT_CONFIG } from '../../src/bench/bench-config.js';
import { silentProgress } from '../../src/bench/progress.js';
import { readResults } from '../../src/bench/results/results-file.js';
import { runLeastMemory } from '../../src/bench/run-least-memory.js';
import { readDataset } from '../../src/datasets/read-dataset.js';
import { renderMarkdown } from '../../src/report/markdown-report.js';
import { LOCAL_PLAN } from './fixtures/local-plan.js';

const MiB = 2 ** 20;
let dir: string | undefined;

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bench memory on a real pgvector server under cgroup limits', () => {
  it('brackets the least limit between an OOM kill and a completed run', async () => {
    dir = await mkdtemp(join(tmpdir(), 'vdb-bench-mem-'));
    const file = join(dir, 'memory.json');
    await runLeastMemory({
      stores: selectStores('pgvector'),
      plan: LOCAL_PLAN,
      dataset: await readDataset(new URL('../../datasets/linux-doc-mini', import.meta.url).pathname),
      config: { ...DEFAULT_CONFIG, warmupQueries: 2 },
      // 8 MiB cannot hold PostgreSQL's shared memory; 512 MiB is plenty for 322 chunks.
      search: { minBytes: 8 * MiB, maxBytes: 512 * MiB, resolution: 0.5, maxProbes: 5 },
      probeTimeoutSeconds: 120,
      resultsFile: file,
      progress: silentProgress,
    });
    const results = await readResults(file);
    const m = results.stores[0]?.leastMemory;
    expect(results.stores[0]?.server?.version).toMatch(/^PostgreSQL/);
    expect(m?.probes.map((p) => p.limitBytes / MiB).slice(0, 2)).toEqual([512, 8]);
    expect(m?.probes[0]?.survived).toBe(true);
    expect(m?.probes[1]).toMatchObject({ survived: false });
    expect(m?.probes[1]?.failure).toMatch(/OOM-killed|exited/);
    expect(m?.leastBytes).toBeGreaterThan(m?.failedBytes ?? Infinity);
    expect(m?.unlimitedP50Ms).toBeGreaterThan(0);
    expect(renderMarkdown(results)).toContain('## Least memory');
  });
});
