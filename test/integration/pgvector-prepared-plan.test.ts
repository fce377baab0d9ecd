import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { tableName, vectorSearchStatement } from '../../src/adapters/pgvector/pgvector-sql.js';
import { vectorLiteral } from '../../src/adapters/pgvector/pgvector-vector-param.js';
import type { Collection } from '../../src/adapters/store-adapter.js';
import { selftestData } from '../../src/bench/selftest/selftest-data.js';
import { startPgvectorTable, type PgvectorTable } from './fixtures/pgvector-table.js';

/**
 * The adapter prepares Dify's unfiltered vector query once per connection, so after five runs
 * PostgreSQL may switch to its generic plan. That is only the same question as Dify's literal
 * query if the generic plan is the plan the literal gets: the HNSW index scan. And the answers of
 * the binary, prepared path are the literal query's, row for row.
 */
const DIMS = 32;
let pgvector: PgvectorTable;
let collection: Collection;
let client: pg.Client;
const data = selftestData(3000, DIMS, 5);
const table = tableName('plan_check');

beforeAll(async () => {
  pgvector = await startPgvectorTable({ name: 'plan_check', dims: DIMS, metric: 'cosine' }, data.docs);
  collection = pgvector.collection;
  client = new pg.Client(pgvector.connection);
  await client.connect();
  await client.query('ANALYZE ' + table);
});

afterAll(async () => {
  await client?.end();
  await pgvector?.stop();
});

const planOf = (rows: Array<{ 'QUERY PLAN': string }>): string => rows.map((r) => r['QUERY PLAN']).join('\n');

describe('pgvector prepared vector query', () => {
  it('gets the HNSW index scan as its generic plan, as the literal query does', async () => {
    const { text } = vectorSearchStatement(table, 'cosine', '', 4, undefined);
    const literal = text.replace('$1', `'${vectorLiteral(data.query)}'`);
    const literalPlan = planOf((await client.query(`EXPLAIN ${literal}`)).rows);
    await client.query(`PREPARE plan_check_q AS ${text}`);
    await client.query('SET plan_cache_mode = force_generic_plan');
    const genericPlan = planOf((await client.query(`EXPLAIN EXECUTE plan_check_q('${vectorLiteral(data.query)}')`)).rows);
    await client.query('RESET plan_cache_mode');
    expect(literalPlan).toMatch(/Index Scan using embedding_cosine_v1_idx_\w+ on embedding_plan_check/);
    expect(genericPlan).toMatch(/Index Scan using embedding_cosine_v1_idx_\w+ on embedding_plan_check/);
  });

  it('answers as the literal query does, also after the switch to the generic plan', async () => {
    const { text } = vectorSearchStatement(table, 'cosine', '', 4, undefined);
    for (let i = 0; i < 8; i++) {
      const vector = data.docs[i * 100]?.vector ?? data.query;
      const literal = await client.query<{ meta: { doc_id: string }; distance: number }>(
        text.replace('$1', `'${vectorLiteral(vector)}'`),
      );
      const hits = await collection.searchVector({ vector, k: 4 });
      expect(hits.map((h) => h.id)).toEqual(literal.rows.map((r) => r.meta.doc_id));
      expect(hits.map((h) => h.score)).toEqual(literal.rows.map((r) => 1 - r.distance));
    }
  });
});
