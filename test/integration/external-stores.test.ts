import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStore, selectStores } from '../../src/adapters/registry.js';
import { DEFAULT_CONFIG, type BenchConfig } from '../../src/bench/bench-config.js';
import { silentProgress } from '../../src/bench/progress.js';
import { readResults } from '../../src/bench/results/results-file.js';
import type { Results, StoreResult } from '../../src/bench/results/results-schema.js';
import { runBenchmark } from '../../src/bench/run-benchmark.js';
import { readDataset } from '../../src/datasets/read-dataset.js';
import { startLocalServer } from '../../src/runtime/local-runtime.js';
import type { RunningServer } from '../../src/runtime/running-server.js';
import { LOCAL_PLAN } from './fixtures/local-plan.js';

/**
 * The external runtime for the stores external-runtime.test.ts does not cover: Chroma with token
 * authentication (CHROMA_AUTH_CREDENTIALS) and seekdb (OceanBase) with a password user
 * (OCEANBASE_VECTOR_PASSWORD), both started here by the local runtime and reached only through
 * `bench run --runtime external`. Every workload completes, nothing is left on the servers, no
 * secret reaches an output, and the quality figures are compared with a local-runtime run.
 */
const DATASET = new URL('../../datasets/linux-doc-mini', import.meta.url).pathname;
const BIN = new URL('../../bin/bench.js', import.meta.url).pathname;
const CHROMA_TOKEN = 'ch-Secret-5a1c0d';
const OB_PASSWORD = 'ob-Secret-92e4b7';
const SHORT: BenchConfig = { ...DEFAULT_CONFIG, warmupQueries: 5, concurrencyLevels: [1], concurrencySeconds: 0.5, idleSeconds: 1 };
const SHORT_FLAGS = ['--warmup', '5', '--concurrency', '1', '--concurrency-seconds', '0.5', '--quiet'];

let dir: string;
let chroma: RunningServer;
let seekdb: RunningServer;
let local: Results;
let external: Results;
let cli: { code: number; stdout: string; stderr: string };

async function bench(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [BIN, ...args], {
      env: { ...process.env, ...env },
      timeout: 900_000,
      maxBuffer: 64 * 2 ** 20,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function seekdbRoot<T>(work: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: seekdb.endpoint.ports.mysql, user: 'root', password: '', database: 'test' });
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

async function seekdbTables(): Promise<string[]> {
  return seekdbRoot(async (c) => {
    const [rows] = await c.query<mysql.RowDataPacket[]>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'test'");
    return rows.map((r) => String(r.t));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-external-stores-'));
  const logDir = join(dir, 'server-logs');
  chroma = await startLocalServer('chroma', findStore('chroma')!.local!, {
    logDir,
    env: {
      CHROMA_SERVER_AUTHN_PROVIDER: 'chromadb.auth.token_authn.TokenAuthenticationServerProvider',
      CHROMA_SERVER_AUTHN_CREDENTIALS: CHROMA_TOKEN,
    },
  });
  seekdb = await startLocalServer('oceanbase', findStore('oceanbase')!.local!, { logDir });
  // What a DBA hands Dify: a user with a password on its database, the vector memory already set.
  await seekdbRoot(async (c) => {
    await c.query(`CREATE USER bench IDENTIFIED BY '${OB_PASSWORD}'`);
    await c.query('GRANT ALL PRIVILEGES ON test.* TO bench');
    await c.query('ALTER SYSTEM SET ob_vector_memory_limit_percentage = 30');
  });

  local = await runBenchmark({
    stores: selectStores('chroma,oceanbase'),
    plan: LOCAL_PLAN,
    dataset: await readDataset(DATASET),
    config: SHORT,
    resultsFile: join(dir, 'local', 'local.json'),
    progress: silentProgress,
  });
  const endpoints =
    `chroma=http://127.0.0.1:${chroma.endpoint.ports.http},` + `oceanbase=mysql://bench@127.0.0.1:${seekdb.endpoint.ports.mysql}/test`;
  cli = await bench(['run', '--runtime', 'external', '--endpoint', endpoints, '--dataset', DATASET, '--out', join(dir, 'external', 'external.json'), ...SHORT_FLAGS], {
    CHROMA_AUTH_CREDENTIALS: CHROMA_TOKEN,
    OCEANBASE_VECTOR_PASSWORD: OB_PASSWORD,
  });
  external = await readResults(join(dir, 'external', 'external.json'));
}, 1_200_000);

afterAll(async () => {
  await chroma?.stop();
  await seekdb?.stop();
  if (!process.env.VDB_BENCH_KEEP_TEST_DIR) await rm(dir, { recursive: true, force: true });
});

function store(results: Results, name: string): StoreResult {
  const s = results.stores.find((r) => r.store === name);
  if (!s) throw new Error(`no result for ${name}`);
  return s;
}

function quality(s: StoreResult): Record<string, unknown> {
  const w = s.workloads;
  const q = (r: (typeof w)['fullText']) => (r?.status === 'ok' ? { recall: r.recall, ndcg10: r.ndcg10, mrr10: r.mrr10, empty: r.emptyAnswers } : r?.status);
  return {
    vector: (w.vector ?? []).map((r) => q(r)),
    filteredVector: q(w.filteredVector),
    fullText: q(w.fullText),
    difyHybrid: q(w.difyHybrid),
    nativeHybrid: q(w.nativeHybrid),
  };
}

describe('bench run --runtime external: Chroma (token) and seekdb (password)', () => {
  it('runs every workload of both through the external runtime', () => {
    expect(cli.code, cli.stderr).toBe(0);
    expect(external.stores.map((s) => `${s.store}:${s.status}:${s.server?.runtime}:${s.server?.settings.credential}`)).toEqual([
      'chroma:ok:external:from CHROMA_AUTH_CREDENTIALS',
      'oceanbase:ok:external:from OCEANBASE_VECTOR_PASSWORD',
    ]);
    for (const s of external.stores) expect(s.server?.memoryNotVisible, s.store).toBeDefined();
  });

  it('oceanbase: the same quality figures as a local-runtime run of the same server build', () => {
    expect(store(external, 'oceanbase').server?.version).toBe(store(local, 'oceanbase').server?.version);
    expect(quality(store(external, 'oceanbase'))).toEqual(quality(store(local, 'oceanbase')));
  });

  // Chroma 0.5.20 builds its HNSW graph with parallel insert threads and searches it with
  // hnsw:search_ef 10, so which neighbours come back moves between any two runs, local or not
  // (benchmark.test.ts sees recall 0.875 to 1.0 at k=10; runs of this test differed by one
  // neighbour in 400, nDCG@10 by 0.004): recall and nDCG may differ by that noise; which queries get an answer and
  // the rank of the first relevant chunk (MRR) must not.
  it('chroma: the quality figures of a local-runtime run, up to HNSW run-to-run noise', () => {
    const ext = store(external, 'chroma');
    const loc = store(local, 'chroma');
    expect(ext.server?.version).toBe(loc.server?.version);
    const noisy = new Set(['recall', 'ndcg10']);
    const exact = (s: StoreResult) => JSON.parse(JSON.stringify(quality(s), (k, v: unknown) => (noisy.has(k) ? undefined : v))) as unknown;
    expect(exact(ext)).toEqual(exact(loc));
    const vector = (s: StoreResult) => (s.workloads.vector ?? []).map((r) => (r.status === 'ok' ? r : undefined));
    vector(ext).forEach((r, i) => {
      const base = vector(loc)[i];
      expect(Math.abs((r?.recall ?? NaN) - (base?.recall ?? NaN)), `vector #${i} recall`).toBeLessThanOrEqual(0.02);
      expect(Math.abs((r?.ndcg10 ?? NaN) - (base?.ndcg10 ?? NaN)), `vector #${i} nDCG@10`).toBeLessThanOrEqual(0.02);
    });
  });

  it('leaves no collection behind', async () => {
    const res = await fetch(`http://127.0.0.1:${chroma.endpoint.ports.http}/api/v2/tenants/default_tenant/databases/default_database/collections`, {
      headers: { authorization: `Bearer ${CHROMA_TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { name: string }[]).map((c) => c.name)).toEqual([]);
    expect(await seekdbTables()).toEqual([]);
  });

  it('writes no secret into any output', async () => {
    const files = await readdir(join(dir, 'external'));
    const texts = [cli.stdout, cli.stderr, ...(await Promise.all(files.map((f) => readFile(join(dir, 'external', f), 'utf8'))))];
    for (const text of texts) {
      expect(text).not.toContain(CHROMA_TOKEN);
      expect(text).not.toContain(OB_PASSWORD);
    }
  });
});
