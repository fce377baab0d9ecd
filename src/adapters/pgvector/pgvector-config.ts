import type { Metric } from '../store-adapter.js';

/** How the HNSW index is built (`CREATE INDEX ... USING hnsw ... WITH (...)`). */
export interface PgvectorIndexParams {
  /** HNSW graph degree (Dify: 16). */
  readonly m: number;
  /** HNSW build candidate list (Dify: 64). */
  readonly efConstruction: number;
  /** pgvector's `vector` HNSW limit; above it Dify creates no index (exact scans). */
  readonly maxIndexedDims: number;
}

/** How queries run. */
export interface PgvectorSearchParams {
  /** `hnsw.ef_search` per connection; undefined keeps pgvector's default (40), as Dify does. */
  readonly efSearch: number | undefined;
  /**
   * `hnsw.iterative_scan` (pgvector ≥ 0.8): when a filter drops HNSW candidates, keep scanning
   * instead of returning short. Undefined leaves it off, as Dify does.
   */
  readonly iterativeScan?: 'relaxed_order' | 'strict_order';
  /** Dify keeps cosine hits with score >= threshold, 0.0 when the user set none. */
  readonly scoreThreshold: number | undefined;
}

/** Index and query settings, named as pgvector names them; the `dify` profile uses Dify's. */
export interface PgvectorConfig {
  readonly index: PgvectorIndexParams;
  readonly search: PgvectorSearchParams;
  /** Client connections; enough for the largest default concurrency level. */
  readonly poolSize: number;
}

export const DIFY_PGVECTOR_CONFIG: PgvectorConfig = {
  index: { m: 16, efConstruction: 64, maxIndexedDims: 2000 },
  search: { efSearch: undefined, scoreThreshold: 0 },
  poolSize: 16,
};

/** pgvector's operator class, distance operator and higher-is-better score for each metric. */
export interface MetricSql {
  readonly opclass: string;
  readonly operator: string;
  readonly score: (distance: number) => number;
}

/** Dify uses cosine only (score 1 − distance); l2 and ip cost one operator class each. */
export const METRIC_SQL: Readonly<Record<Metric, MetricSql>> = {
  cosine: { opclass: 'vector_cosine_ops', operator: '<=>', score: (d) => 1 - d },
  // Score −distance: higher is better, 0 for an identical vector.
  l2: { opclass: 'vector_l2_ops', operator: '<->', score: (d) => -d },
  // `<#>` is the negative inner product, so the score is the inner product itself.
  ip: { opclass: 'vector_ip_ops', operator: '<#>', score: (d) => -d },
};
