import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Metric, VectorQuery } from '../store-adapter.js';
import { queryRows, type RowShape } from './pgvector-rows-query.js';
import { vectorSearchStatement } from './pgvector-sql.js';
import { VectorEncodingCache, vectorBinary } from './pgvector-vector-param.js';

/** One row of Dify's vector query: `SELECT meta, text, embedding <=> $1 AS distance`. */
export interface VectorRow {
  readonly meta: { doc_id: string };
  readonly text: string;
  readonly distance: number;
}

/**
 * Dify's three columns decoded as node-postgres decodes their types (jsonb: JSON.parse, float8:
 * a JS number, SQL NULL: null), into an object of one fixed shape.
 */
export const VECTOR_ROW: RowShape<VectorRow> = {
  columns: ['meta', 'text', 'distance'],
  decode: ([meta, text, distance]) =>
    ({
      meta: meta == null ? null : JSON.parse(meta),
      text: text ?? null,
      distance: distance == null ? null : Number(distance),
    }) as VectorRow,
};

/**
 * How the adapter sends Dify's vector query. The SQL text and what the server compares are
 * Dify's (pgvector-sql.ts); only the client's cost changes:
 * - the query vector goes as pgvector's binary input (no number → text → number round trip),
 *   encoded once per vector (VectorEncodingCache);
 * - the unfiltered query is a named prepared statement, parsed once per connection. Its plan
 *   does not depend on the vector (an HNSW index scan ordered by distance, as for Dify's literal
 *   query), so PostgreSQL's cached generic plan is the plan Dify's query gets. A query with a
 *   document_id filter stays unnamed: PostgreSQL then plans it with the filter's values each
 *   time, as it plans Dify's literal IN list (a generic plan could choose another scan);
 * - the rows are read by queryRows (pgvector-rows-query.ts) in VECTOR_ROW's shape: the same
 *   messages to the server and the same values as node-postgres's Query, without its Result.
 * One per collection handle: the statement names and the cache live and die with it.
 */
export class PgvectorVectorQuery {
  private readonly vectors = new VectorEncodingCache(vectorBinary);
  private readonly statements = new Map<number, { name: string; text: string }>();

  constructor(
    private readonly table: string,
    private readonly metric: Metric,
  ) {}

  /** `db`: the session's pool, or one retrieval's own connection (Dify's client path). */
  async rows(db: pg.Pool | pg.Client, q: VectorQuery): Promise<VectorRow[]> {
    const vector = this.vectors.get(q.vector);
    if (q.documentIds) {
      return queryRows(db, vectorSearchStatement(this.table, this.metric, vector, q.k, q.documentIds), VECTOR_ROW);
    }
    return queryRows(db, { ...this.statement(q.k), values: [vector] }, VECTOR_ROW);
  }

  /** The prepared top-k statement; named by a hash of its text, so one name never means two texts. */
  private statement(k: number): { name: string; text: string } {
    let s = this.statements.get(k);
    if (!s) {
      const { text } = vectorSearchStatement(this.table, this.metric, '', k, undefined);
      s = { name: `vdb_vector_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`, text };
      this.statements.set(k, s);
    }
    return s;
  }
}
