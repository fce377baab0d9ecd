import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { queryRows, type RowShape } from '../../src/adapters/pgvector/pgvector-rows-query.js';
import { tableName, vectorSearchStatement } from '../../src/adapters/pgvector/pgvector-sql.js';
import { vectorBinary } from '../../src/adapters/pgvector/pgvector-vector-param.js';
import { VECTOR_ROW } from '../../src/adapters/pgvector/pgvector-vector-query.js';
import { selftestData } from '../../src/bench/selftest/selftest-data.js';
import { startPgvectorTable, type PgvectorTable } from './fixtures/pgvector-table.js';

/**
 * queryRows reads a search's rows without node-postgres's Query: on a real server the vector
 * query's rows must be node-postgres's rows, value for value, and its failures must leave the
 * pool usable.
 */
const DIMS = 16;
let pgvector: PgvectorTable;
let pool: pg.Pool;
let client: pg.Client;
const data = selftestData(500, DIMS, 9);
const table = tableName('rows_query');

beforeAll(async () => {
  pgvector = await startPgvectorTable({ name: 'rows_query', dims: DIMS, metric: 'cosine' }, data.docs);
  pool = new pg.Pool({ ...pgvector.connection, max: 1 });
  pool.on('error', () => undefined);
  client = new pg.Client(pgvector.connection);
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await pool?.end();
  await pgvector?.stop();
});

const vector = (i: number): Buffer => vectorBinary(data.docs[i]?.vector ?? data.query);
const PID: RowShape<{ pid: number }> = { columns: ['pid'], decode: ([pid]) => ({ pid: Number(pid) }) };
const backendPid = { text: 'SELECT pg_backend_pid() AS pid', values: [] };

describe('pgvector queryRows', () => {
  it("returns node-postgres's rows of Dify's vector query, prepared or not, through a pool or one client", async () => {
    const unfiltered = vectorSearchStatement(table, 'cosine', vector(3), 4, undefined);
    const ids = [...new Set(data.docs.slice(0, 40).map((d) => d.documentId))];
    const filtered = vectorSearchStatement(table, 'cosine', vector(7), 4, ids);
    const expected = (await client.query(unfiltered.text, unfiltered.values)).rows;
    expect(expected).toHaveLength(4);
    for (let i = 0; i < 7; i++) {
      // Named: parsed on the first run, bound alone after (and on a generic plan after the fifth).
      expect(await queryRows(pool, { name: 'rows_query_vector', ...unfiltered }, VECTOR_ROW)).toEqual(expected);
      expect(await queryRows(client, { name: 'rows_query_vector', ...unfiltered }, VECTOR_ROW)).toEqual(expected);
    }
    // Unnamed, with a text[] parameter (node-postgres encodes the array).
    const filteredExpected = (await client.query(filtered.text, filtered.values)).rows;
    expect(filteredExpected.length).toBeGreaterThan(0); // HNSW filters after the scan: 3 of 4 here
    expect(await queryRows(pool, filtered, VECTOR_ROW)).toEqual(filteredExpected);
    // SQL NULLs decode to null, as node-postgres decodes them.
    const nulls = { text: 'SELECT NULL::jsonb AS meta, NULL::text AS text, NULL::float8 AS distance', values: [] };
    expect(await queryRows(pool, nulls, VECTOR_ROW)).toEqual((await client.query(nulls.text)).rows);
    expect(await queryRows(pool, { text: `${unfiltered.text.replace('ORDER BY', 'WHERE false ORDER BY')}`, values: unfiltered.values }, VECTOR_ROW)).toEqual([]);
  });

  it('fails, naming both, when the columns are not the shape it expects; the pool answers next', async () => {
    const other = { text: 'SELECT meta, text FROM ' + table + ' LIMIT 1', values: [] };
    await expect(queryRows(pool, other, VECTOR_ROW)).rejects.toThrow('pgvector: expected the columns meta, text, distance, the server answered with meta, text');
    expect(await queryRows(pool, backendPid, PID)).toHaveLength(1);
  });

  it("fails with the server's error, and the pool's next query is answered", async () => {
    const wrongDims = vectorSearchStatement(table, 'cosine', vectorBinary(new Float32Array(DIMS + 1).fill(0.5)), 4, undefined);
    await expect(queryRows(pool, { name: 'rows_query_wrong', ...wrongDims }, VECTOR_ROW)).rejects.toThrow(/different vector dimensions/);
    await expect(queryRows(client, wrongDims, VECTOR_ROW)).rejects.toThrow(/different vector dimensions/);
    const ok = vectorSearchStatement(table, 'cosine', vector(1), 4, undefined);
    expect(await queryRows(pool, { name: 'rows_query_vector', ...ok }, VECTOR_ROW)).toHaveLength(4);
    expect(await queryRows(client, ok, VECTOR_ROW)).toHaveLength(4);
  });

  it('fails when its connection is killed mid-query, and the pool answers on a new connection', async () => {
    const ok = vectorSearchStatement(table, 'cosine', vector(2), 4, undefined);
    const [before] = await queryRows(pool, backendPid, PID);
    await queryRows(pool, { name: 'rows_query_vector', ...ok }, VECTOR_ROW);
    const sleeping = queryRows(pool, { text: 'SELECT pg_sleep(30) AS slept', values: [] }, { columns: ['slept'], decode: () => 'slept' });
    sleeping.catch(() => undefined);
    // Bounded wait until the pooled connection is inside the query, then end its backend.
    for (let i = 0; i < 100; i++) {
      const { rows } = await client.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep%'", [before?.pid]);
      if (rows.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.query('SELECT pg_terminate_backend($1)', [before?.pid]);
    await expect(sleeping).rejects.toThrow(/terminat/);
    // The dead connection was dropped: a new backend answers, and the statement is parsed there anew.
    const [after] = await queryRows(pool, backendPid, PID);
    expect(after?.pid).not.toBe(before?.pid);
    expect(await queryRows(pool, { name: 'rows_query_vector', ...ok }, VECTOR_ROW)).toHaveLength(4);
  });
});
