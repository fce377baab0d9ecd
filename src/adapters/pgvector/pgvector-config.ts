/** Index and query settings, named as pgvector names them; the `dify` profile uses Dify's. */
export interface PgvectorConfig {
  /** HNSW graph degree (Dify: 16). */
  readonly m: number;
  /** HNSW build candidate list (Dify: 64). */
  readonly efConstruction: number;
  /** `hnsw.ef_search` per session; undefined keeps pgvector's default (40), as Dify does. */
  readonly efSearch: number | undefined;
  /** Dify drops hits scoring below the threshold, 0.0 when the user has not set one. */
  readonly scoreThreshold: number | undefined;
  /** Client connections; enough for the largest default concurrency level. */
  readonly poolSize: number;
}

export const DIFY_PGVECTOR_CONFIG: PgvectorConfig = {
  m: 16,
  efConstruction: 64,
  efSearch: undefined,
  scoreThreshold: 0,
  poolSize: 16,
};
