/**
 * What one Dify retrieval sends to OceanBase before and after its search, replayed on one new
 * mysql2 connection. Each statement below comes from these sources (read from the public source
 * index; the SQLAlchemy and PyMySQL files there are late 2.0-series and 1.1-series copies, not
 * byte-compared with the exact tags):
 *
 * Versions: langgenius/dify api/uv.lock (dify-api 1.17.1) locks sqlalchemy 2.0.49, pymysql 1.1.2
 * and pyobvector 0.2.25 (api/providers/vdb/vdb-oceanbase/pyproject.toml asks pyobvector~=0.2.17).
 *
 * Dify, api/providers/vdb/vdb-oceanbase/src/dify_vdb_oceanbase/oceanbase_vector.py: RetrievalService
 * builds a new Vector, so a new OceanBaseVector, per search. Its __init__ builds
 * ObVecClient(uri, user, password, db_name, pool_size, max_overflow, pool_recycle=3600,
 * pool_pre_ping=True), calls check_table_exists(collection), reads the columns from the reflected
 * metadata (no SQL) and, with OCEANBASE_ENABLE_HYBRID_SEARCH, runs perform_raw_text_sql("SELECT
 * @@version_comment AS version"). search_by_vector calls ann_search (and set_ob_hnsw_ef_search
 * only when the caller passes an ef_search other than the configured one, which retrieval does
 * not); search_by_full_text runs its SELECT in `with engine.connect() as conn: with conn.begin()`.
 *
 * pyobvector, client/ob_client.py: ObClient.__init__ does create_engine("mysql+oceanbase://…
 * ?charset=utf8mb4", **kwargs), MetaData().reflect(bind=engine), then SELECT OB_VERSION() FROM
 * DUAL in connect()+begin() (both indexed revisions of the file send the same statements here);
 * check_table_exists is inspect(engine).has_table(name); perform_raw_text_sql and
 * ob_vec_client.py's ann_search run in connect()+begin(), ann_search after Table(name, metadata,
 * autoload_with=engine), which returns the already reflected table without SQL (sql/schema.py
 * Table._new reflects again only with extend_existing). schema/dialect.py: OceanBaseDialect is
 * MySQLDialect_pymysql with its own table-definition parser, nothing on connect.
 *
 * PyMySQL 1.1, connections.py: connect() sends SET NAMES <charset> (set_character_set), then,
 * as autocommit defaults to False, SET AUTOCOMMIT = 0 when the server's greeting says autocommit
 * is on; commit()/rollback() send COMMIT/ROLLBACK, ping() COM_PING. Connection.__del__ is
 * _force_close: the socket closes without COM_QUIT.
 *
 * SQLAlchemy 2.0: engine/create.py runs, for every new connection, the dialect's on_connect
 * (dialects/mysql/mysqldb.py: SET NAMES <character_set_name()>), and once per engine first_connect:
 * dialect.initialize, then do_rollback (ROLLBACK). dialects/mysql/base.py initialize: no SQL for the
 * charset (mysqldb _detect_charset asks the driver), engine/default.py DefaultDialect.initialize
 * (SELECT VERSION(), SELECT DATABASE(), get_isolation_level: SELECT @@transaction_isolation on
 * MySQL >= 5.7.20 else @@tx_isolation; no _check_unicode_returns in 2.0), then _detect_sql_mode
 * and _detect_casing through _fetch_setting (SELECT @@sql_mode, SELECT @@lower_case_table_names;
 * SHOW VARIABLES LIKE only below 5.6); ANSI_QUOTES in sql_mode switches identifier quoting to ".
 * pool/base.py: pre-ping pings every checkout but a fresh connection's first; a checked-in
 * connection is rolled back unless the Connection already ended its transaction
 * (engine/base.py Connection.close: an open transaction, also an autobegun one, is rolled back
 * there; a committed `with conn.begin()` leaves none, so the pool's reset still sends ROLLBACK).
 * engine/reflection.py: inspect(engine) first does engine.connect().close(); MetaData.reflect runs
 * on one connection: get_table_names(schema) positionally, then _get_reflection_info, whose
 * DefaultDialect._default_multi_reflect (engine/default.py) calls get_table_names(schema=…) by
 * keyword, a different reflection.cache key, so SHOW FULL TABLES FROM runs twice; then one SHOW
 * CREATE TABLE per base table (MySQL _setup_parser is cached; schema None, so no schema prefix).
 * has_table: DESCRIBE <default schema>.<table>. MySQL's _quote_free_identifiers always quotes.
 *
 * Not determined from the sources, and so chosen here: (1) when the connection closes. Dify never
 * disposes the engine; the socket closes without COM_QUIT when Python frees the dropped
 * ObVecClient (its engine and pool hold reference cycles, so at a later cyclic GC). The replay
 * closes it, also without COM_QUIT, as soon as the retrieval answers. (2) SET AUTOCOMMIT = 0 is
 * sent unconditionally: it depends on the greeting's status, and OceanBase and seekdb default
 * to autocommit on (seekdb 1.4.0 greets with status 0x0002). (3) ob_hnsw_ef_search for a tuned
 * profile is the harness's, not Dify's (which, as above, never sets it on retrieval).
 */
import mysql, { type Connection, type ConnectionOptions } from 'mysql2/promise';
import type { Hit, HybridQuery, RetrievalClient, TextQuery, VectorQuery } from '../store-adapter.js';

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

/** One command of the replay as the server receives it: a COM_PING or a COM_QUERY. */
export type SetupCommand = { readonly kind: 'ping' } | { readonly kind: 'query'; readonly sql: string };

/** The rows a command answered (none for a ping or a statement without a result set). */
export type Rows = readonly Record<string, unknown>[];

/**
 * One Dify retrieval's ObVecClient: a new connection carrying the setup obVecClientSetup plans,
 * then the search's own checkout (ping, the search, COMMIT and the pool's ROLLBACK on close),
 * then the socket closes.
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
    await runSetup(conn, obVecClientSetup(String(connection.database), table, options));
  } catch (error) {
    conn.destroy();
    throw error;
  }
  const searches = searchesOn(conn);
  const client: RetrievalClient = {
    searchVector: (q) => searches.searchVector(q),
    // The search ran in `with conn.begin()`: COMMIT; the pool's reset on check-in: ROLLBACK.
    // Then the dropped client's socket closes, without COM_QUIT, as pymysql's __del__ does.
    close: async () => {
      try {
        await conn.query('COMMIT');
        await conn.query('ROLLBACK');
      } finally {
        conn.destroy();
      }
    },
  };
  const { searchFullText, searchHybrid } = searches;
  return {
    ...client,
    ...(searchFullText ? { searchFullText } : {}),
    ...(searchHybrid ? { searchHybrid } : {}),
  };
}

/** Sends a plan's commands in order, handing each one's rows back to the plan. */
async function runSetup(conn: Connection, plan: Generator<SetupCommand, void, Rows>): Promise<void> {
  let step = plan.next([]);
  while (!step.done) {
    const command = step.value;
    let rows: Rows = [];
    if (command.kind === 'ping') {
      await conn.ping();
    } else {
      const [result] = await conn.query(command.sql);
      if (Array.isArray(result)) rows = result as Rows;
    }
    step = plan.next(rows);
  }
}

const PING: SetupCommand = { kind: 'ping' };
const query = (sql: string): SetupCommand => ({ kind: 'query', sql });

/**
 * The commands OceanBaseVector.__init__ sends on its new engine's one connection, up to and
 * including the ping of the search's own checkout. A generator, so the answers that decide later
 * statements (the server version, sql_mode, the table lists) come from the server; each
 * `yield` is one command and evaluates to its rows.
 */
export function* obVecClientSetup(database: string, table: string, options: ObVecSetupOptions): Generator<SetupCommand, void, Rows> {
  // The engine's first connection: pymysql's connect(), then SQLAlchemy's connect listeners.
  yield query('SET NAMES utf8mb4');
  yield query('SET AUTOCOMMIT = 0');
  yield query('SET NAMES utf8mb4');
  // first_connect: dialect.initialize, then a rollback.
  const server = sqlalchemyServerVersion(firstValue(yield query('SELECT VERSION()')));
  yield query('SELECT DATABASE()');
  yield query(isolationLevelSql(server));
  const sqlMode = settingValue(server, yield query(fetchSettingSql(server, 'sql_mode')));
  yield query(fetchSettingSql(server, 'lower_case_table_names'));
  yield query('ROLLBACK');
  const quote = identifierQuoter(sqlMode);

  // ObClient.__init__: MetaData.reflect. inspect(engine) checks out and returns the fresh
  // connection (not pinged: fresh; rolled back on return); then one pinged checkout reflects.
  yield query('ROLLBACK');
  yield PING;
  const listFull = `SHOW FULL TABLES FROM ${quote(database)}`;
  const load = baseTables(yield query(listFull));
  const names = baseTables(yield query(listFull));
  for (const name of reflectedTables(load, names)) yield query(`SHOW CREATE TABLE ${quote(name)}`);
  yield query('ROLLBACK');
  // ObClient.__init__: OB_VERSION() in connect() + begin().
  yield* checkout('SELECT OB_VERSION() FROM DUAL', 'commit');
  // OceanBaseVector.__init__: check_table_exists: inspect(engine)'s empty checkout, then has_table.
  yield PING;
  yield query('ROLLBACK');
  yield* checkout(`DESCRIBE ${quote(database)}.${quote(table)}`, 'autobegun');
  if (options.hybridCheck) yield* checkout('SELECT @@version_comment AS version', 'commit');
  // Not Dify's: a tuned profile's search breadth, on the session as the pool sets it.
  if (options.efSearch !== undefined) yield query(`SET @@ob_hnsw_ef_search = ${Math.trunc(options.efSearch)}`);
  // The search's own checkout; the search and its COMMIT, ROLLBACK follow (client.close).
  yield PING;
}

/**
 * One pre-pinged checkout running one statement: in `connect()` + `begin()` it ends with COMMIT
 * and the pool's rollback on return; autobegun (no begin()), Connection.close rolls it back.
 */
function* checkout(sql: string, transaction: 'commit' | 'autobegun'): Generator<SetupCommand, void, Rows> {
  yield PING;
  yield query(sql);
  if (transaction === 'commit') yield query('COMMIT');
  yield query('ROLLBACK');
}

/** The server version as SQLAlchemy's MySQL _parse_server_version reads SELECT VERSION(). */
export interface ServerVersion {
  readonly info: readonly number[];
  readonly mariadb: boolean;
}

/**
 * SQLAlchemy's split of a VERSION() string: tokens between `.`, `-` and `+`; numeric ones (a
 * trailing a/b/c allowed) make up the version, a `MariaDB…` token marks MariaDB.
 */
export function sqlalchemyServerVersion(value: string): ServerVersion {
  const info: number[] = [];
  let mariadb = false;
  for (const token of value.split(/[.\-+]/)) {
    const m = /^(?:(\d+)[abc]?|(MariaDB\w*))$/.exec(token);
    if (!m) continue;
    if (m[2] !== undefined) mariadb = true;
    else info.push(Number(m[1]));
  }
  return { info, mariadb };
}

/** Python's tuple comparison: a < b. */
function versionBelow(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return (a[i] ?? 0) < (b[i] ?? 0);
  }
  return a.length < b.length;
}

/** MySQLDialect.get_isolation_level's query. */
export function isolationLevelSql(server: ServerVersion): string {
  return !server.mariadb && !versionBelow(server.info, [5, 7, 20]) ? 'SELECT @@transaction_isolation' : 'SELECT @@tx_isolation';
}

/** MySQLDialect._fetch_setting's query for one server variable. */
export function fetchSettingSql(server: ServerVersion, name: string): string {
  return server.info.length > 0 && versionBelow(server.info, [5, 6]) ? `SHOW VARIABLES LIKE '${name}'` : `SELECT @@${name}`;
}

/** The setting's value from _fetch_setting's answer (SHOW VARIABLES has it in the second column). */
function settingValue(server: ServerVersion, rows: Rows): string {
  const row = rows[0];
  if (!row) return '';
  const values = Object.values(row);
  const value = server.info.length > 0 && versionBelow(server.info, [5, 6]) ? values[1] : values[0];
  return value === null || value === undefined ? '' : String(value);
}

/**
 * MySQLIdentifierPreparer.quote_identifier as _detect_ansiquotes leaves it: backticks, or double
 * quotes when sql_mode has ANSI_QUOTES (a numeric sql_mode has it as bit 4); the quote doubled inside.
 */
export function identifierQuoter(sqlMode: string): (name: string) => string {
  const ansi = /^\d+$/.test(sqlMode) ? (Number(sqlMode) & 4) === 4 : sqlMode.includes('ANSI_QUOTES');
  const q = ansi ? '"' : '`';
  return (name) => q + name.split(q).join(q + q) + q;
}

function firstValue(rows: Rows): string {
  const row = rows[0];
  const value = row === undefined ? undefined : Object.values(row)[0];
  return value === null || value === undefined ? '' : String(value);
}

/**
 * Base table names from SHOW FULL TABLES rows (`Tables_in_<db>`, `Table_type`): what
 * MySQLDialect.get_table_names returns (views are skipped).
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

/**
 * The tables _default_multi_reflect reflects: its own listing, filtered by the names
 * MetaData.reflect asked for (all of them, the metadata being new); no filter when that is empty.
 */
export function reflectedTables(load: readonly string[], names: readonly string[]): string[] {
  return load.length === 0 ? [...names] : names.filter((n) => load.includes(n));
}
