import { createHash } from 'node:crypto';
import type { Doc, Metric } from '../store-adapter.js';
import type { PgvectorIndexParams } from './pgvector-config.js';
import { METRIC_SQL } from './pgvector-config.js';
import { difyChunkMetadata } from '../dify-metadata.js';
import { uuidV5 } from '../uuid-v5.js';
import { vectorBinary, vectorLiteral } from './pgvector-vector-param.js';

/**
 * The SQL Dify's pgvector.py sends (api/core/rag/datasource/vdb/pgvector/pgvector.py), written
 * with bind parameters where Dify interpolates. Every function returns text plus parameters.
 */
export interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

/** PostgreSQL's identifier limit (NAMEDATALEN − 1); longer names are silently truncated. */
const MAX_IDENTIFIER = 63;

/** Dify's `embedding_<collection>`, unquoted (so lower case); only [a-z0-9_] kept from the name. */
export function tableName(collection: string): string {
  const table = `embedding_${collection.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  if (table.length > MAX_IDENTIFIER) {
    throw new Error(`pgvector: table name ${table} is longer than ${MAX_IDENTIFIER} characters`);
  }
  return table;
}

/** Dify's `embedding_cosine_v1_idx_<md5(table)[:8]>` (the metric's name in place of cosine). */
export function indexName(table: string, metric: Metric): string {
  return `embedding_${metric}_v1_idx_${createHash('md5').update(table).digest('hex').slice(0, 8)}`;
}

export function createTableSql(table: string, dims: number): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    id UUID PRIMARY KEY,
    text TEXT NOT NULL,
    meta JSONB NOT NULL,
    embedding vector(${Math.trunc(dims)}) NOT NULL
  ) using heap`;
}

/** Undefined when Dify would create no index (more dims than HNSW on `vector` allows). */
export function createIndexSql(table: string, dims: number, metric: Metric, p: PgvectorIndexParams): string | undefined {
  if (dims > p.maxIndexedDims) return undefined;
  return `CREATE INDEX IF NOT EXISTS ${indexName(table, metric)} ON ${table}
    USING hnsw (embedding ${METRIC_SQL[metric].opclass}) WITH (m = ${Math.trunc(p.m)}, ef_construction = ${Math.trunc(p.efConstruction)})`;
}

/** Bind parameters per statement are capped at 65535 by the protocol; 4 per row. */
export const MAX_ROWS_PER_INSERT = Math.floor(65535 / 4);

/**
 * One multi-row INSERT; ids become UUIDv5 and meta carries what Dify's does: the dataset's own
 * metadata, then doc_id, doc_hash, document_id and dataset_id (the collection's name).
 *
 * Each vector goes as pgvector's binary input (Dify's psycopg2 sends SQL text; the float32 values
 * stored are the same, which pgvector.test.ts checks bit for bit). The text form of a 1000-row
 * batch of 768 dims is about 16 MB of number strings built, flattened and copied into the Bind
 * message on the client (and parsed by strtof on the server);
 * the binary form is 3 MB of Buffers. At 100k × 768 in batches of 1000 the harness's RSS rose
 * 377 MiB above idle while inserting with the text form and 44 MiB with the binary one (README
 * "Datasets", the million-row runs).
 */
export function insertSql(table: string, docs: readonly Doc[], datasetId: string): Statement {
  if (docs.length > MAX_ROWS_PER_INSERT) throw new Error(`pgvector: at most ${MAX_ROWS_PER_INSERT} rows per INSERT`);
  const rows: string[] = [];
  const values: unknown[] = [];
  docs.forEach((d, i) => {
    const p = i * 4;
    rows.push(`($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4})`);
    values.push(
      uuidV5(d.id),
      d.text,
      JSON.stringify({ ...d.metadata, ...difyChunkMetadata(d, datasetId) }),
      vectorBinary(d.vector),
    );
  });
  return { text: `INSERT INTO ${table} (id, text, meta, embedding) VALUES ${rows.join(', ')}`, values };
}

/** Dify's `SELECT meta, text, embedding <=> %s AS distance ... ORDER BY distance LIMIT k`. */
export function vectorSearchSql(
  table: string,
  metric: Metric,
  vector: Float32Array,
  k: number,
  documentIds: readonly string[] | undefined,
): Statement {
  return vectorSearchStatement(table, metric, vectorLiteral(vector), k, documentIds);
}

/** The same statement with the vector parameter already encoded (text literal or pgvector's binary input). */
export function vectorSearchStatement(
  table: string,
  metric: Metric,
  vectorParam: string | Buffer,
  k: number,
  documentIds: readonly string[] | undefined,
): Statement {
  const values: unknown[] = [vectorParam];
  const filter = documentFilter(documentIds, values);
  return {
    text:
      `SELECT meta, text, embedding ${METRIC_SQL[metric].operator} $1 AS distance FROM ${table}` +
      `${filter ? ` WHERE ${filter}` : ''} ORDER BY distance LIMIT ${positiveInt(k)}`,
    values,
  };
}

/**
 * Dify's full text, no tsvector index: every query computes to_tsvector for every row. Dify
 * passes the query wrapped in single quotes ("required ... to account for whitespace"); the
 * parser drops them, and so does this.
 */
export function fullTextSql(table: string, query: string, k: number, documentIds: readonly string[] | undefined): Statement {
  const values: unknown[] = [`'${query}'`];
  const filter = documentFilter(documentIds, values);
  return {
    text:
      `SELECT meta, text, ts_rank(to_tsvector(coalesce(text, '')), plainto_tsquery($1)) AS score FROM ${table}` +
      ` WHERE to_tsvector(text) @@ plainto_tsquery($1)${filter ? ` AND ${filter}` : ''}` +
      ` ORDER BY score DESC LIMIT ${positiveInt(k)}`,
    values,
  };
}

export function deleteByIdsSql(table: string, ids: readonly string[]): Statement {
  return { text: `DELETE FROM ${table} WHERE id = ANY($1::uuid[])`, values: [ids.map((id) => uuidV5(id))] };
}

/** Dify's delete_by_metadata_field('document_id', ...). */
export function deleteByDocumentIdSql(table: string, documentId: string): Statement {
  return { text: `DELETE FROM ${table} WHERE meta->>'document_id' = $1`, values: [documentId] };
}

/**
 * Dify's `meta->>'document_id' in ('a', 'b')` as one array parameter; PostgreSQL plans an IN list
 * as `= ANY(ARRAY[...])` anyway. Appends to `values` and returns the condition ('' for no filter).
 */
function documentFilter(documentIds: readonly string[] | undefined, values: unknown[]): string {
  // An empty list matches nothing, as in the other adapters (Dify's `if document_ids_filter:`
  // would drop the filter instead; the harness never asks Dify's question that way).
  if (!documentIds) return '';
  values.push([...documentIds]);
  return `meta->>'document_id' = ANY($${values.length}::text[])`;
}

function positiveInt(k: number): number {
  if (!Number.isInteger(k) || k <= 0) throw new Error(`pgvector: k must be a positive integer, got ${k}`);
  return k;
}
