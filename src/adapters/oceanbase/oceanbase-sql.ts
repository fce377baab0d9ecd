import { difyChunkMetadata } from '../dify-metadata.js';
import type { Doc, Metric } from '../store-adapter.js';
import type { OceanbaseConfig } from './oceanbase-config.js';

/** A metric as Dify's OCEANBASE_VECTOR_METRIC_TYPE sets it: index distance, ORDER BY function, score. */
export interface MetricSql {
  /** The vector index's `distance=`. */
  readonly indexDistance: 'l2' | 'cosine' | 'inner_product';
  /** The SQL function ordered by (the HNSW index serves it with APPROXIMATE). */
  readonly fn: 'l2_distance' | 'cosine_distance' | 'negative_inner_product';
  /** Dify's _distance_to_score: l2 → 1/(1+d), cosine → 1 − d, inner product → −d. */
  readonly score: (distance: number) => number;
}

export const METRIC_SQL: Readonly<Record<Metric, MetricSql>> = {
  l2: { indexDistance: 'l2', fn: 'l2_distance', score: (d) => 1 / (1 + d) },
  cosine: { indexDistance: 'cosine', fn: 'cosine_distance', score: (d) => 1 - d },
  ip: { indexDistance: 'inner_product', fn: 'negative_inner_product', score: (d) => -d },
};

/**
 * The shortest decimal that reads back as the same float32, as pyobvector writes a vector
 * (`str(np.float32(v))`), so statements carry no more digits than Dify's do.
 */
export function float32Text(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`oceanbase: vector component ${value} is not finite`);
  const f = Math.fround(value);
  for (let digits = 1; digits < 9; digits++) {
    const text = f.toPrecision(digits);
    if (Math.fround(Number(text)) === f) return String(Number(text));
  }
  return String(Number(f.toPrecision(9)));
}

/** A vector as OceanBase's text form `[x,y,…]`. */
export function vectorLiteral(vector: Float32Array): string {
  const parts = new Array<string>(vector.length);
  for (let i = 0; i < vector.length; i++) parts[i] = float32Text(vector[i] as number);
  return `[${parts.join(',')}]`;
}

export function quoteIdentifier(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** Dify's columns; the heap table adds the stored document_id that DBMS_HYBRID_SEARCH filters on. */
export function createTableSql(table: string, dims: number, config: OceanbaseConfig): string {
  if (!Number.isInteger(dims) || dims <= 0) throw new Error(`oceanbase: bad dimension ${dims}`);
  const columns = [
    'id VARCHAR(36) NOT NULL',
    `vector VECTOR(${dims})`,
    'text LONGTEXT',
    'metadata JSON',
  ];
  if (config.table === 'heap') {
    columns.push("document_id VARCHAR(255) GENERATED ALWAYS AS (metadata->>'$.document_id') STORED");
  }
  columns.push('PRIMARY KEY (id)');
  const organization = config.table === 'heap' ? ' ORGANIZATION = HEAP' : '';
  return `CREATE TABLE ${quoteIdentifier(table)} (${columns.join(', ')})${organization}`;
}

/** pyobvector's VectorIndex DDL for Dify's `vector_index` (HNSW in the VSAG library). */
export function vectorIndexSql(table: string, metric: MetricSql, config: OceanbaseConfig): string {
  return (
    `CREATE VECTOR INDEX vector_index ON ${quoteIdentifier(table)} (vector) WITH ` +
    `(distance=${metric.indexDistance}, type=hnsw, lib=vsag, m=${config.hnswM}, ` +
    `ef_construction=${config.hnswEfConstruction})`
  );
}

export function fullTextIndexSql(table: string, config: OceanbaseConfig): string {
  return (
    `ALTER TABLE ${quoteIdentifier(table)} ADD FULLTEXT INDEX fulltext_index_for_col_text (text) ` +
    `WITH PARSER ${config.fullTextParser}`
  );
}

/**
 * Dify's functional index on the chunk's document_id (oceanbase_vector.py's _create_collection,
 * after the vector and full-text indexes), which its document_id filters and
 * delete_by_metadata_field use.
 */
export function metadataDocumentIdIndexSql(table: string): string {
  return `CREATE INDEX idx_metadata_doc_id ON ${quoteIdentifier(table)} ((metadata->>'$.document_id'))`;
}

/** `?, ?, ?` for an IN list of n values. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/**
 * The metadata Dify stores with each chunk: doc_id (the chunk id, here the dataset's own id),
 * doc_hash, document_id and dataset_id, plus the dataset's own metadata.
 */
export function difyMetadata(doc: Doc, datasetId: string): Record<string, unknown> {
  return { ...(doc.metadata ?? {}), ...difyChunkMetadata(doc, datasetId) };
}
