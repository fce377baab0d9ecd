import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { selectStores } from '../../src/adapters/registry.js';
import { DEFAULT_CONFIG, type BenchConfig } from '../../src/bench/bench-config.js';
import { runBenchmark } from '../../src/bench/run-benchmark.js';
import { readResults } from '../../src/bench/results/results-file.js';
import type { StoreResult } from '../../src/bench/results/results-schema.js';
import { readDataset } from '../../src/datasets/read-dataset.js';
import type { Dataset } from '../../src/datasets/dataset.js';
import type { Progress } from '../../src/bench/progress.js';
import { renderMarkdown } from '../../src/report/markdown-report.js';
import { LOCAL_PLAN } from './fixtures/local-plan.js';
import { leftoversOf, NOTHING_LEFT } from './fixtures/leftovers.js';
import { faultOnPhase, signalServer } from './fixtures/server-faults.js';

/**
 * A real server that hangs (SIGSTOP to every process of it: it holds its connections and never
 * answers) during an insert and during a search. The per-call timeout fires, the store is
 * recorded "timed out after N s in <phase>", and the next store runs.
 */
const TIMEOUT_SECONDS = 2;
const SMALL: BenchConfig = {
  ...DEFAULT_CONFIG,
  batchSize: 20,
  warmupQueries: 2,
  kValues: [4],
  concurrencyLevels: [1],
  concurrencySeconds: 1,
  idleSeconds: 0.5,
  callTimeoutSeconds: TIMEOUT_SECONDS,
};

// Run order: the victim, then a store that must still finish. Both pgvector here (each run gets
// its own server, cgroup and port); the fixtures find the victim's server by store name.
const VICTIM = 'pgvector';
const SURVIVOR = 'pgvector';

let dir: string;
let dataset: Dataset;
let stopped: number[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-hangs-'));
  dataset = await readDataset(new URL('../../datasets/linux-doc-mini', import.meta.url).pathname);
});
afterEach(() => {
  // The runtime continues a stopped server to stop it; this only covers a test that failed early.
  for (const pid of stopped) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // Gone, as it should be.
    }
  }
  stopped = [];
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function hangDuring(victim: string, survivor: string, label: string, config: BenchConfig = SMALL) {
  const file = join(dir, `${victim}-${label.replace(/\W+/g, '_')}.json`);
  const fault = () => (stopped = signalServer(victim, 'SIGSTOP'));
  // With --workers the searches run in worker processes; the parent only logs "<workload>: N worker processes".
  const progress = config.workers ? faultOnLog(label, fault) : faultOnPhase(label, fault);
  await runBenchmark({ stores: selectStores(`${victim},${survivor}`), plan: LOCAL_PLAN, dataset, config, resultsFile: file, progress });
  expect(progress.fired(), `the ${label} phase never started`).toBe(true);
  const results = await readResults(file);
  const [hung, alive] = results.stores as [StoreResult, StoreResult];
  expect(alive.status).toBe('ok');
  expect(await leftoversOf(process.pid)).toEqual(NOTHING_LEFT);
  return { results, hung };
}

describe('a server that hangs (SIGSTOP)', () => {
  it('during insert: timed out in insert; the next store still runs', async () => {
    const { results, hung } = await hangDuring(VICTIM, SURVIVOR, 'insert');
    expect(hung.status).toBe('failed');
    expect(hung.error?.phase).toBe('insert');
    expect(hung.error?.message).toBe(`timed out after ${TIMEOUT_SECONDS} s in insert`);
    expect(results.config.callTimeoutSeconds).toBe(TIMEOUT_SECONDS);
    expect(renderMarkdown(results)).toContain(`**failed during insert**: timed out after ${TIMEOUT_SECONDS} s in insert`);
  }, 300_000);

  it('during search: timed out in search, insert kept; the next store still runs', async () => {
    const { results, hung } = await hangDuring(VICTIM, SURVIVOR, 'vector k=4');
    expect(hung.status).toBe('failed');
    expect(hung.error?.phase).toBe('search');
    expect(hung.error?.message).toBe(`timed out after ${TIMEOUT_SECONDS} s in search`);
    expect(hung.workloads.insert?.status).toBe('ok');
    expect(hung.workloads.vector).toBeUndefined();
    expect(renderMarkdown(results)).toContain(`**failed during search**: timed out after ${TIMEOUT_SECONDS} s in search`);
  }, 300_000);

  it('during search with --workers 2 --client dify: the workers time out, the store ends as in one process', async () => {
    const config: BenchConfig = { ...SMALL, workers: 2, clientMode: 'dify' };
    const { results, hung } = await hangDuring(VICTIM, SURVIVOR, 'vector: 2 worker processes', config);
    expect(hung.status).toBe('failed');
    expect(hung.error?.phase).toBe('search');
    expect(hung.error?.message).toBe(`timed out after ${TIMEOUT_SECONDS} s in search`);
    expect(hung.workloads.insert?.status).toBe('ok');
    expect(hung.workloads.vector).toBeUndefined();
    expect(results.config).toMatchObject({ workers: 2, clientMode: 'dify', callTimeoutSeconds: TIMEOUT_SECONDS });
  }, 300_000);
});

/** Like faultOnPhase, on the first progress line containing `text`. */
function faultOnLog(text: string, fault: () => unknown): Progress & { fired(): boolean } {
  let done = false;
  return {
    fired: () => done,
    start: () => undefined,
    tick: () => undefined,
    stop: () => undefined,
    log(line) {
      if (done || !line.includes(text)) return;
      done = true;
      fault();
    },
  };
}
