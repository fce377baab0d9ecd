import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import pg from 'pg';
import { chromaStore } from '../../src/adapters/chroma/index.js';
import { oceanbaseStore } from '../../src/adapters/oceanbase/index.js';
import { pgvectorStore } from '../../src/adapters/pgvector/index.js';
import { qdrantStore } from '../../src/adapters/qdrant/index.js';
import type { Collection, Hit, StoreSession } from '../../src/adapters/store-adapter.js';
import { weaviateStore } from '../../src/adapters/weaviate/index.js';
import { retrievalPath } from '../../src/bench/workloads/retrieval-path.js';
import type { Endpoint } from '../../src/runtime/endpoint.js';
import { startLocalServer } from '../../src/runtime/local-runtime.js';
import type { RunningServer } from '../../src/runtime/running-server.js';
import { NEAREST_TO_17, fruitChunks, vector } from './fixtures/fruit-chunks.js';
import {
  startHttpRecordingProxy,
  startMysqlRecordingProxy,
  startTcpProxy,
  type HttpRecordingProxy,
  type MysqlRecordingProxy,
  type TcpProxy,
} from './fixtures/recording-proxy.js';

/**
 * `--client dify` on real servers: each retrieval does the setup Dify's *_vector.py does for a new
 * Vector, through the same generic wrapper (retrievalPath) the bench uses, and answers exactly as
 * the pooled client does. pgvector: every retrieval is a new PostgreSQL session (pg_stat_database
 * counts them) that is gone afterwards. Chroma (HTTP): every retrieval first checks the tenant and
 * the database as chromadb's HttpClient constructor does. Weaviate: every retrieval first asks the
 * shared client is_ready(), over its warm connections. OceanBase: every retrieval is a new MySQL
 * connection carrying ObVecClient's setup statements, closed when it answers. Qdrant: every
 * retrieval is a new client, and so a new TCP connection, sending only the search, closed when the
 * retrieval ends (see the last test). Proxies in
 * front of the servers (fixtures/recording-proxy.ts) record the requests, commands and connections.
 */
const DOCS = fruitChunks();
const SEARCHES = 12;
const ids = (hits: readonly { id: string }[]): string[] => hits.map((h) => h.id);

/** Polls `read` until it returns `want` or `withinMs` pass (a backend's exit is reported just after its socket closes). */
async function settlesAt(read: () => Promise<number>, want: number, withinMs = 10_000): Promise<number> {
  const deadline = Date.now() + withinMs;
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

describe('chroma: the Dify client path checks tenant and database per retrieval, as a new HttpClient', () => {
  let server: RunningServer;
  let proxy: HttpRecordingProxy;
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
    proxy = await startHttpRecordingProxy(port);
    const endpoint: Endpoint = { ...server.endpoint, ports: { ...server.endpoint.ports, http: proxy.port } };
    session = await profile.createAdapter().connect(endpoint);
    collection = await session.createCollection({ name: 'it_client_path', dims: 8, metric: 'cosine' });
    await collection.insert(DOCS);
  });

  afterAll(async () => {
    await collection?.drop().catch(() => undefined);
    await session?.close();
    await proxy?.close();
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

/** Each retrieval's searches: a vector search and a full-text search for one word (several hits). */
const VECTOR_QUERY = { vector: vector(17), k: 5 } as const;
const TEXT_QUERY = { text: 'banana', k: 10 } as const;

/** The full-text search a collection must have here (every profile below declares it). */
function fullText(c: Collection): (q: typeof TEXT_QUERY) => Promise<Hit[]> {
  const search = c.searchFullText;
  if (!search) throw new Error(`${c.name}: no full-text search`);
  return (q) => search.call(c, q);
}

describe('weaviate: the Dify client path asks the shared client is_ready() before each retrieval', () => {
  let server: RunningServer;
  let http: HttpRecordingProxy;
  let grpc: TcpProxy;
  let session: StoreSession;
  let collection: Collection;

  beforeAll(async () => {
    const recipe = weaviateStore.local;
    const profile = weaviateStore.profiles.dify;
    if (!recipe || !profile) throw new Error('weaviate has no local recipe or dify profile');
    // The recipe's default version, 1.27.0: what Dify's compose runs, and the dify (gRPC) profile's.
    server = await startLocalServer('weaviate', recipe);
    const { http: httpPort, grpc: grpcPort } = server.endpoint.ports;
    if (httpPort === undefined || grpcPort === undefined) throw new Error('weaviate: no http or grpc port');
    // The dify profile speaks REST (schema, readiness) on one port and gRPC (searches) on the other.
    http = await startHttpRecordingProxy(httpPort);
    grpc = await startTcpProxy(grpcPort);
    const endpoint: Endpoint = { ...server.endpoint, ports: { ...server.endpoint.ports, http: http.port, grpc: grpc.port } };
    session = await profile.createAdapter().connect(endpoint);
    collection = await session.createCollection({ name: 'it_client_path', dims: 8, metric: 'cosine' });
    await collection.insert(DOCS);
    await collection.waitUntilSearchable(DOCS.length);
  });

  afterAll(async () => {
    await collection?.drop().catch(() => undefined);
    await session?.close();
    await http?.close();
    await grpc?.close();
    await server?.stop();
  });

  /** What one search sends: its REST requests, and the TCP connections it opens on either port. */
  const trafficOf = async <T>(search: () => Promise<T>): Promise<{ answer: T; requests: string[]; newHttp: number; newGrpc: number }> => {
    http.seen.length = 0;
    const httpBefore = http.accepted();
    const grpcBefore = grpc.accepted();
    const answer = await search();
    return { answer, requests: [...http.seen], newHttp: http.accepted() - httpBefore, newGrpc: grpc.accepted() - grpcBefore };
  };

  it('pooled: each search checks the class exists (as Dify), then searches over gRPC; no connection opened', async () => {
    const pooled = retrievalPath(collection, 'pooled');
    await pooled.searchVector(VECTOR_QUERY); // the gRPC channel and the REST connection exist from here on
    // The session's one gRPC channel really goes through the counting proxy.
    expect({ accepted: grpc.accepted(), open: grpc.open() }).toEqual({ accepted: 1, open: 1 });
    const exists = `GET /v1/schema/${collection.name}`;
    for (let i = 0; i < SEARCHES; i++) {
      const vectorSearch = await trafficOf(() => pooled.searchVector(VECTOR_QUERY));
      expect(ids(vectorSearch.answer)).toEqual(NEAREST_TO_17);
      expect(vectorSearch).toMatchObject({ requests: [exists], newHttp: 0, newGrpc: 0 });
      const textSearch = await trafficOf(() => fullText(pooled)(TEXT_QUERY));
      expect(textSearch).toMatchObject({ requests: [exists], newHttp: 0, newGrpc: 0 });
    }
  });

  it('dify: GET /v1/.well-known/ready before each search, over the same connections; answers unchanged', async () => {
    const dify = retrievalPath(collection, 'dify');
    expect(dify).not.toBe(collection);
    const pooledText = ids(await fullText(collection)(TEXT_QUERY));
    expect(pooledText.length).toBeGreaterThan(1);
    await dify.searchVector(VECTOR_QUERY);
    const expected = ['GET /v1/.well-known/ready', `GET /v1/schema/${collection.name}`];
    let readyChecks = 0;
    for (let i = 0; i < SEARCHES; i++) {
      const vectorSearch = await trafficOf(() => dify.searchVector(VECTOR_QUERY));
      expect(ids(vectorSearch.answer)).toEqual(NEAREST_TO_17);
      expect(vectorSearch).toMatchObject({ requests: expected, newHttp: 0, newGrpc: 0 });
      const textSearch = await trafficOf(() => fullText(dify)(TEXT_QUERY));
      expect(ids(textSearch.answer)).toEqual(pooledText);
      expect(textSearch).toMatchObject({ requests: expected, newHttp: 0, newGrpc: 0 });
      readyChecks += [...vectorSearch.requests, ...textSearch.requests].filter((r) => r === expected[0]).length;
    }
    expect(readyChecks).toBe(2 * SEARCHES);
    // Still the one channel the session opened: Dify's shared client keeps its gRPC connection too.
    expect({ accepted: grpc.accepted(), open: grpc.open() }).toEqual({ accepted: 1, open: 1 });
  });
});

describe('oceanbase: the Dify client path opens a new connection with ObVecClient setup per retrieval', () => {
  let server: RunningServer;
  let proxy: MysqlRecordingProxy;
  let session: StoreSession;
  let collection: Collection;
  /** The base tables of the database, read directly (not through the proxy): what ObVecClient reflects. */
  let tables: string[];

  beforeAll(async () => {
    const recipe = oceanbaseStore.local;
    const profile = oceanbaseStore.profiles.dify;
    if (!recipe || !profile) throw new Error('oceanbase has no local recipe or dify profile');
    server = await startLocalServer('oceanbase', recipe);
    const port = server.endpoint.ports.mysql;
    if (port === undefined) throw new Error('oceanbase: no mysql port');
    proxy = await startMysqlRecordingProxy(port);
    session = await profile.createAdapter().connect({ ...server.endpoint, ports: { ...server.endpoint.ports, mysql: proxy.port } });
    collection = await session.createCollection({ name: 'it_client_path', dims: 8, metric: 'cosine' });
    await collection.insert(DOCS);
    await collection.waitUntilSearchable(DOCS.length);
    const direct = await mysql.createConnection({ host: server.endpoint.host, port, user: 'root', database: 'test' });
    try {
      const [rows] = await direct.query<RowDataPacket[]>("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'");
      tables = rows.map((r) => String(Object.values(r)[0]));
    } finally {
      await direct.end();
    }
  });

  afterAll(async () => {
    await collection?.drop().catch(() => undefined);
    await session?.close();
    await proxy?.close();
    await server?.stop();
  });

  /** A search statement with its literal arguments left out (the query vector differs per test). */
  const shape = (command: string): string =>
    command.startsWith('QUERY SELECT text, metadata, ') ? command.replace(/ AS value FROM .*$/s, ' AS value FROM …').replace(/\(vector, .*\)/, '(vector, …)').replace(/AGAINST \(.*\)/, 'AGAINST (…)') : command;

  it('pooled: the searches reuse the warm pool connection and send only themselves', async () => {
    const pooled = retrievalPath(collection, 'pooled');
    await pooled.searchVector(VECTOR_QUERY);
    const accepted = proxy.accepted();
    proxy.commands.length = 0;
    for (let i = 0; i < SEARCHES; i++) {
      expect(ids(await pooled.searchVector(VECTOR_QUERY))).toEqual(NEAREST_TO_17);
      await fullText(pooled)(TEXT_QUERY);
    }
    expect(proxy.accepted()).toBe(accepted);
    expect(proxy.commands.map((c) => shape(c.command))).toEqual(
      Array.from({ length: SEARCHES }, () => [
        'QUERY SELECT text, metadata, l2_distance(vector, …) AS value FROM …',
        'QUERY SELECT text, metadata, MATCH (text) AGAINST (…) AS value FROM …',
      ]).flat(),
    );
  });

  it('dify: every search is one new connection carrying ObVecClient setup, closed when it answers; answers unchanged', async () => {
    const dify = retrievalPath(collection, 'dify');
    const pooledVector = ids(await collection.searchVector(VECTOR_QUERY));
    const pooledText = ids(await fullText(collection)(TEXT_QUERY));
    expect(pooledText.length).toBeGreaterThan(1);
    expect(tables).toContain(collection.name);
    const accepted = proxy.accepted();
    const open = proxy.open();
    proxy.commands.length = 0;
    for (let i = 0; i < SEARCHES; i++) {
      expect(ids(await dify.searchVector(VECTOR_QUERY))).toEqual(pooledVector);
      expect(ids(await fullText(dify)(TEXT_QUERY))).toEqual(pooledText);
    }
    expect(proxy.accepted()).toBe(accepted + 2 * SEARCHES);
    // Each retrieval's connection ends with its answer: the socket closes without COM_QUIT, as
    // pymysql's __del__ closes the dropped client's.
    expect(await settlesAt(async () => proxy.open(), open)).toBe(open);

    // pymysql 1.1.2 + SQLAlchemy 2.0.49 + pyobvector 0.2.25 (oceanbase-retrieval-client.ts says
    // where each comes from): the engine's first connection (pymysql's SET NAMES and autocommit,
    // the dialect's on_connect and initialize, rolled back); MetaData.reflect (inspect(engine)'s
    // unpinged check-out of the fresh connection, then one pre-pinged check-out listing the
    // tables twice and reading each); OB_VERSION() in begin() (COMMIT, then the pool's ROLLBACK on
    // return); check_table_exists (inspect(engine)'s empty check-out, has_table's DESCRIBE); the
    // hybrid-search version check; then the search's own check-out, committed and rolled back.
    const setup = [
      'QUERY SET NAMES utf8mb4',
      'QUERY SET AUTOCOMMIT = 0',
      'QUERY SET NAMES utf8mb4',
      'QUERY SELECT VERSION()',
      'QUERY SELECT DATABASE()',
      'QUERY SELECT @@transaction_isolation',
      'QUERY SELECT @@sql_mode',
      'QUERY SELECT @@lower_case_table_names',
      'QUERY ROLLBACK',
      'QUERY ROLLBACK',
      'PING',
      'QUERY SHOW FULL TABLES FROM `test`',
      'QUERY SHOW FULL TABLES FROM `test`',
      ...tables.map((t) => `QUERY SHOW CREATE TABLE \`${t}\``),
      'QUERY ROLLBACK',
      'PING',
      'QUERY SELECT OB_VERSION() FROM DUAL',
      'QUERY COMMIT',
      'QUERY ROLLBACK',
      'PING',
      'QUERY ROLLBACK',
      'PING',
      `QUERY DESCRIBE \`test\`.\`${collection.name}\``,
      'QUERY ROLLBACK',
      'PING',
      'QUERY SELECT @@version_comment AS version',
      'QUERY COMMIT',
      'QUERY ROLLBACK',
      'PING',
    ];
    const byConnection = new Map<number, string[]>();
    for (const { connection, command } of proxy.commands) byConnection.set(connection, [...(byConnection.get(connection) ?? []), shape(command)]);
    expect(byConnection.size).toBe(2 * SEARCHES);
    const retrievals = [...byConnection.values()];
    const end = ['QUERY COMMIT', 'QUERY ROLLBACK'];
    for (let i = 0; i < SEARCHES; i++) {
      expect(retrievals[2 * i]).toEqual([...setup, 'QUERY SELECT text, metadata, l2_distance(vector, …) AS value FROM …', ...end]);
      expect(retrievals[2 * i + 1]).toEqual([...setup, 'QUERY SELECT text, metadata, MATCH (text) AGAINST (…) AS value FROM …', ...end]);
    }
  });
});

describe('qdrant: the Dify client path builds a new client, so a new connection, per retrieval', () => {
  let server: RunningServer;
  let proxy: HttpRecordingProxy;
  let session: StoreSession;
  let collection: Collection;

  beforeAll(async () => {
    const recipe = qdrantStore.local;
    const profile = qdrantStore.profiles.dify;
    if (!recipe || !profile) throw new Error('qdrant has no local recipe or dify profile');
    // 1.8.3: Dify's compose pin, and the version CI installs.
    server = await startLocalServer('qdrant', recipe, { version: '1.8.3' });
    const port = server.endpoint.ports.http;
    if (port === undefined) throw new Error('qdrant: no http port');
    proxy = await startHttpRecordingProxy(port);
    session = await profile.createAdapter().connect({ ...server.endpoint, ports: { ...server.endpoint.ports, http: proxy.port } });
    collection = await session.createCollection({ name: 'it_client_path', dims: 8, metric: 'cosine' });
    await collection.insert(DOCS);
    await collection.waitUntilSearchable(DOCS.length);
  });

  afterAll(async () => {
    await collection?.drop().catch(() => undefined);
    await session?.close();
    await proxy?.close();
    await server?.stop();
  });

  /** What one search sends: its requests, and the TCP connections it opens. */
  const trafficOf = async <T>(search: () => Promise<T>): Promise<{ answer: T; requests: string[]; newConnections: number }> => {
    proxy.seen.length = 0;
    const before = proxy.accepted();
    const answer = await search();
    return { answer, requests: [...proxy.seen], newConnections: proxy.accepted() - before };
  };

  it('pooled: the session client sends the search alone, over its warm connections', async () => {
    const pooled = retrievalPath(collection, 'pooled');
    // Two searches warm the read pool: undici's pool marks a connection free a moment after its
    // answer ends, so a search sent at once takes the pool's other connection, and serial
    // searches alternate between two keep-alive connections (neither new after these).
    await pooled.searchVector(VECTOR_QUERY);
    await pooled.searchVector(VECTOR_QUERY);
    for (let i = 0; i < SEARCHES; i++) {
      const vectorSearch = await trafficOf(() => pooled.searchVector(VECTOR_QUERY));
      expect(ids(vectorSearch.answer)).toEqual(NEAREST_TO_17);
      expect(vectorSearch).toMatchObject({ requests: [`POST /collections/${collection.name}/points/search`], newConnections: 0 });
      const textSearch = await trafficOf(() => fullText(pooled)(TEXT_QUERY));
      expect(textSearch).toMatchObject({ requests: [`POST /collections/${collection.name}/points/scroll`], newConnections: 0 });
    }
  });

  it('dify: the same requests and nothing before them, each retrieval on a new connection; answers unchanged', async () => {
    const dify = retrievalPath(collection, 'dify');
    expect(dify).not.toBe(collection);
    const pooledText = ids(await fullText(collection)(TEXT_QUERY));
    expect(pooledText.length).toBeGreaterThan(1);
    for (let i = 0; i < SEARCHES; i++) {
      const vectorSearch = await trafficOf(() => dify.searchVector(VECTOR_QUERY));
      expect(ids(vectorSearch.answer)).toEqual(NEAREST_TO_17);
      expect(vectorSearch).toMatchObject({ requests: [`POST /collections/${collection.name}/points/search`], newConnections: 1 });
      const textSearch = await trafficOf(() => fullText(dify)(TEXT_QUERY));
      expect(ids(textSearch.answer)).toEqual(pooledText);
      expect(textSearch).toMatchObject({ requests: [`POST /collections/${collection.name}/points/scroll`], newConnections: 1 });
    }
  });

  // Python drops the Vector after the search and, with it, the httpx client and its connection.
  // The retrieval's read pool is closed when the retrieval ends, so its connection is gone at
  // once, where a pooled connection stays open for its keep-alive time (seconds).
  it("dify: a retrieval's connection closes when the retrieval ends (as Dify's dropped client's); a pooled one stays open", async () => {
    const dify = retrievalPath(collection, 'dify');
    // Earlier connections, the session's included, idle out first: then the counts below are this test's.
    expect(await settlesAt(async () => proxy.open(), 0)).toBe(0);
    const before = proxy.accepted();
    await dify.searchVector(VECTOR_QUERY);
    expect(proxy.accepted() - before).toBe(1);
    // 300 ms: the proxy sees the close a moment after the pool's close resolves; keep-alive would keep it for seconds.
    expect(await settlesAt(async () => proxy.open(), 0, 300)).toBe(0);
    await collection.searchVector(VECTOR_QUERY);
    await new Promise((r) => setTimeout(r, 500));
    expect(proxy.open()).toBe(1);
  });
});
