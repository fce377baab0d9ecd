import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStore, selectStores } from '../../src/adapters/registry.js';
import type { StoreDefinition } from '../../src/adapters/store-definition.js';
import { DEFAULT_CONFIG, type BenchConfig } from '../../src/bench/bench-config.js';
import { createOwnCollection, ownCollectionName, removeOwnCollection, type OwnCollection } from '../../src/bench/own-collection.js';
import { silentProgress } from '../../src/bench/progress.js';
import { readResults } from '../../src/bench/results/results-file.js';
import type { Results, StoreResult } from '../../src/bench/results/results-schema.js';
import { newStoreResult } from '../../src/bench/results/store-result.js';
import { runBenchmark } from '../../src/bench/run-benchmark.js';
import { readDataset } from '../../src/datasets/read-dataset.js';
import { startExternalServer } from '../../src/runtime/external/external-runtime.js';
import { freePort } from '../../src/runtime/free-port.js';
import { startLocalServer } from '../../src/runtime/local-runtime.js';
import type { RunningServer } from '../../src/runtime/running-server.js';
import { LOCAL_PLAN } from './fixtures/local-plan.js';
import { compareQuality } from './fixtures/compare-quality.js';

/**
 * The external runtime against servers this test starts itself (local runtime) with
 * authentication on: PostgreSQL with a password (scram-sha-256 for the role the run uses) and
 * Weaviate with an API key and its Prometheus port. The benchmark reaches them only through
 * `bench run --runtime external --endpoint ...` in a child process, credentials in Dify's
 * variables. Its quality figures must equal a local-runtime run of the same server build on the
 * same dataset; it must leave no collection behind; no output may contain a secret.
 */
const DATASET = new URL('../../datasets/linux-doc-mini', import.meta.url).pathname;
const BIN = new URL('../../bin/bench.js', import.meta.url).pathname;
const PG_PASSWORD = 'pg-Secret-7f3a9c';
const WEAVIATE_KEY = 'wv-Secret-d41e27';
const SHORT: BenchConfig = { ...DEFAULT_CONFIG, warmupQueries: 5, concurrencyLevels: [1], concurrencySeconds: 0.5, idleSeconds: 1 };
const SHORT_FLAGS = ['--warmup', '5', '--concurrency', '1', '--concurrency-seconds', '0.5', '--quiet'];

const run = promisify(execFile);

function definition(name: string): StoreDefinition {
  const d = findStore(name);
  if (!d?.local) throw new Error(`${name} has no local recipe`);
  return d;
}

let dir: string;
let pgServer: RunningServer;
let weaviateServer: RunningServer;
let metricsPort: number;
let local: Results;
let external: Results;
let cli: { code: number; stdout: string; stderr: string };

async function pgAdmin<T>(database: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: '127.0.0.1', port: pgServer.endpoint.ports.postgres, user: 'postgres', database });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A role `bench` with a password and its own database, as a managed PostgreSQL hands out. */
async function switchOnPasswords(): Promise<void> {
  await pgAdmin('postgres', async (c) => {
    await c.query(`CREATE ROLE bench LOGIN PASSWORD '${PG_PASSWORD}'`);
    await c.query('CREATE DATABASE benchdb OWNER bench');
    const hba = (await c.query<{ hba_file: string }>('SHOW hba_file')).rows[0]?.hba_file ?? '';
    // postgres stays trusted (this test's own checks); every other role needs its password.
    await c.query(
      `COPY (SELECT unnest(ARRAY['local all all trust', 'host all postgres 127.0.0.1/32 trust', ` +
        `'host all all 127.0.0.1/32 scram-sha-256'])) TO '${hba}'`,
    );
    await c.query('SELECT pg_reload_conf()');
  });
  // The extension is the administrator's to install, as on a managed server.
  await pgAdmin('benchdb', (c) => c.query('CREATE EXTENSION vector'));
}

function endpoints(): string {
  return (
    `pgvector=postgres://bench@127.0.0.1:${pgServer.endpoint.ports.postgres}/benchdb,` +
    `weaviate=http://127.0.0.1:${weaviateServer.endpoint.ports.http}?grpc=${weaviateServer.endpoint.ports.grpc}&metrics=${metricsPort}`
  );
}

async function bench(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { env: { ...process.env, ...env }, timeout: 600_000, maxBuffer: 64 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function weaviateClasses(key: string | undefined): Promise<{ status: number; classes: string[] }> {
  const res = await fetch(`http://127.0.0.1:${weaviateServer.endpoint.ports.http}/v1/schema`, {
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });
  const body = (await res.json()) as { classes?: { class: string }[] };
  return { status: res.status, classes: (body.classes ?? []).map((c) => c.class) };
}

async function benchTables(): Promise<string[]> {
  return pgAdmin('benchdb', async (c) =>
    (await c.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE tablename LIKE 'embedding_%'`)).rows.map((r) => r.tablename),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-external-'));
  metricsPort = await freePort();
  pgServer = await startLocalServer('pgvector', definition('pgvector').local!, { logDir: join(dir, 'server-logs') });
  weaviateServer = await startLocalServer('weaviate', definition('weaviate').local!, {
    logDir: join(dir, 'server-logs'),
    env: {
      AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED: 'false',
      AUTHENTICATION_APIKEY_ENABLED: 'true',
      AUTHENTICATION_APIKEY_ALLOWED_KEYS: WEAVIATE_KEY,
      AUTHENTICATION_APIKEY_USERS: 'bench',
      PROMETHEUS_MONITORING_ENABLED: 'true',
      PROMETHEUS_MONITORING_PORT: String(metricsPort),
    },
  });
  await switchOnPasswords();

  const dataset = await readDataset(DATASET);
  local = await runBenchmark({
    stores: selectStores('pgvector,weaviate'),
    plan: LOCAL_PLAN,
    dataset,
    config: SHORT,
    resultsFile: join(dir, 'local', 'local.json'),
    progress: silentProgress,
  });
  cli = await bench(
    ['run', '--runtime', 'external', '--endpoint', endpoints(), '--dataset', DATASET, '--out', join(dir, 'external', 'external.json'), ...SHORT_FLAGS],
    { PGVECTOR_PASSWORD: PG_PASSWORD, WEAVIATE_API_KEY: WEAVIATE_KEY },
  );
  external = await readResults(join(dir, 'external', 'external.json'));
}, 900_000);

afterAll(async () => {
  await pgServer?.stop();
  await weaviateServer?.stop();
  if (!process.env.VDB_BENCH_KEEP_TEST_DIR) await rm(dir, { recursive: true, force: true });
});

function store(results: Results, name: string): StoreResult {
  const s = results.stores.find((r) => r.store === name);
  if (!s) throw new Error(`no result for ${name}`);
  return s;
}

describe('bench run --runtime external against authenticated servers', () => {
  it('completes every store through the external runtime only', () => {
    const why = external.stores.map((s) => `${s.store}: ${s.status}${s.error ? ` in ${s.error.phase}: ${s.error.message}` : ''}`).join('; ');
    expect(cli.code, `${why}\n${cli.stderr}`).toBe(0);
    expect(external.config.runtime).toBe('external');
    expect(external.stores.map((s) => `${s.store}:${s.status}:${s.server?.runtime}`)).toEqual([
      'pgvector:ok:external',
      'weaviate:ok:external',
    ]);
    expect(local.stores.map((s) => `${s.store}:${s.status}`)).toEqual(['pgvector:ok', 'weaviate:ok']);
    expect(store(external, 'pgvector').server?.settings.credential).toBe('from PGVECTOR_PASSWORD');
    expect(store(external, 'weaviate').server?.settings.credential).toBe('from WEAVIATE_API_KEY');
  });

  it.each([['pgvector'], ['weaviate']])('%s: the quality figures of a local-runtime run of the same server build', (name) => {
    const ext = store(external, name);
    const loc = store(local, name);
    expect(ext.server?.version).toBe(loc.server?.version);
    compareQuality(ext, loc);
    // Not vacuous: every search workload ran and was judged.
    for (const r of [...(ext.workloads.vector ?? []), ext.workloads.fullText, ext.workloads.difyHybrid]) {
      expect(r?.status).toBe('ok');
      if (r?.status === 'ok') expect(r.ndcg10).toBeGreaterThan(0.3);
    }
    expect((ext.workloads.vector ?? []).every((r) => r.status === 'ok' && (r.recall ?? 0) > 0.9)).toBe(true);
  });

  it('leaves no collection behind on either server', async () => {
    expect(await benchTables()).toEqual([]);
    const { status, classes } = await weaviateClasses(WEAVIATE_KEY);
    expect(status).toBe(200);
    expect(classes).toEqual([]);
  });

  it('reads Weaviate memory from its Prometheus port and says pgvector memory is not visible', async () => {
    const w = store(external, 'weaviate');
    expect(w.memory?.method).toBe(
      `Prometheus process_resident_memory_bytes from http://127.0.0.1:${metricsPort}/metrics (the store's own figure, not cgroup usage)`,
    );
    expect(w.memory?.phases.insert?.samples).toBeGreaterThan(0);
    expect(w.memory?.phases.search?.maxBytes).toBeGreaterThan(0);
    const p = store(external, 'pgvector');
    expect(p.memory).toBeUndefined();
    expect(p.server?.memoryNotVisible).toBe('PostgreSQL serves no memory metrics of its own');
    const report = await readFile(join(dir, 'external', 'external.md'), 'utf8');
    expect(report).toContain('memory: not visible (PostgreSQL serves no memory metrics of its own)');
    expect(report).toContain(`memory: Prometheus process_resident_memory_bytes`);
  });

  it('writes no secret into any output file, the terminal or a log', async () => {
    const files = await readdir(join(dir, 'external'));
    expect(files).toContain('external.json');
    expect(files).toContain('external.md');
    const outputs = [cli.stdout, cli.stderr, ...(await Promise.all(files.map((f) => readFile(join(dir, 'external', f), 'utf8'))))];
    for (const text of outputs) {
      expect(text).not.toContain(PG_PASSWORD);
      expect(text).not.toContain(WEAVIATE_KEY);
    }
  });

  it('a wrong credential fails the store at start, with an error that does not repeat it', async () => {
    const wrong = 'wrong-Secret-0b9e55';
    const r = await bench(
      ['run', '--runtime', 'external', '--endpoint', endpoints(), '--dataset', DATASET, '--out', join(dir, 'wrong', 'wrong.json'), ...SHORT_FLAGS],
      { PGVECTOR_PASSWORD: wrong, WEAVIATE_API_KEY: wrong },
    );
    expect(r.code).toBe(1);
    const results = await readResults(join(dir, 'wrong', 'wrong.json'));
    expect(results.stores.map((s) => `${s.store}:${s.status}:${s.error?.phase}`)).toEqual(['pgvector:failed:start', 'weaviate:failed:start']);
    expect(store(results, 'pgvector').error?.message).toContain('password authentication failed for user "bench"');
    expect(store(results, 'weaviate').error?.message).toContain('answered 401');
    const texts = [r.stdout, r.stderr, ...(await Promise.all((await readdir(join(dir, 'wrong'))).map((f) => readFile(join(dir, 'wrong', f), 'utf8'))))];
    for (const text of texts) expect(text).not.toContain(wrong);
  });

  it('a password in the URL is bad input: exit 2, the password not repeated', async () => {
    const r = await bench(['run', '--runtime', 'external', '--endpoint', 'pgvector=postgres://bench:inline-pw-31@127.0.0.1:1/db', '--dataset', DATASET], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--endpoint pgvector: the URL holds a password; put it in PGVECTOR_PASSWORD instead');
    expect(r.stderr).not.toContain('inline-pw-31');
  });

  it('refuses a collection it did not create, and removes its own after a failure', async () => {
    const server = await startExternalServer('pgvector', definition('pgvector').external!, endpoints().split(',')[0]!.slice('pgvector='.length), {
      env: { PGVECTOR_PASSWORD: PG_PASSWORD },
    });
    const selection = selectStores('pgvector')[0]!;
    const session = await selection.profile.createAdapter().connect(server.endpoint);
    try {
      // Someone else's knowledge base on the server.
      const theirs = ownCollectionName();
      await session.createCollection({ name: theirs, dims: 4, metric: 'cosine' });
      const run: { collection?: OwnCollection } = {};
      await expect(createOwnCollection(run, session, { name: theirs, dims: 4, metric: 'cosine' })).rejects.toThrow(
        `refusing collection ${theirs}: the server already holds it and this run did not create it`,
      );
      expect(run.collection).toBeUndefined();
      expect(await session.collectionExists(theirs)).toBe(true);

      // Ours, then a failure before the run's end: the cleanup run-store does in `finally`.
      const mine = ownCollectionName();
      await createOwnCollection(run, session, { name: mine, dims: 4, metric: 'cosine' });
      const result = { ...newStoreResult(selection), status: 'failed' as const, error: { phase: 'insert', message: 'boom', logTail: [] } };
      await removeOwnCollection(run, result);
      expect(await session.collectionExists(mine)).toBe(false);
      expect(result.error.message).toBe('boom');
      await session.removeCollection(theirs);
      expect(await benchTables()).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
