import mysql, { type Connection, type ConnectionOptions, type RowDataPacket } from 'mysql2/promise';
import type { Hit, HybridQuery, RetrievalClient, TextQuery, VectorQuery } from '../store-adapter.js';
import { quoteIdentifier } from './oceanbase-sql.js';

/** The searches a collection offers over a given connection. */
interface Searches {
  searchVector(q: VectorQuery): Promise<Hit[]>;
  searchFullText?: (q: TextQuery) => Promise<Hit[]>;
  searchHybrid?: (q: HybridQuery) => Promise<Hit[]>;
}

export interface ObVecSetupOptions {
  /** The profile's ob_hnsw_ef_search, set on the connection as the pool sets it on each of its own. */
  readonly efSearch: number | undefined;
  /** OCEANBASE_ENABLE_HYBRID_SEARCH: Dify's constructor then also reads @@version_comment. */
  readonly hybridCheck: boolean;
}

/**
 * One Dify retrieval's ObVecClient. Dify's OceanBaseVector.__init__ (api/providers/vdb/
 * vdb-oceanbase/src/dify_vdb_oceanbase/oceanbase_vector.py) runs for every `Vector(dataset)`,
 * and RetrievalService builds one per search. It constructs pyobvector's ObVecClient (~=0.2.17:
 * ObClient.__init__ creates a SQLAlchemy engine, reflects every table of the database with
 * MetaData.reflect, and reads OB_VERSION()), then check_table_exists (an Inspector's has_table),
 * then `SELECT @@version_comment` when hybrid search is on. Each of those checks a connection out
 * of the new engine's pool, which pool_pre_ping=True pings first and which is rolled back when it
 * returns. This replays that on one new mysql2 connection (the engine's pool holds one connection
 * while the calls run one after another): the statements are the ones SQLAlchemy's MySQL dialect
 * sends for each call (its first-connect sql_mode and casing reads, SHOW FULL TABLES and SHOW
 * CREATE TABLE per table for reflection, DESCRIBE for has_table), so the cost grows with the
 * tables (knowledge bases) in the database, as Dify's does.
 */
export async function openObVecRetrievalClient(
  connection: ConnectionOptions,
  table: string,
  options: ObVecSetupOptions,
  searchesOn: (db: Connection) => Searches,
): Promise<RetrievalClient> {
  const conn = await mysql.createConnection(connection);
  // A connection that dies between queries emits; the next query reports it instead.
  conn.on('error', () => undefined);
  try {
    await obVecClientSetup(conn, String(connection.database), table, options);
  } catch (error) {
    await conn.end().catch(() => undefined);
    throw error;
  }
  const searches = searchesOn(conn);
  const client: RetrievalClient = {
    searchVector: (q) => searches.searchVector(q),
    // The search's own checkout ends with the transaction committed, then the connection closes.
    close: async () => {
      await conn.query('COMMIT');
      await conn.end();
    },
  };
  const { searchFullText, searchHybrid } = searches;
  return {
    ...client,
    ...(searchFullText ? { searchFullText } : {}),
    ...(searchHybrid ? { searchHybrid } : {}),
  };
}

/** The statements of one checkout from Dify's per-Vector engine: ping, the call's SQL, rollback on return. */
async function checkout(conn: Connection, statements: readonly string[]): Promise<RowDataPacket[][]> {
  await conn.ping();
  const answers: RowDataPacket[][] = [];
  for (const sql of statements) answers.push((await conn.query<RowDataPacket[]>(sql))[0]);
  await conn.query('ROLLBACK');
  return answers;
}

async function obVecClientSetup(conn: Connection, database: string, table: string, options: ObVecSetupOptions): Promise<void> {
  const db = quoteIdentifier(database);
  // ObClient.__init__: the engine's first connection (the dialect's sql_mode and table-name
  // casing reads), then MetaData.reflect(bind=engine) over every base table of the database.
  const [, , listed] = await checkout(conn, [
    "SHOW VARIABLES LIKE 'sql_mode'",
    "SHOW VARIABLES LIKE 'lower_case_table_names'",
    `SHOW FULL TABLES FROM ${db}`,
  ]);
  const tables = baseTables(listed ?? []);
  if (tables.length > 0) await checkout(conn, tables.map((t) => `SHOW CREATE TABLE ${db}.${quoteIdentifier(t)}`));
  await checkout(conn, ['SELECT OB_VERSION() FROM DUAL']);
  // OceanBaseVector.__init__: check_table_exists (Inspector.has_table, DESCRIBE in SQLAlchemy 2's MySQL dialect).
  await checkout(conn, [`DESCRIBE ${db}.${quoteIdentifier(table)}`]);
  if (options.hybridCheck) await checkout(conn, ['SELECT @@version_comment AS version']);
  if (options.efSearch !== undefined) await conn.query(`SET @@ob_hnsw_ef_search = ${Math.trunc(options.efSearch)}`);
  // The search's own checkout.
  await conn.ping();
}

/**
 * Base table names from SHOW FULL TABLES rows (`Tables_in_<db>`, `Table_type`): what
 * MetaData.reflect reflects by default (views are skipped).
 */
export function baseTables(rows: readonly Record<string, unknown>[]): string[] {
  const names: string[] = [];
  for (const row of rows) {
    const type = row.Table_type;
    const nameKey = Object.keys(row).find((k) => k.startsWith('Tables_in_'));
    const name = nameKey === undefined ? undefined : row[nameKey];
    if (typeof name === 'string' && type === 'BASE TABLE') names.push(name);
  }
  return names;
}
