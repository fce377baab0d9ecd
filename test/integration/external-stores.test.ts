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
import { compareQuality } from './fixtures/compare-quality.js';

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

describe('bench run --runtime external: Chroma (token) and seekdb (password)', () => {
  it('runs every workload of both through the external runtime', () => {
    const why = external.stores.map((s) => `${s.store}: ${s.status}${s.error ? ` in ${s.error.phase}: ${s.error.message}` : ''}`).join('; ');
    expect(cli.code, `${why}\n${cli.stderr}`).toBe(0);
    expect(external.stores.map((s) => `${s.store}:${s.status}:${s.server?.runtime}:${s.server?.settings.credential}`)).toEqual([
      'chroma:ok:external:from CHROMA_AUTH_CREDENTIALS',
      'oceanbase:ok:external:from OCEANBASE_VECTOR_PASSWORD',
    ]);
    for (const s of external.stores) expect(s.server?.memoryNotVisible, s.store).toBeDefined();
  });

  it.each([['chroma'], ['oceanbase']])('%s: the quality figures of a local-runtime run of the same server build', (name) => {
    expect(store(external, name).server?.version).toBe(store(local, name).server?.version);
    // OceanBase's MATCH scores drift while its statistics settle after inserts (its profile's notes).
    // Chroma 0.5.20 keeps only hits with 1 − L2 distance ≥ 0 from an HNSW graph each run builds
    // anew, so its vector figures move more between any two builds than the others' (nDCG@10
    // 0.028 apart seen here; recall@4 0.504 and 0.494 in two local runs of the published set).
    compareQuality(store(external, name), store(local, name), name === 'oceanbase' ? ['fullText'] : [], name === 'chroma' ? 0.05 : 0.02);
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
