import pg from 'pg';
import type {
  Capabilities,
  Collection,
  CollectionSpec,
  DeleteSelector,
  Doc,
  Hit,
  Metric,
  StoreAdapter,
  StoreInfo,
  StoreSession,
  TextQuery,
  VectorQuery,
} from '../store-adapter.js';
import type { Endpoint } from '../../runtime/endpoint.js';
import { pgConnection } from './pgvector-connection.js';
import type { PgvectorConfig } from './pgvector-config.js';
import { METRIC_SQL } from './pgvector-config.js';
import {
  MAX_ROWS_PER_INSERT,
  createIndexSql,
  createTableSql,
  deleteByDocumentIdSql,
  deleteByIdsSql,
  fullTextSql,
  insertSql,
  tableName,
  type Statement,
} from './pgvector-sql.js';
import { PgvectorVectorQuery } from './pgvector-vector-query.js';
import { npmPackageVersion } from '../../project-paths.js';
import { openPgvectorRetrievalClient, type Queryable } from './pgvector-retrieval-client.js';

interface Row {
  meta: { doc_id: string };
  text: string;
}

/** Server settings recorded with every run (all PostgreSQL/pgvector defaults in the local recipe). */
const RECORDED_SETTINGS = [
  'shared_buffers',
  'work_mem',
  'maintenance_work_mem',
  'effective_cache_size',
  'max_connections',
  'max_parallel_workers_per_gather',
  'max_parallel_maintenance_workers',
  'synchronous_commit',
  'default_text_search_config',
  'hnsw.ef_search',
  'hnsw.iterative_scan',
] as const;

/**
 * pgvector as Dify's pgvector.py uses it: table `embedding_<collection>` (id uuid, text, meta
 * jsonb, embedding vector(dims)), an HNSW index created with the table, `<=>` with score
 * 1 − distance, the document_id filter on `meta->>'document_id'`, and full text by
 * to_tsvector/plainto_tsquery ranked by ts_rank with no tsvector index. SQL lives in
 * pgvector-sql.ts; a session holds the connection pool, a collection maps rows to hits.
 */
export class PgvectorAdapter implements StoreAdapter {
  constructor(
    private readonly capabilities: Capabilities,
    private readonly config: PgvectorConfig,
  ) {}

  async connect(endpoint: Endpoint): Promise<StoreSession> {
    const { efSearch, iterativeScan } = this.config.search;
    const startup = [
      ...(efSearch !== undefined ? [`-c hnsw.ef_search=${Math.trunc(efSearch)}`] : []),
      ...(iterativeScan !== undefined ? [`-c hnsw.iterative_scan=${iterativeScan}`] : []),
    ];
    // One connection config from the endpoint (user, database, password, sslmode): the pool's
    // connections and Dify's per-retrieval connection are opened with the same one.
    const connection: pg.ClientConfig = {
      ...pgConnection(endpoint),
      // A startup option applies to every connection before its first query.
      ...(startup.length > 0 ? { options: startup.join(' ') } : {}),
    };
    const pool = new pg.Pool({ ...connection, max: this.config.poolSize });
    // An idle connection that dies (server stopped or crashed) emits on the pool; without a
    // listener that would end the process. The next query fails and reports it instead.
    pool.on('error', () => undefined);
    try {
      const info = await readInfo(pool, this.config);
      return new PgvectorSession(pool, connection, info, this.capabilities, this.config);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }
}

/** One connection pool (each pooled connection is a PostgreSQL backend process). */
class PgvectorSession implements StoreSession {
  constructor(
    private readonly pool: pg.Pool,
    /** What each of the pool's connections is opened with; Dify's per-retrieval connection too. */
    private readonly connection: pg.ClientConfig,
    readonly info: StoreInfo,
    readonly capabilities: Capabilities,
    private readonly config: PgvectorConfig,
  ) {}

  async createCollection(spec: CollectionSpec): Promise<Collection> {
    const table = tableName(spec.name);
    await this.pool.query(createTableSql(table, spec.dims));
    // As Dify: the index exists before the first insert, so every insert maintains it.
    const index = createIndexSql(table, spec.dims, spec.metric, this.config.index);
    if (index) await this.pool.query(index);
    return new PgvectorCollection(this.pool, table, spec.name, spec.metric, this.config, this.connection);
  }

  async collectionExists(name: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [tableName(name)]);
    return rows[0]?.found === true;
  }

  async removeCollection(name: string): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS ${tableName(name)}`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** One Dify knowledge base: the table `embedding_<collection>`. */
class PgvectorCollection implements Collection {
  private readonly vectorQuery: PgvectorVectorQuery;

  constructor(
    private readonly pool: pg.Pool,
    readonly name: string,
    /** Dify's dataset_id in each chunk's meta: the knowledge base (collection) this table holds. */
    private readonly datasetId: string,
    private readonly metric: Metric,
    private readonly config: PgvectorConfig,
    private readonly connection: pg.ClientConfig,
    /** Where searches run: the pool, or one retrieval's own connection (openRetrievalClient). */
    private readonly searchDb: Queryable = pool,
  ) {
    this.vectorQuery = new PgvectorVectorQuery(name, metric);
  }

  /** One multi-row INSERT per batch (batches beyond the bind-parameter limit: several, one transaction). */
  async insert(batch: readonly Doc[]): Promise<void> {
    if (batch.length === 0) return;
    if (batch.length <= MAX_ROWS_PER_INSERT) {
      await this.run(insertSql(this.name, batch, this.datasetId));
      return;
    }
    const client = await checkOut(this.pool);
    try {
      await client.query('BEGIN');
      for (let i = 0; i < batch.length; i += MAX_ROWS_PER_INSERT) {
        const s = insertSql(this.name, batch.slice(i, i + MAX_ROWS_PER_INSERT), this.datasetId);
        await client.query(s.text, s.values);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.releaseQuietly();
    }
  }

  /**
   * Rows are searchable as soon as INSERT commits; what changes a minute later is the plan. Until
   * the table has statistics PostgreSQL guesses its size and walks HNSW; autovacuum's ANALYZE
   * (within autovacuum_naptime, 60 s, of a load this size) gives it the real row count, and on a
   * few thousand rows it may then scan and sort exactly instead, about ten times slower here
   * (linux-doc-zh-e5, every query: 1.2 → 12.9 ms; linux-doc-minilm, the filtered ones only).
   * Every Dify retrieval after the first minute meets the analyzed plan, so the harness analyzes
   * now, rather than let the autovacuum clock decide which workloads see which plan.
   */
  async waitUntilSearchable(): Promise<void> {
    await this.pool.query(`ANALYZE ${this.name}`);
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.name}`);
    return Number(rows[0]?.n ?? 0);
  }

  async searchVector(q: VectorQuery): Promise<Hit[]> {
    const { metric } = this;
    const rows = await this.vectorQuery.rows(this.searchDb, q);
    const threshold = this.config.search.scoreThreshold;
    const hits = rows.map((r) => ({ id: r.meta.doc_id, score: METRIC_SQL[metric].score(Number(r.distance)), text: r.text }));
    // Dify's score_threshold is a cosine-similarity notion (`if score >= score_threshold`).
    return metric === 'cosine' && threshold !== undefined ? hits.filter((h) => h.score >= threshold) : hits;
  }

  async searchFullText(q: TextQuery): Promise<Hit[]> {
    const rows = await this.run<Row & { score: number }>(fullTextSql(this.name, q.text, q.k, q.documentIds));
    return rows.map((r) => ({ id: r.meta.doc_id, score: Number(r.score), text: r.text }));
  }

  async delete(sel: DeleteSelector): Promise<void> {
    if (sel.kind === 'documentId') await this.run(deleteByDocumentIdSql(this.name, sel.documentId));
    else if (sel.ids.length > 0) await this.run(deleteByIdsSql(this.name, sel.ids));
  }

  async drop(): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS ${this.name}`);
  }

  /** Dify's per-retrieval connection (see pgvector-retrieval-client.ts), searching this table. */
  openRetrievalClient() {
    return openPgvectorRetrievalClient(
      this.connection,
      (db) => new PgvectorCollection(this.pool, this.name, this.datasetId, this.metric, this.config, this.connection, db),
    );
  }

  private async run<R extends pg.QueryResultRow>(s: Statement): Promise<R[]> {
    return (await this.searchDb.query<R>(s.text, s.values)).rows;
  }
}

/** The server's and the extension's versions and the settings recorded with every run. */
async function readInfo(pool: pg.Pool, config: PgvectorConfig): Promise<StoreInfo> {
  const client = await checkOut(pool);
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS vector');
    // The hnsw.* settings exist once vector.so is loaded in this session; a vector cast loads it.
    await client.query(`SELECT '[1]'::vector`);
    const server = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version;
    const ext = (
      await client.query<{ extversion: string }>(`SELECT extversion FROM pg_extension WHERE extname = 'vector'`)
    ).rows[0]?.extversion;
    if (!server || !ext) throw new Error('pgvector: the server reported no version or no vector extension');
    const settings: Record<string, string> = {};
    for (const name of RECORDED_SETTINGS) {
      const { rows } = await client.query<{ value: string | null }>('SELECT current_setting($1, true) AS value', [name]);
      settings[name] = rows[0]?.value ?? 'unset';
    }
    const { index, search } = config;
    return {
      // server_version reads "15.20 (Debian 15.20-0+deb12u1)": keep the number, the build goes in settings.
      version: `PostgreSQL ${server.split(' ')[0]} + pgvector ${ext}`,
      settings: {
        client: `pg (npm) ${npmPackageVersion('pg')}`,
        serverBuild: server,
        hnswM: index.m,
        hnswEfConstruction: index.efConstruction,
        hnswMaxIndexedDims: index.maxIndexedDims,
        hnswEfSearch: search.efSearch ?? Number(settings['hnsw.ef_search']),
        scoreThreshold: search.scoreThreshold ?? 'none',
        poolSize: config.poolSize,
        difyClient: 'a new connection (backend) per retrieval, as psycopg2 SimpleConnectionPool(1, 5) per Vector',
        ...settings,
      },
    };
  } finally {
    client.releaseQuietly();
  }
}

/** A pooled connection held across several queries, released with its error listener removed. */
interface HeldClient {
  query: pg.PoolClient['query'];
  releaseQuietly(): void;
}

/**
 * Checks a connection out of the pool with an 'error' listener: if the server dies while the
 * connection is held between queries, pg emits on the client, and with no listener that would end
 * the process. The next query fails instead, and the bench records why.
 */
async function checkOut(pool: pg.Pool): Promise<HeldClient> {
  const client = await pool.connect();
  const ignore = (): void => undefined;
  client.on('error', ignore);
  return {
    query: client.query.bind(client) as pg.PoolClient['query'],
    releaseQuietly: () => {
      client.off('error', ignore);
      client.release();
    },
  };
}
