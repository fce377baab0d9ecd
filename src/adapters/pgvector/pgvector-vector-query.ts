import type pg from 'pg';
import type { Metric, VectorQuery } from '../store-adapter.js';
import { vectorSearchStatement } from './pgvector-sql.js';
import { vectorBinary } from './pgvector-vector-param.js';

/** One row of Dify's vector query: `SELECT meta, text, embedding <=> $1 AS distance`. */
export interface VectorRow {
  readonly meta: { doc_id: string };
  readonly text: string;
  readonly distance: number;
}

/**
 * How the adapter sends Dify's vector query; the SQL text and what the server compares are
 * Dify's (pgvector-sql.ts), only the client's cost changes: the query vector goes as pgvector's
 * binary input (no number → text → number round trip).
 */
export class PgvectorVectorQuery {
  constructor(
    private readonly table: string,
    private readonly metric: Metric,
  ) {}

  async rows(pool: pg.Pool, q: VectorQuery): Promise<VectorRow[]> {
    const s = vectorSearchStatement(this.table, this.metric, vectorBinary(q.vector), q.k, q.documentIds);
    return (await pool.query<VectorRow>(s.text, s.values)).rows;
  }
}
