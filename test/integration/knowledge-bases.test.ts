import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectStores } from '../../src/adapters/registry.js';
import { DEFAULT_CONFIG } from '../../src/bench/bench-config.js';
import { silentProgress } from '../../src/bench/progress.js';
import { readResults } from '../../src/bench/results/results-file.js';
import type { Results, StoreResult } from '../../src/bench/results/results-schema.js';
import { runKnowledgeBases } from '../../src/bench/run-knowledge-bases.js';
import { readDataset } from '../../src/datasets/read-dataset.js';
import { renderMarkdown } from '../../src/report/markdown-report.js';
import { LOCAL_PLAN } from './fixtures/local-plan.js';

/**
 * `bench kb` on real pgvector and Chroma servers (local runtime) with small numbers: 1 and 5
 * collections of 50 docs. Asserts structure and that memory was measured, never speed or size.
 */
let dir: string;
let results: Results;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-kb-'));
  const file = join(dir, 'kb.json');
  await runKnowledgeBases({
    stores: selectStores('pgvector,chroma'),
    plan: LOCAL_PLAN,
    dataset: await readDataset(new URL('../../datasets/linux-doc-mini', import.meta.url).pathname),
    config: { ...DEFAULT_CONFIG, batchSize: 20, kValues: [4] },
    options: { counts: [5, 1], docsPerCollection: 50, queries: 3, k: 4, settleSeconds: 1, stepTimeoutSeconds: 240 },
    resultsFile: file,
    progress: silentProgress,
  });
  results = await readResults(file); // what is on disk, validated against the schema
}, 600_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const store = (name: string): StoreResult => {
  const s = results.stores.find((r) => r.store === name);
  if (!s) throw new Error(`no result for ${name}`);
  return s;
};

describe('bench kb on real pgvector and Chroma servers', () => {
  it('records both stores, no workloads, and each server version', () => {
    expect(results.stores.map((s) => `${s.store}:${s.status}`)).toEqual(['pgvector:ok', 'chroma:ok']);
    for (const s of results.stores) {
      expect(s.workloads).toEqual({});
      expect(s.server?.version).toMatch(/\d+\.\d+/);
    }
  });

  it.each([['pgvector'], ['chroma']])('%s: one step per count, ascending, with every figure present', (name) => {
    const kb = store(name).knowledgeBases;
    expect(kb).toMatchObject({ counts: [1, 5], docsPerCollection: 50, queries: 3, k: 4 });
    expect(kb?.steps.map((s) => [s.status, s.collections, s.docsPerCollection])).toEqual([
      ['ok', 1, 50],
      ['ok', 5, 50],
    ]);
    for (const step of kb?.steps ?? []) {
      if (step.status !== 'ok') throw new Error(step.error);
      expect(step.searches).toBe(step.collections * 3);
      expect(step.searchLatency.count).toBe(step.searches);
      expect(step.searchLatency.p50Ms).toBeGreaterThan(0);
      expect(step.createInsertSeconds).toBeGreaterThan(0);
      for (const bytes of [step.emptyBytes, step.idleBytes, step.insertPeakBytes, step.searchMeanBytes, step.searchPeakBytes, step.closedBytes]) {
        expect(bytes).toBeGreaterThan(0);
      }
      expect(step.searchPeakBytes).toBeGreaterThanOrEqual(step.searchMeanBytes ?? Infinity);
      expect(Object.keys(step.memory?.phases ?? {})).toEqual(expect.arrayContaining(['idle', 'insert', 'settle', 'search', 'closed']));
    }
  });

  it('renders the knowledge-base tables from the file alone', () => {
    const md = renderMarkdown(results);
    expect(md).toContain('## Knowledge bases (N collections × 50 docs, one fresh server per N)');
    expect(md).toMatch(/\| N=5 +\| +\d+ \/ \d+ \| +\d+ \/ \d+ \|/);
    expect(md).not.toContain('## Insert');
  });
});
