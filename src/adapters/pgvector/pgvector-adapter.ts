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
import { uuidV5 } from './uuid-v5.js';
import { npmPackageVersion } from '../../project-paths.js';

/** pgvector operator class and distance operator per metric; Dify itself uses cosine only. */
const OPERATORS: Record<Metric, { opclass: string; operator: string; score: (d: number) => number }> = {
  cosine: { opclass: 'vector_cosine_ops', operator: '<=>', score: (d) => 1 - d },
  l2: { opclass: 'vector_l2_ops', operator: '<->', score: (d) => 1 - d },
  ip: { opclass: 'vector_ip_ops', operator: '<#>', score: (d) => -d },
};

interface Row {
  meta: { doc_id: string; document_id: string };
  text: string;
  value: number;
}

/**
 * pgvector as Dify's pgvector.py uses it: table `embedding_<collection>` (id uuid, text, meta
 * jsonb, embedding vector(dims)), an HNSW index created with the table, `<=>` with score
 * 1 − distance, the document_id filter on `meta->>'document_id'`, and full text by
 * to_tsvector/plainto_tsquery ranked by ts_rank with no tsvector index.
 */
export class PgvectorAdapter implements StoreAdapter {
  readonly name = 'pgvector';
  private pool: pg.Pool | undefined;
  private table = '';
  private metric: Metric = 'cosine';

  constructor(
    readonly capabilities: Capabilities,
    private readonly config: PgvectorConfig,
  ) {}

  async connect(endpoint: Endpoint): Promise<StoreInfo> {
    const efSearch = this.config.efSearch;
    this.pool = new pg.Pool({
      host: endpoint.host,
      port: endpoint.ports.postgres,
      user: 'postgres',
      database: 'postgres',
      max: this.config.poolSize,
    });
    if (efSearch !== undefined) {
      this.pool.on('connect', (client) => void client.query(`SET hnsw.ef_search = ${Number(efSearch)}`));
    }
    await this.pool.query('CREATE EXTENSION IF NOT EXISTS vector');
    const { rows } = await this.pool.query<{ server: string; ext: string; sb: string; ef: string; mwm: string }>(
      `SELECT current_setting('server_version') AS server,
              (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS ext,
              current_setting('shared_buffers') AS sb,
              current_setting('hnsw.ef_search') AS ef,
              current_setting('maintenance_work_mem') AS mwm`,
    );
    const info = rows[0];
    if (!info) throw new Error('pgvector: no answer to the version query');
    return {
      // server_version reads "15.20 (Debian 15.20-0+deb12u1)": keep the number, the build goes in settings.
      version: `PostgreSQL ${info.server.split(' ')[0]} + pgvector ${info.ext}`,
      settings: {
        client: `pg (npm) ${npmPackageVersion('pg')}`,
        serverBuild: info.server,
        hnswM: this.config.m,
        hnswEfConstruction: this.config.efConstruction,
        hnswEfSearch: efSearch ?? Number(info.ef),
        sharedBuffers: info.sb,
        maintenanceWorkMem: info.mwm,
        scoreThreshold: this.config.scoreThreshold ?? 'none',
        poolSize: this.config.poolSize,
      },
    };
  }

  async createCollection(spec: CollectionSpec): Promise<void> {
    const op = OPERATORS[spec.metric];
    this.table = `embedding_${spec.name.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
    this.metric = spec.metric;
    const pool = this.requirePool();
    await pool.query(
      `CREATE TABLE IF NOT EXISTS ${this.table} (
         id UUID PRIMARY KEY, text TEXT NOT NULL, meta JSONB NOT NULL, embedding vector(${spec.dims}) NOT NULL
       ) USING heap`,
    );
    // As Dify: the index exists before the first insert, so every insert maintains it.
    await pool.query(
      `CREATE INDEX IF NOT EXISTS ${this.table}_embedding_idx ON ${this.table}
       USING hnsw (embedding ${op.opclass}) WITH (m = ${this.config.m}, ef_construction = ${this.config.efConstruction})`,
    );
  }

  async insert(batch: readonly Doc[]): Promise<void> {
    if (batch.length === 0) return;
    const values: string[] = [];
    const params: unknown[] = [];
    batch.forEach((d, i) => {
      values.push(`($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`);
      params.push(
        uuidV5(d.id),
        d.text,
        JSON.stringify({ ...d.metadata, doc_id: d.id, document_id: d.documentId }),
        vectorLiteral(d.vector),
      );
    });
    await this.requirePool().query(
      `INSERT INTO ${this.table} (id, text, meta, embedding) VALUES ${values.join(', ')}`,
      params,
    );
  }

  /** PostgreSQL is synchronous: a committed insert is searchable at once. */
  async waitUntilSearchable(): Promise<void> {}

  async count(): Promise<number> {
    const { rows } = await this.requirePool().query<{ n: string }>(`SELECT count(*) AS n FROM ${this.table}`);
    return Number(rows[0]?.n ?? 0);
  }

  async searchVector(q: VectorQuery): Promise<Hit[]> {
    const op = OPERATORS[this.metric];
    const params: unknown[] = [vectorLiteral(q.vector)];
    const where = this.documentFilter(q.documentIds, params);
    const { rows } = await this.requirePool().query<Row>(
      `SELECT meta, text, embedding ${op.operator} $1 AS value FROM ${this.table}${where}
       ORDER BY value LIMIT ${Math.trunc(q.k)}`,
      params,
    );
    return this.hits(rows, op.score);
  }

  async searchFullText(q: TextQuery): Promise<Hit[]> {
    const params: unknown[] = [q.text];
    const filter = this.documentFilter(q.documentIds, params).replace(' WHERE ', ' AND ');
    const { rows } = await this.requirePool().query<Row>(
      `SELECT meta, text, ts_rank(to_tsvector(coalesce(text, '')), plainto_tsquery($1)) AS value
       FROM ${this.table} WHERE to_tsvector(text) @@ plainto_tsquery($1)${filter}
       ORDER BY value DESC LIMIT ${Math.trunc(q.k)}`,
      params,
    );
    return rows.map((r) => ({ id: r.meta.doc_id, score: Number(r.value), text: r.text }));
  }

  async delete(sel: DeleteSelector): Promise<void> {
    const pool = this.requirePool();
    if (sel.kind === 'documentId') {
      await pool.query(`DELETE FROM ${this.table} WHERE meta->>'document_id' = $1`, [sel.documentId]);
    } else if (sel.ids.length > 0) {
      await pool.query(`DELETE FROM ${this.table} WHERE id = ANY($1::uuid[])`, [sel.ids.map((id) => uuidV5(id))]);
    }
  }

  async dropCollection(): Promise<void> {
    await this.requirePool().query(`DROP TABLE IF EXISTS ${this.table}`);
  }

  async close(): Promise<void> {
    await this.pool?.end();
    this.pool = undefined;
  }

  /** Appends the filter's parameters to `params` and returns the WHERE clause (or ''). */
  private documentFilter(documentIds: readonly string[] | undefined, params: unknown[]): string {
    if (!documentIds) return '';
    params.push([...documentIds]);
    return ` WHERE meta->>'document_id' = ANY($${params.length}::text[])`;
  }

  private hits(rows: readonly Row[], score: (value: number) => number): Hit[] {
    const threshold = this.config.scoreThreshold;
    return rows
      .map((r) => ({ id: r.meta.doc_id, score: score(Number(r.value)), text: r.text }))
      .filter((h) => threshold === undefined || h.score >= threshold);
  }

  private requirePool(): pg.Pool {
    if (!this.pool) throw new Error('pgvector: connect() first');
    return this.pool;
  }
}

function vectorLiteral(v: Float32Array): string {
  return `[${Array.from(v).join(',')}]`;
}
