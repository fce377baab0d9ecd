import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectStores } from '../../src/adapters/registry.js';
import { DEFAULT_CONFIG, type BenchConfig } from '../../src/bench/bench-config.js';
import { runBenchmark } from '../../src/bench/run-benchmark.js';
import { readResults } from '../../src/bench/results/results-file.js';
import type { StoreResult } from '../../src/bench/results/results-schema.js';
import { readDataset } from '../../src/datasets/read-dataset.js';
import type { Dataset } from '../../src/datasets/dataset.js';
import { renderMarkdown } from '../../src/report/markdown-report.js';
import { LOCAL_PLAN } from './fixtures/local-plan.js';
import { leftoversOf, NOTHING_LEFT } from './fixtures/leftovers.js';
import { faultOnPhase, killServerProcess } from './fixtures/server-faults.js';

/**
 * A real server SIGKILLed mid-run, as the kernel's OOM killer or a crash would end it, in the
 * insert, search and concurrency phases. The store is recorded failed in that phase with the
 * cause and its last log lines; the other store still runs and the results file validates.
 */
const SMALL: BenchConfig = {
  ...DEFAULT_CONFIG,
  batchSize: 20,
  warmupQueries: 2,
  kValues: [4],
  concurrencyLevels: [1],
  concurrencySeconds: 1,
  idleSeconds: 0.5,
};

// Run order: the victim, then a store that must still finish. Both pgvector here (each run gets
// its own server, cgroup and port); the fixtures find the victim's server by store name.
const VICTIM = 'pgvector';
const SURVIVOR = 'pgvector';

let dir: string;
let dataset: Dataset;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-killed-'));
  dataset = await readDataset(new URL('../../datasets/linux-doc-mini', import.meta.url).pathname);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `victim` then `survivor`, SIGKILLing the victim's server as the phase `label` starts. */
async function killDuring(victim: string, survivor: string, label: string) {
  const file = join(dir, `${victim}-${label.replace(/\W+/g, '_')}.json`);
  const progress = faultOnPhase(label, () => killServerProcess(victim));
  await runBenchmark({ stores: selectStores(`${victim},${survivor}`), plan: LOCAL_PLAN, dataset, config: SMALL, resultsFile: file, progress });
  expect(progress.fired(), `the ${label} phase never started`).toBe(true);
  // From the file, validated against the schema, not from memory.
  const results = await readResults(file);
  const [dead, alive] = results.stores as [StoreResult, StoreResult];
  return { results, dead, alive };
}

function expectKilled(dead: StoreResult, phase: string): void {
  expect(dead.status).toBe('failed');
  expect(dead.error?.phase).toBe(phase);
  expect(dead.error?.message).toMatch(/^server exited \(code null, signal SIGKILL\)/);
  expect(dead.error?.logTail.length).toBeGreaterThan(0);
}

function expectFinished(alive: StoreResult): void {
  expect(alive.status).toBe('ok');
  for (const [name, w] of Object.entries(alive.workloads)) {
    for (const r of Array.isArray(w) ? w : [w]) expect(r?.status, name).not.toBe('failed');
  }
}

describe('a server SIGKILLed mid-run', () => {
  it('in insert: failed in insert with the cause and log lines; the next store still runs', async () => {
    const { results, dead, alive } = await killDuring(VICTIM, SURVIVOR, 'insert');
    expectKilled(dead, 'insert');
    expect(dead.workloads.insert).toBeUndefined();
    expectFinished(alive);
    const md = renderMarkdown(results);
    expect(md).toContain('**failed during insert**: server exited (code null, signal SIGKILL)');
    expect(md).toContain('last server log lines:');
    expect(await leftoversOf(process.pid)).toEqual(NOTHING_LEFT);
  }, 300_000);

  it('in search: failed in search, insert kept; the next store still runs', async () => {
    const { results, dead, alive } = await killDuring(VICTIM, SURVIVOR, 'vector k=4');
    expectKilled(dead, 'search');
    expect(dead.workloads.insert?.status).toBe('ok');
    expectFinished(alive);
    expect(renderMarkdown(results)).toContain('**failed during search**: server exited (code null, signal SIGKILL)');
    expect(await leftoversOf(process.pid)).toEqual(NOTHING_LEFT);
  }, 300_000);

  it('in concurrency: failed in concurrent, not reported as a level of errors; the next store still runs', async () => {
    const { results, dead, alive } = await killDuring(VICTIM, SURVIVOR, 'concurrent');
    expectKilled(dead, 'concurrent');
    expect(dead.workloads.vector?.[0]?.status).toBe('ok');
    expect(dead.workloads.concurrency).toBeUndefined();
    expectFinished(alive);
    expect(renderMarkdown(results)).toContain('**failed during concurrent**: server exited (code null, signal SIGKILL)');
    expect(await leftoversOf(process.pid)).toEqual(NOTHING_LEFT);
  }, 300_000);
});
