import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, request, type Server } from 'node:http';
import pg from 'pg';
import { chromaStore } from '../../src/adapters/chroma/index.js';
import { pgvectorStore } from '../../src/adapters/pgvector/index.js';
import type { Collection, StoreSession } from '../../src/adapters/store-adapter.js';
import { retrievalPath } from '../../src/bench/workloads/retrieval-path.js';
import type { Endpoint } from '../../src/runtime/endpoint.js';
import { startLocalServer } from '../../src/runtime/local-runtime.js';
import type { RunningServer } from '../../src/runtime/running-server.js';
import { NEAREST_TO_17, fruitChunks, vector } from './fixtures/fruit-chunks.js';

/**
 * `--client dify` on real servers: each retrieval does the setup Dify's *_vector.py does for a new
 * Vector, through the same generic wrapper (retrievalPath) the bench uses, and answers exactly as
 * the pooled client does. pgvector: every retrieval is a new PostgreSQL session (pg_stat_database
 * counts them) that is gone afterwards. Chroma (HTTP): every retrieval first checks the tenant and
 * the database as chromadb's HttpClient constructor does (a proxy in front of the server records
 * every request).
 */
const DOCS = fruitChunks();
const SEARCHES = 12;
const ids = (hits: readonly { id: string }[]): string[] => hits.map((h) => h.id);

/** Polls `read` until it returns `want` or 10 s pass (a backend's exit is reported just after its socket closes). */
async function settlesAt(read: () => Promise<number>, want: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  let value = await read();
  while (value !== want && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

describe('pgvector: the Dify client path opens a new backend per retrieval', () => {
  let server: RunningServer;
  let session: StoreSession;
  let collection: Collection;
  let monitor: pg.Client;

  beforeAll(async () => {
    const recipe = pgvectorStore.local;
    const profile = pgvectorStore.profiles.dify;
    if (!recipe || !profile) throw new Error('pgvector has no local recipe or dify profile');
    server = await startLocalServer('pgvector', recipe);
    session = await profile.createAdapter().connect(server.endpoint);
    collection = await session.createCollection({ name: 'it_client_path', dims: 8, metric: 'cosine' });
    await collection.insert(DOCS);
    monitor = new pg.Client({ host: server.endpoint.host, port: server.endpoint.ports.postgres, user: 'postgres', database: 'postgres' });
    await monitor.connect();
  });

  afterAll(async () => {
    await monitor?.end().catch(() => undefined);
    await collection?.drop().catch(() => undefined);
    await session?.close();
    await server?.stop();
  });

  /** Sessions ever established to the database (PostgreSQL ≥ 14), fresh from the shared statistics. */
  const sessions = async (): Promise<number> => {
    await monitor.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await monitor.query<{ n: string }>("SELECT sessions AS n FROM pg_stat_database WHERE datname = 'postgres'");
    return Number(rows[0]?.n);
  };
  const clientBackends = async (): Promise<number> => {
    const { rows } = await monitor.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'client backend'");
    return Number(rows[0]?.n);
  };

  it('pooled: searches reuse the warm pool, no session is opened', async () => {
    const pooled = retrievalPath(collection, 'pooled');
    expect(pooled).toBe(collection);
    await pooled.searchVector({ vector: vector(17), k: 5 }); // the pool's connection exists from here on
    const before = await settlesAt(sessions, await sessions());
    expect(before).toBeGreaterThan(0); // the counter is read (a NaN would compare equal to itself)
    for (let i = 0; i < SEARCHES; i++) expect(ids(await pooled.searchVector({ vector: vector(17), k: 5 }))).toEqual(NEAREST_TO_17);
    expect(await sessions()).toBe(before);
  });

  it('dify: every vector and full-text search is one new session, closed when it answers; answers unchanged', async () => {
    const dify = retrievalPath(collection, 'dify');
    const backendsBefore = await clientBackends();
    const before = await sessions();
    expect(backendsBefore).toBeGreaterThanOrEqual(2); // the pool's connection and the monitor
    for (let i = 0; i < SEARCHES; i++) {
      expect(ids(await dify.searchVector({ vector: vector(17), k: 5 }))).toEqual(NEAREST_TO_17);
      const text = await dify.searchFullText?.({ text: 'banana', k: 10 });
      expect(ids(text ?? [])).toEqual(ids((await collection.searchFullText?.({ text: 'banana', k: 10 })) ?? []));
    }
    expect(await settlesAt(sessions, before + 2 * SEARCHES)).toBe(before + 2 * SEARCHES);
    // No connection outlives its retrieval.
    expect(await settlesAt(clientBackends, backendsBefore)).toBe(backendsBefore);
  });

  it('records what the Dify client does in the session settings', () => {
    expect(session.info.settings.difyClient).toBe(
      'a new connection (backend) per retrieval, as psycopg2 SimpleConnectionPool(1, 5) per Vector',
    );
  });
});

/** An HTTP proxy to `target` that records `METHOD path` of every request it forwards. */
async function recordingProxy(target: number): Promise<{ port: number; seen: string[]; server: Server }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const upstream = request(
      { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as { port: number }).port, seen, server };
}

describe('chroma: the Dify client path checks tenant and database per retrieval, as a new HttpClient', () => {
  let server: RunningServer;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  let session: StoreSession;
  let collection: Collection;

  beforeAll(async () => {
    const recipe = chromaStore.local;
    const profile = chromaStore.profiles.dify;
    if (!recipe || !profile) throw new Error('chroma has no local recipe or dify profile');
    // 1.0.0 is the version `npm ci` alone installs (the npm bindings); the requests checked here
    // are the harness's, the same against every version.
    server = await startLocalServer('chroma', recipe, { version: '1.0.0' });
    const port = server.endpoint.ports.http;
    if (port === undefined) throw new Error('chroma: no http port');
    proxy = await recordingProxy(port);
    const endpoint: Endpoint = { ...server.endpoint, ports: { ...server.endpoint.ports, http: proxy.port } };
    session = await profile.createAdapter().connect(endpoint);
    collection = await session.createCollection({ name: 'it_client_path', dims: 8, metric: 'cosine' });
    await collection.insert(DOCS);
  });

  afterAll(async () => {
    await collection?.drop().catch(() => undefined);
    await session?.close();
    await new Promise<void>((r) => (proxy ? proxy.server.close(() => r()) : r()));
    await server?.stop();
  });

  /** The requests one search sends, path shapes only (collection ids vary per run). */
  const requestsOf = async (search: () => Promise<unknown>): Promise<string[]> => {
    proxy.seen.length = 0;
    await search();
    return proxy.seen.map((r) => r.replace(/\/collections\/[0-9a-f-]{36}/, '/collections/<id>'));
  };

  it('pooled: the collection lookup Dify makes before every call, then the query', async () => {
    const pooled = retrievalPath(collection, 'pooled');
    const requests = await requestsOf(() => pooled.searchVector({ vector: vector(17), k: 5 }));
    expect(requests).toEqual([
      'POST /api/v2/tenants/default_tenant/databases/default_database/collections',
      'POST /api/v2/tenants/default_tenant/databases/default_database/collections/<id>/query',
    ]);
  });

  it('dify: GET tenant and GET database first, then the same lookup and query; answers unchanged', async () => {
    const dify = retrievalPath(collection, 'dify');
    let hits: { id: string }[] = [];
    const requests = await requestsOf(async () => (hits = await dify.searchVector({ vector: vector(17), k: 5 })));
    expect(requests).toEqual([
      'GET /api/v2/tenants/default_tenant',
      'GET /api/v2/tenants/default_tenant/databases/default_database',
      'POST /api/v2/tenants/default_tenant/databases/default_database/collections',
      'POST /api/v2/tenants/default_tenant/databases/default_database/collections/<id>/query',
    ]);
    expect(ids(hits)).toEqual(ids(await collection.searchVector({ vector: vector(17), k: 5 })));
  });
});
