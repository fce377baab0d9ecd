import mysql, { type Connection, type ConnectionOptions, type Pool, type RowDataPacket } from 'mysql2/promise';
import type {
  Capabilities,
  Collection,
  CollectionSpec,
  DeleteSelector,
  Doc,
  Hit,
  HybridQuery,
  Metric,
  StoreAdapter,
  StoreInfo,
  StoreSession,
  TextQuery,
  VectorQuery,
} from '../store-adapter.js';
import type { Endpoint } from '../../runtime/endpoint.js';
import { oceanbaseConnection } from './oceanbase-connection.js';
import type { OceanbaseConfig } from './oceanbase-config.js';
import { hybridRows, hybridSearchBody } from './oceanbase-hybrid.js';
import { oceanbaseTableName, uuidV5 } from './oceanbase-ids.js';
import { mysql2Version } from './oceanbase-package.js';
import {
  METRIC_SQL,
  createTableSql,
  difyMetadata,
  fullTextIndexSql,
  metadataDocumentIdIndexSql,
  placeholders,
  quoteIdentifier,
  vectorIndexSql,
  vectorLiteral,
} from './oceanbase-sql.js';
import {
  MIN_FULL_TEXT_VERSION,
  MIN_VECTOR_VERSION,
  clusterVersionError,
  parseObVersion,
  versionAtLeast,
} from './oceanbase-version.js';
import { openObVecRetrievalClient } from './oceanbase-retrieval-client.js';

const SEARCHABLE_TIMEOUT_MS = 120_000;
/** pyobvector's refresh_index default: the delta buffer is merged only past this many rows. */
const REFRESH_TRIGGER_ROWS = 10_000;

interface SearchRow extends RowDataPacket {
  text: string | null;
  metadata: unknown;
  value: number;
}

/**
 * OceanBase (here seekdb, its single-node build) over the MySQL protocol with mysql2, issuing the
 * SQL Dify's oceanbase_vector.py issues through pyobvector: a table per dataset, an HNSW index
 * `vector_index`, multi-row INSERTs of OCEANBASE_VECTOR_BATCH_SIZE rows, `ORDER BY <distance>
 * APPROXIMATE LIMIT k` with the document_id filter on `metadata->>'$.document_id'`, full text by
 * `MATCH (text) AGAINST (…)` over an ik FULLTEXT index, deletes by ids and by document_id.
 */
export class OceanbaseAdapter implements StoreAdapter {
  constructor(
    private readonly capabilities: Capabilities,
    private readonly config: OceanbaseConfig,
  ) {
    if (config.nativeHybrid && config.table !== 'heap') throw new Error('oceanbase: native hybrid needs the heap table');
  }

  async connect(endpoint: Endpoint): Promise<StoreSession> {
    const port = endpoint.ports.mysql;
    if (port === undefined) throw new Error('oceanbase: endpoint has no "mysql" port');
    const base = oceanbaseConnection(endpoint, port);
    const database = endpoint.access?.database ?? this.config.database;
    const setup = await mysql.createConnection(base);
    let version: { ob: string; comment: string };
    try {
      version = await checkVersion(setup, this.config);
      // Dify expects OCEANBASE_VECTOR_DATABASE to exist; seekdb ships `test`, other servers may not.
      // On an external server the database is the user's: it must exist, the harness creates none.
      if (!endpoint.access) await setup.query(`CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}`);
    } finally {
      await setup.end().catch(() => undefined);
    }
    // One connection config from the endpoint (its user, secret, TLS): the pool's connections and
    // Dify's per-retrieval ObVecClient connection are opened with the same one.
    const connection: ConnectionOptions = { ...base, database, charset: 'utf8mb4' };
    const pool = mysql.createPool({ ...connection, connectionLimit: this.config.poolSize });
    const efSearch = this.config.efSearch;
    if (efSearch !== undefined) {
      pool.on('connection', (conn) => {
        conn.query(`SET @@ob_hnsw_ef_search = ${Number(efSearch)}`);
      });
    }
    try {
      const metadataIndex = this.config.metadataIndex ? await probeMetadataIndex(pool) : 'off';
      const info = await readInfo(pool, version, this.config, metadataIndex);
      return new OceanbaseSession(
        pool,
        connection,
        info,
        this.capabilities,
        this.config,
        metadataIndex === METADATA_INDEX_CREATED,
        endpoint.access !== undefined,
      );
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }
}

/** One mysql2 pool, as Dify's SQLAlchemy engine. */
class OceanbaseSession implements StoreSession {
  constructor(
    private readonly pool: Pool,
    /** What each pooled connection is opened with; Dify's per-retrieval ObVecClient too. */
    private readonly connection: ConnectionOptions,
    readonly info: StoreInfo,
    readonly capabilities: Capabilities,
    private readonly config: OceanbaseConfig,
    /** The server accepts Dify's idx_metadata_doc_id DDL (probed at connect; seekdb 1.4 refuses it). */
    private readonly createMetadataIndex: boolean,
    /** An external server: its system parameters are its administrator's, never changed here. */
    private readonly external: boolean,
  ) {}

  async collectionExists(name: string): Promise<boolean> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
      [oceanbaseTableName(name)],
    );
    return rows.length > 0;
  }

  async removeCollection(name: string): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS ${quoteIdentifier(oceanbaseTableName(name))}`);
  }

  /** Dify's _create_collection: keep an existing table; else vector memory, table, indexes. */
  async createCollection(spec: CollectionSpec): Promise<Collection> {
    const { pool, config } = this;
    const table = oceanbaseTableName(spec.name);
    const metric: Metric = config.metric === 'l2' ? 'l2' : spec.metric;
    const collection = new OceanbaseCollection(pool, config, table, metric, spec.name, this.connection);
    const [exists] = await pool.query<RowDataPacket[]>(
      'SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
      [table],
    );
    if (exists.length > 0) return collection;
    await ensureVectorMemory(pool, !this.external);
    await pool.query(createTableSql(table, spec.dims, config));
    await pool.query(vectorIndexSql(table, METRIC_SQL[metric], config));
    if (config.fullText) {
      try {
        await pool.query(fullTextIndexSql(table, config));
      } catch (error) {
        throw new Error(`oceanbase: cannot add the fulltext index to ${table}: ${message(error)}`);
      }
    }
    if (this.createMetadataIndex) {
      try {
        await pool.query(metadataDocumentIdIndexSql(table));
      } catch (error) {
        throw new Error(`oceanbase: cannot create idx_metadata_doc_id on ${table}: ${message(error)}`);
      }
    }
    return collection;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** One Dify knowledge base: a table with its HNSW (and FULLTEXT) index. */
class OceanbaseCollection implements Collection {
  readonly searchFullText?: (q: TextQuery) => Promise<Hit[]>;
  readonly searchHybrid?: (q: HybridQuery) => Promise<Hit[]>;
  private readonly quoted: string;
  private insertedSinceRefresh = 0;
  private lastInserted: { id: string; vector: Float32Array } | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly config: OceanbaseConfig,
    readonly name: string,
    private readonly metric: Metric,
    private readonly datasetId: string,
    private readonly connection: ConnectionOptions,
    /** Where searches run: the pool, or one retrieval's own connection (openRetrievalClient). */
    private readonly searchDb: Connection = pool,
  ) {
    this.quoted = quoteIdentifier(name);
    if (config.fullText) this.searchFullText = (q) => this.fullTextSearch(q);
    if (config.nativeHybrid) this.searchHybrid = (q) => this.hybridSearch(q);
  }

  async insert(batch: readonly Doc[]): Promise<void> {
    if (batch.length === 0) return;
    const { pool, config } = this;
    for (let start = 0; start < batch.length; start += config.batchSize) {
      const rows = batch.slice(start, start + config.batchSize).map((d) => [
        uuidV5(d.id),
        vectorLiteral(d.vector),
        d.text,
        JSON.stringify(difyMetadata(d, this.datasetId)),
      ]);
      await pool.query(`INSERT INTO ${this.quoted} (id, vector, text, metadata) VALUES ?`, [rows]);
    }
    const last = batch[batch.length - 1] as Doc;
    this.lastInserted = { id: uuidV5(last.id), vector: last.vector };
    this.insertedSinceRefresh += batch.length;
    if (config.refreshThreshold > 0 && this.insertedSinceRefresh >= config.refreshThreshold) {
      this.insertedSinceRefresh = 0;
      // Dify logs a failed refresh and carries on; so does this.
      await pool
        .query(`CALL DBMS_VECTOR.REFRESH_INDEX('vector_index', ?, '', ${REFRESH_TRIGGER_ROWS})`, [this.name])
        .catch(() => undefined);
    }
  }

  /**
   * Dify's index-organised table is searchable once an INSERT commits (measured: ANN and MATCH
   * see every row right away). A heap table's vector index is filled asynchronously, so this
   * also waits until an ANN query for the last inserted vector finds that row.
   */
  async waitUntilSearchable(expected: number): Promise<void> {
    const deadline = Date.now() + SEARCHABLE_TIMEOUT_MS;
    for (;;) {
      const count = await this.count();
      const indexed = count >= expected && (this.config.table !== 'heap' || (await this.lastInsertedIndexed()));
      if (indexed) return;
      if (Date.now() > deadline) {
        const index = count >= expected ? ', but the vector index has not caught up' : '';
        throw new Error(
          `oceanbase: ${count} of ${expected} rows visible${index} after ${SEARCHABLE_TIMEOUT_MS / 1000} s`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async count(): Promise<number> {
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${this.quoted}`);
    return Number(rows[0]?.n ?? 0);
  }

  async searchVector(q: VectorQuery): Promise<Hit[]> {
    if (q.documentIds?.length === 0) return [];
    const metric = METRIC_SQL[this.metric];
    const literal = vectorLiteral(q.vector);
    const filter = documentFilter(q.documentIds);
    const [rows] = await this.searchDb.query<SearchRow[]>(
      `SELECT text, metadata, ${metric.fn}(vector, ?) AS value FROM ${this.quoted}` +
        `${filter.sql ? ` WHERE ${filter.sql}` : ''} ORDER BY ${metric.fn}(vector, ?) APPROXIMATE LIMIT ${limit(q.k)}`,
      [literal, ...filter.params, literal],
    );
    return this.hits(rows, metric.score);
  }

  async delete(sel: DeleteSelector): Promise<void> {
    let ids: string[];
    if (sel.kind === 'ids') {
      ids = sel.ids.map((id) => uuidV5(id));
    } else {
      // Dify: get_ids_by_metadata_field, then delete_by_ids.
      const [rows] = await this.pool.query<RowDataPacket[]>(
        `SELECT id FROM ${this.quoted} WHERE metadata->>'$.document_id' = ?`,
        [sel.documentId],
      );
      ids = rows.map((r) => String(r.id));
    }
    if (ids.length === 0) return;
    this.lastInserted = undefined;
    await this.pool.query(`DELETE FROM ${this.quoted} WHERE id IN (${placeholders(ids.length)})`, ids);
  }

  async drop(): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS ${this.quoted}`);
  }

  /** Dify's per-retrieval ObVecClient and table check (oceanbase-retrieval-client.ts), searching this table. */
  openRetrievalClient() {
    return openObVecRetrievalClient(
      this.connection,
      this.name,
      { efSearch: this.config.efSearch, hybridCheck: this.config.fullText },
      (db) => new OceanbaseCollection(this.pool, this.config, this.name, this.metric, this.datasetId, this.connection, db),
    );
  }

  /** Dify's search_by_full_text: MATCH … AGAINST in natural-language mode, score > 0, best first. */
  private async fullTextSearch(q: TextQuery): Promise<Hit[]> {
    if (q.documentIds?.length === 0) return [];
    const filter = documentFilter(q.documentIds);
    const [rows] = await this.searchDb.query<SearchRow[]>(
      `SELECT text, metadata, MATCH (text) AGAINST (?) AS value FROM ${this.quoted} ` +
        `WHERE MATCH (text) AGAINST (?) > 0${filter.sql ? ` AND ${filter.sql}` : ''} ` +
        `ORDER BY value DESC LIMIT ${limit(q.k)}`,
      [q.text, q.text, ...filter.params],
    );
    return this.hits(rows, (score) => score);
  }

  private async hybridSearch(q: HybridQuery): Promise<Hit[]> {
    if (q.documentIds?.length === 0) return [];
    const [rows] = await this.searchDb.query<RowDataPacket[]>(
      'SELECT DBMS_HYBRID_SEARCH.SEARCH(?, ?) AS result',
      [this.name, JSON.stringify(hybridSearchBody(q))],
    );
    return hybridRows(rows[0]?.result).map((row) => {
      const text = typeof row.text === 'string' ? row.text : undefined;
      return { id: chunkId(row.metadata), score: Number(row._score), ...(text === undefined ? {} : { text }) };
    });
  }

  private hits(rows: readonly SearchRow[], score: (value: number) => number): Hit[] {
    const hits: Hit[] = [];
    for (const row of rows) {
      const s = score(Number(row.value));
      if (this.config.scoreThreshold !== undefined && !(s >= this.config.scoreThreshold)) continue;
      const id = chunkId(row.metadata);
      hits.push(row.text === null ? { id, score: s } : { id, score: s, text: row.text });
    }
    return hits;
  }

  private async lastInsertedIndexed(): Promise<boolean> {
    const last = this.lastInserted;
    if (!last) return true;
    const fn = METRIC_SQL[this.metric].fn;
    const literal = vectorLiteral(last.vector);
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT id FROM ${this.quoted} ORDER BY ${fn}(vector, ?) APPROXIMATE LIMIT 10`,
      [literal],
    );
    return rows.some((r) => r.id === last.id);
  }
}

/** The server's version line and the settings recorded with every run. */
const METADATA_INDEX_CREATED = 'idx_metadata_doc_id (functional, as Dify)';

/**
 * Whether the server takes Dify's functional index DDL, tried once on a scratch table. seekdb 1.4
 * refuses it ("Cannot create a functional index on an expression that returns a BLOB or TEXT"):
 * `->>` yields LONGTEXT there. Dify's own OceanBase benchmark script swallows that failure, so a
 * Dify deployment on such a server runs without the index, and so does this profile; the refusal
 * is recorded in the results' server settings instead of failing every collection.
 */
async function probeMetadataIndex(pool: Pool): Promise<string> {
  const table = `vdb_bench_probe_${process.pid}_${Date.now()}`;
  await pool.query(`CREATE TABLE ${quoteIdentifier(table)} (id varchar(36) PRIMARY KEY, metadata JSON)`);
  try {
    await pool.query(metadataDocumentIdIndexSql(table));
    return METADATA_INDEX_CREATED;
  } catch (error) {
    return `not created: the server refuses Dify's DDL (${message(error)})`;
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${quoteIdentifier(table)}`).catch(() => undefined);
  }
}

async function readInfo(
  pool: Pool,
  version: { ob: string; comment: string },
  config: OceanbaseConfig,
  metadataIndex: string,
): Promise<StoreInfo> {
  const [vars] = await pool.query<RowDataPacket[]>('SELECT @@ob_hnsw_ef_search AS ef');
  return {
    version: version.comment,
    settings: {
      client: `mysql2 (npm) ${mysql2Version()}`,
      obVersion: version.ob,
      table: config.table === 'heap' ? 'ORGANIZATION = HEAP + generated document_id' : 'Dify (primary key id)',
      metric: config.metric === 'l2' ? 'l2 (Dify default), whatever the dataset metric' : 'from the dataset metric',
      hnswM: config.hnswM,
      hnswEfConstruction: config.hnswEfConstruction,
      hnswEfSearch: Number(vars[0]?.ef),
      batchSize: config.batchSize,
      refreshThreshold: config.refreshThreshold,
      fullText: config.fullText ? `FULLTEXT WITH PARSER ${config.fullTextParser}` : 'off (Dify default)',
      metadataIndex,
      memoryBudget: (await parameter(pool, 'memory_budget')) ?? 'n/a',
      scoreThreshold: config.scoreThreshold ?? 'none',
      poolSize: config.poolSize,
      difyClient:
        'a new connection per retrieval with ObVecClient\'s setup (table reflection, OB_VERSION, check_table_exists, version_comment)',
    },
  };
}

interface Queryable {
  query<T extends RowDataPacket[]>(sql: string, values?: unknown): Promise<[T, unknown]>;
}

/**
 * pyobvector's gate (OB_VERSION() ≥ 4.3.3.0, else ClusterVersionException), a probe that this
 * build really has vector functions, and Dify's full-text gate (≥ 4.3.5.1).
 */
async function checkVersion(conn: Queryable, config: OceanbaseConfig): Promise<{ ob: string; comment: string }> {
  let ob: string;
  let comment: string;
  try {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT OB_VERSION() AS ob, @@version_comment AS comment');
    ob = String(rows[0]?.ob ?? '');
    comment = String(rows[0]?.comment ?? '');
  } catch (error) {
    throw clusterVersionError(`the server has no OB_VERSION(), so it is not OceanBase: ${message(error)}`);
  }
  const version = parseObVersion(ob);
  if (!version) throw clusterVersionError(`OB_VERSION() answered "${ob}"`);
  if (!versionAtLeast(version, MIN_VECTOR_VERSION)) throw clusterVersionError(`the server is ${ob}`);
  try {
    await conn.query<RowDataPacket[]>("SELECT l2_distance('[1]', '[1]') AS d");
  } catch (error) {
    throw clusterVersionError(`${ob} answers, but this build has no vector functions: ${message(error)}`);
  }
  if (config.fullText && !versionAtLeast(version, MIN_FULL_TEXT_VERSION)) {
    throw new Error(
      `oceanbase: full text with a vector index in one table needs OceanBase >= 4.3.5.1; the server is ${ob}`,
    );
  }
  return { ob, comment };
}

/**
 * Dify sets ob_vector_memory_limit_percentage to 30 where it is 0. Dify reads the value as column
 * 6 of SHOW PARAMETERS, which on seekdb is `scope` ("CLUSTER"); this reads the `value` column.
 * seekdb 1.4 accepts the setting but ignores it (vector memory follows memory_budget).
 */
async function ensureVectorMemory(pool: Pool, mayAlter: boolean): Promise<void> {
  const [rows] = await pool.query<RowDataPacket[]>("SHOW PARAMETERS LIKE '%ob_vector_memory_limit_percentage%'");
  if (rows.length === 0) throw new Error('oceanbase: ob_vector_memory_limit_percentage not found in parameters');
  if (rows.some((r) => Number(r.value) === 0)) {
    if (!mayAlter) {
      throw new Error(
        'oceanbase: ob_vector_memory_limit_percentage is 0 on this external server; Dify would ALTER SYSTEM it to 30, ' +
          'the harness changes no setting of a server it did not start: ask its administrator to set it',
      );
    }
    try {
      await pool.query('ALTER SYSTEM SET ob_vector_memory_limit_percentage = 30');
    } catch (error) {
      throw new Error(`oceanbase: cannot set ob_vector_memory_limit_percentage (privilege?): ${message(error)}`);
    }
  }
}

async function parameter(pool: Pool, name: string): Promise<string | undefined> {
  try {
    const [rows] = await pool.query<RowDataPacket[]>('SHOW PARAMETERS LIKE ?', [name]);
    const value = rows[0]?.value;
    return value === undefined ? undefined : String(value);
  } catch {
    return undefined;
  }
}

function documentFilter(documentIds: readonly string[] | undefined): { sql: string; params: string[] } {
  if (!documentIds) return { sql: '', params: [] };
  return { sql: `metadata->>'$.document_id' IN (${placeholders(documentIds.length)})`, params: [...documentIds] };
}

/** The dataset's chunk id, kept in metadata.doc_id (the row id is its UUIDv5). */
function chunkId(metadata: unknown): string {
  const parsed: unknown = typeof metadata === 'string' ? JSON.parse(metadata) : metadata;
  const id = (parsed as { doc_id?: unknown } | null)?.doc_id;
  if (typeof id !== 'string') throw new Error('oceanbase: a row has no metadata.doc_id');
  return id;
}

function limit(k: number): number {
  if (!Number.isInteger(k) || k <= 0) throw new Error(`oceanbase: k must be a positive integer, got ${k}`);
  return k;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
