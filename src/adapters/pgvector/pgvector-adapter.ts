import pg from 'pg';
import type {
  Capabilities,
  CollectionSpec,
  DeleteSelector,
  Doc,
  Endpoint,
  Hit,
  Metric,
  StoreAdapter,
  StoreInfo,
  TextQuery,
  VectorQuery,
} from '../store-adapter.js';
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
  vectorSearchSql,
  type Statement,
} from './pgvector-sql.js';
import { npmPackageVersion } from '../../project-paths.js';

interface Row {
  meta: { doc_id: string };
  text: string;
}

interface Collection {
  readonly table: string;
  readonly metric: Metric;
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
 * pgvector-sql.ts; this class holds the connection pool and maps rows to hits.
 */
export class PgvectorAdapter implements StoreAdapter {
  readonly name = 'pgvector';
  private pool: pg.Pool | undefined;
  private collection: Collection | undefined;

  constructor(
    readonly capabilities: Capabilities,
    private readonly config: PgvectorConfig,
  ) {}

  async connect(endpoint: Endpoint): Promise<StoreInfo> {
    const { efSearch } = this.config.search;
    const pool = new pg.Pool({
      host: endpoint.host,
      port: endpoint.ports.postgres,
      user: 'postgres',
      database: 'postgres',
      max: this.config.poolSize,
      // A startup option applies to every pooled connection before its first query.
      ...(efSearch !== undefined ? { options: `-c hnsw.ef_search=${Math.trunc(efSearch)}` } : {}),
    });
    // An idle connection that dies (server stopped or crashed) emits on the pool; without a
    // listener that would end the process. The next query fails and reports it instead.
    pool.on('error', () => undefined);
    this.pool = pool;
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
      const { index, search } = this.config;
      return {
        // server_version reads "15.20 (Debian 15.20-0+deb12u1)": keep the number, the build goes in settings.
        version: `PostgreSQL ${server.split(' ')[0]} + pgvector ${ext}`,
        settings: {
          client: `pg (npm) ${npmPackageVersion('pg')}`,
          serverBuild: server,
          hnswM: index.m,
          hnswEfConstruction: index.efConstruction,
          hnswMaxIndexedDims: index.maxIndexedDims,
          hnswEfSearch: efSearch ?? Number(settings['hnsw.ef_search']),
          scoreThreshold: search.scoreThreshold ?? 'none',
          poolSize: this.config.poolSize,
          ...settings,
        },
      };
    } finally {
      client.releaseQuietly();
    }
  }

  async createCollection(spec: CollectionSpec): Promise<void> {
    const table = tableName(spec.name);
    const pool = this.requirePool();
    await pool.query(createTableSql(table, spec.dims));
    // As Dify: the index exists before the first insert, so every insert maintains it.
    const index = createIndexSql(table, spec.dims, spec.metric, this.config.index);
    if (index) await pool.query(index);
    this.collection = { table, metric: spec.metric };
  }

  /** One multi-row INSERT per batch (batches beyond the bind-parameter limit: several, one transaction). */
  async insert(batch: readonly Doc[]): Promise<void> {
    if (batch.length === 0) return;
    const { table } = this.requireCollection();
    if (batch.length <= MAX_ROWS_PER_INSERT) {
      await this.run(insertSql(table, batch));
      return;
    }
    const client = await checkOut(this.requirePool());
    try {
      await client.query('BEGIN');
      for (let i = 0; i < batch.length; i += MAX_ROWS_PER_INSERT) {
        const s = insertSql(table, batch.slice(i, i + MAX_ROWS_PER_INSERT));
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

  /** PostgreSQL is synchronous: a committed insert is searchable at once. */
  async waitUntilSearchable(): Promise<void> {}

  async count(): Promise<number> {
    const { table } = this.requireCollection();
    const { rows } = await this.requirePool().query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    return Number(rows[0]?.n ?? 0);
  }

  async searchVector(q: VectorQuery): Promise<Hit[]> {
    const { table, metric } = this.requireCollection();
    const rows = await this.run<Row & { distance: number }>(vectorSearchSql(table, metric, q.vector, q.k, q.documentIds));
    const threshold = this.config.search.scoreThreshold;
    const hits = rows.map((r) => ({ id: r.meta.doc_id, score: METRIC_SQL[metric].score(Number(r.distance)), text: r.text }));
    // Dify's score_threshold is a cosine-similarity notion (`if score >= score_threshold`).
    return metric === 'cosine' && threshold !== undefined ? hits.filter((h) => h.score >= threshold) : hits;
  }

  async searchFullText(q: TextQuery): Promise<Hit[]> {
    const { table } = this.requireCollection();
    const rows = await this.run<Row & { score: number }>(fullTextSql(table, q.text, q.k, q.documentIds));
    return rows.map((r) => ({ id: r.meta.doc_id, score: Number(r.score), text: r.text }));
  }

  async delete(sel: DeleteSelector): Promise<void> {
    const { table } = this.requireCollection();
    if (sel.kind === 'documentId') await this.run(deleteByDocumentIdSql(table, sel.documentId));
    else if (sel.ids.length > 0) await this.run(deleteByIdsSql(table, sel.ids));
  }

  async dropCollection(): Promise<void> {
    if (!this.collection) return;
    await this.requirePool().query(`DROP TABLE IF EXISTS ${this.collection.table}`);
    this.collection = undefined;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  private async run<R extends pg.QueryResultRow>(s: Statement): Promise<R[]> {
    return (await this.requirePool().query<R>(s.text, s.values)).rows;
  }

  private requirePool(): pg.Pool {
    if (!this.pool) throw new Error('pgvector: connect() first');
    return this.pool;
  }

  private requireCollection(): Collection {
    if (!this.collection) throw new Error('pgvector: createCollection() first');
    return this.collection;
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
