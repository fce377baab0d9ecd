import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgvectorStore } from '../../src/adapters/pgvector/index.js';
import { selectProfile } from '../../src/adapters/registry.js';
import type { StoreDefinition } from '../../src/adapters/store-definition.js';
import { DEFAULT_CONFIG } from '../../src/bench/bench-config.js';
import { silentProgress } from '../../src/bench/progress.js';
import { runBenchmark } from '../../src/bench/run-benchmark.js';
import { readResults } from '../../src/bench/results/results-file.js';
import { readDataset } from '../../src/datasets/read-dataset.js';
import type { LocalRecipe } from '../../src/runtime/local-recipe.js';
import { startLocalServer } from '../../src/runtime/local-runtime.js';
import { ServerStartError } from '../../src/runtime/server-start-error.js';
import { LOCAL_PLAN } from './fixtures/local-plan.js';

/** A real process standing in for a server that dies at start, as a misconfigured store does. */
const crashingRecipe: LocalRecipe = {
  ports: ['http'],
  defaultVersion: '1',
  versions: ['1'],
  installScript: 'scripts/none.sh',
  command: () => ({ command: 'sh', args: ['-c', 'echo "listening soon"; echo "fatal: bad config" >&2; exit 3'] }),
  isReady: async () => false,
  startTimeoutSeconds: 10,
};

/** A process that allocates 400 MiB and then sleeps: under a 128 MiB limit the kernel kills it. */
const hungryRecipe: LocalRecipe = {
  ...crashingRecipe,
  command: () => ({ command: 'python3', args: ['-c', 'import time; a = bytearray(400 * 2**20); time.sleep(30)'] }),
  isReady: async () => false,
};

let logDir: string;

beforeAll(async () => {
  logDir = await mkdtemp(join(tmpdir(), 'vdb-bench-logs-'));
});

afterAll(async () => {
  await rm(logDir, { recursive: true, force: true });
});

describe('local runtime faults', () => {
  it('a server that exits at start fails with its command and last log lines', async () => {
    const error = await startLocalServer('crashy', crashingRecipe, { logDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerStartError);
    const message = (error as Error).message;
    expect(message).toContain('crashy: server exited during start (code 3');
    expect(message).toContain("command: sh -c echo \"listening soon\"; echo \"fatal: bad config\" >&2; exit 3");
    expect(message).toContain('fatal: bad config');
  });

  it('an enforced memory limit OOM-kills the server and says so', async () => {
    const error = await startLocalServer('hungry', hungryRecipe, { logDir, memoryLimitBytes: 128 * 2 ** 20 }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain('hungry: server exited during start (code null, signal SIGKILL, OOM-killed)');
  });

  it('an unknown version is refused, listing the known ones', async () => {
    await expect(startLocalServer('crashy', crashingRecipe, { version: '9' })).rejects.toThrow(
      'crashy: no local recipe for version 9; known: 1',
    );
  });
});

describe('one failing store never stops the others', () => {
  it('records the failure with its cause and still measures the next store', async () => {
    const broken: StoreDefinition = { ...pgvectorStore, name: 'broken', local: crashingRecipe };
    const dataset = await readDataset(new URL('../../datasets/linux-doc-mini', import.meta.url).pathname);
    const file = join(logDir, 'run.json');
    await runBenchmark({
      stores: [selectProfile(broken, 'dify'), selectProfile(pgvectorStore, 'dify')],
      plan: LOCAL_PLAN,
      dataset,
      config: { ...DEFAULT_CONFIG, warmupQueries: 2, concurrencyLevels: [1], concurrencySeconds: 0.5, idleSeconds: 0.5 },
      resultsFile: file,
      progress: silentProgress,
    });
    const results = await readResults(file);
    expect(results.stores.map((s) => `${s.store}:${s.status}`)).toEqual(['broken:failed', 'pgvector:ok']);
    expect(results.stores[0]?.error?.phase).toBe('start');
    expect(results.stores[0]?.error?.message).toContain('fatal: bad config');
    expect(JSON.parse(await readFile(file, 'utf8')).finishedAt).toBeDefined();
  });
});
