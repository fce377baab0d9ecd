import { describe, expect, it } from 'vitest';
import {
  baseTables,
  fetchSettingSql,
  identifierQuoter,
  isolationLevelSql,
  obVecClientSetup,
  reflectedTables,
  sqlalchemyServerVersion,
  type ObVecSetupOptions,
  type Rows,
} from '../../src/adapters/oceanbase/oceanbase-retrieval-client.js';

/** Drives the setup plan with canned answers; returns the commands in order as the recording proxy names them. */
function planned(options: ObVecSetupOptions, answer: (sql: string) => Rows, table = 'vector_index_a'): string[] {
  const plan = obVecClientSetup('test', table, options);
  const sent: string[] = [];
  let step = plan.next([]);
  while (!step.done) {
    const command = step.value;
    sent.push(command.kind === 'ping' ? 'PING' : `QUERY ${command.sql}`);
    step = plan.next(command.kind === 'ping' ? [] : answer(command.sql));
  }
  return sent;
}

const tablesRows: Rows = [
  { Tables_in_test: 'vector_index_a', Table_type: 'BASE TABLE' },
  { Tables_in_test: 'some_view', Table_type: 'VIEW' },
  { Tables_in_test: 'vector_index_b', Table_type: 'BASE TABLE' },
];

/** seekdb 1.4.0's answers (as observed on the local recipe's server). */
function seekdb(sql: string): Rows {
  if (sql === 'SELECT VERSION()') return [{ 'VERSION()': '5.7.25-OceanBase seekdb-v1.4.0.0' }];
  if (sql === 'SELECT @@sql_mode') return [{ '@@sql_mode': 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_AUTO_CREATE_USER' }];
  if (sql.startsWith('SHOW FULL TABLES')) return tablesRows;
  return [];
}

describe('obVecClientSetup (what a new OceanBaseVector sends: pymysql 1.1.2, SQLAlchemy 2.0.49, pyobvector 0.2.25)', () => {
  it('first connect, reflection, OB_VERSION, check_table_exists, version_comment, then the search checkout ping', () => {
    expect(planned({ efSearch: undefined, hybridCheck: true }, seekdb)).toEqual([
      // pymysql connect(), SQLAlchemy's mysqldb on_connect
      'QUERY SET NAMES utf8mb4',
      'QUERY SET AUTOCOMMIT = 0',
      'QUERY SET NAMES utf8mb4',
      // first_connect: dialect.initialize, rollback
      'QUERY SELECT VERSION()',
      'QUERY SELECT DATABASE()',
      'QUERY SELECT @@transaction_isolation',
      'QUERY SELECT @@sql_mode',
      'QUERY SELECT @@lower_case_table_names',
      'QUERY ROLLBACK',
      // MetaData.reflect: inspect(engine)'s fresh, unpinged checkout; then one reflecting checkout
      'QUERY ROLLBACK',
      'PING',
      'QUERY SHOW FULL TABLES FROM `test`',
      'QUERY SHOW FULL TABLES FROM `test`',
      'QUERY SHOW CREATE TABLE `vector_index_a`',
      'QUERY SHOW CREATE TABLE `vector_index_b`',
      'QUERY ROLLBACK',
      // OB_VERSION() in connect() + begin()
      'PING',
      'QUERY SELECT OB_VERSION() FROM DUAL',
      'QUERY COMMIT',
      'QUERY ROLLBACK',
      // check_table_exists: inspect(engine), has_table
      'PING',
      'QUERY ROLLBACK',
      'PING',
      'QUERY DESCRIBE `test`.`vector_index_a`',
      'QUERY ROLLBACK',
      // _check_hybrid_search_support
      'PING',
      'QUERY SELECT @@version_comment AS version',
      'QUERY COMMIT',
      'QUERY ROLLBACK',
      // the search's own checkout
      'PING',
    ]);
  });

  it('skips version_comment without hybrid search; a tuned ef_search is set before the search checkout', () => {
    const withoutHybrid = planned({ efSearch: undefined, hybridCheck: false }, seekdb);
    expect(withoutHybrid).not.toContain('QUERY SELECT @@version_comment AS version');
    expect(withoutHybrid.slice(-4)).toEqual(['PING', 'QUERY DESCRIBE `test`.`vector_index_a`', 'QUERY ROLLBACK', 'PING']);
    expect(planned({ efSearch: 48.7, hybridCheck: false }, seekdb).slice(-2)).toEqual(['QUERY SET @@ob_hnsw_ef_search = 48', 'PING']);
  });

  it('an empty database is listed twice and nothing is reflected', () => {
    const sent = planned({ efSearch: undefined, hybridCheck: false }, (sql) => (sql.startsWith('SHOW FULL TABLES') ? [] : seekdb(sql)));
    expect(sent.filter((c) => c.startsWith('QUERY SHOW'))).toEqual(['QUERY SHOW FULL TABLES FROM `test`', 'QUERY SHOW FULL TABLES FROM `test`']);
  });

  it('quotes with double quotes when sql_mode has ANSI_QUOTES, as the dialect then does', () => {
    const sent = planned({ efSearch: undefined, hybridCheck: false }, (sql) =>
      sql === 'SELECT @@sql_mode' ? [{ '@@sql_mode': 'ANSI_QUOTES,STRICT_ALL_TABLES' }] : seekdb(sql),
    );
    expect(sent).toContain('QUERY SHOW FULL TABLES FROM "test"');
    expect(sent).toContain('QUERY SHOW CREATE TABLE "vector_index_b"');
    expect(sent).toContain('QUERY DESCRIBE "test"."vector_index_a"');
  });
});

describe("SQLAlchemy's MySQL dialect choices from SELECT VERSION()", () => {
  it('parses versions as _parse_server_version does (a "v1" token is not a number and is skipped)', () => {
    expect(sqlalchemyServerVersion('5.7.25-OceanBase seekdb-v1.4.0.0')).toEqual({ info: [5, 7, 25, 4, 0, 0], mariadb: false });
    expect(sqlalchemyServerVersion('5.7.25-OceanBase_CE-v4.3.5.1')).toEqual({ info: [5, 7, 25, 3, 5, 1], mariadb: false });
    expect(sqlalchemyServerVersion('10.6.12-MariaDB-1:10.6.12+maria~ubu2004')).toMatchObject({ mariadb: true });
    expect(sqlalchemyServerVersion('8.0.36')).toEqual({ info: [8, 0, 36], mariadb: false });
  });

  it('picks the isolation-level and setting queries by version', () => {
    const v = sqlalchemyServerVersion;
    expect(isolationLevelSql(v('5.7.25-OceanBase seekdb-v1.4.0.0'))).toBe('SELECT @@transaction_isolation');
    expect(isolationLevelSql(v('5.7.19'))).toBe('SELECT @@tx_isolation');
    expect(isolationLevelSql(v('10.11.2-MariaDB'))).toBe('SELECT @@tx_isolation');
    expect(fetchSettingSql(v('5.7.25-OceanBase seekdb-v1.4.0.0'), 'sql_mode')).toBe('SELECT @@sql_mode');
    expect(fetchSettingSql(v('5.5.62'), 'sql_mode')).toBe("SHOW VARIABLES LIKE 'sql_mode'");
  });

  it('quotes identifiers as MySQLIdentifierPreparer.quote_identifier', () => {
    expect(identifierQuoter('STRICT_ALL_TABLES')('a`b')).toBe('`a``b`');
    expect(identifierQuoter('ANSI_QUOTES')('a"b')).toBe('"a""b"');
    expect(identifierQuoter('4')('t')).toBe('"t"');
    expect(identifierQuoter('')('t')).toBe('`t`');
  });
});

describe('baseTables and reflectedTables (what MetaData.reflect reflects from SHOW FULL TABLES)', () => {
  it('keeps base tables in order, skips views, reads the Tables_in_<db> column whatever the database', () => {
    expect(baseTables(tablesRows)).toEqual(['vector_index_a', 'vector_index_b']);
    expect(baseTables([{ Tables_in_dify: 't1', Table_type: 'BASE TABLE' }])).toEqual(['t1']);
    expect(baseTables([{ name: 't1', Table_type: 'BASE TABLE' }])).toEqual([]);
  });

  it("reflects the second listing's tables that the first asked for", () => {
    expect(reflectedTables(['a', 'b'], ['a', 'b', 'c'])).toEqual(['a', 'b']);
    expect(reflectedTables([], ['a'])).toEqual(['a']);
  });
});
