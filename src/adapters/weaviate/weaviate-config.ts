/**
 * How one Weaviate profile behaves. Each field is a choice Dify's Weaviate code makes one way in
 * one era and possibly another way in another:
 *
 * - current Dify (langgenius/dify main, api/providers/vdb/vdb-weaviate/src/dify_vdb_weaviate/
 *   weaviate_vector.py, read at commit 0706847): Python client v4 over gRPC (+ REST for schema),
 *   Weaviate 1.27.0 in Dify's docker-compose;
 * - Dify ≤ 1.8 (api/core/rag/datasource/vdb/weaviate/weaviate_vector.py before the v4 migration):
 *   Python client v3 over REST + GraphQL (`has_grpc = False`), Weaviate 1.19.0 in compose.
 */
export interface WeaviateConfig {
  /**
   * `grpc`: weaviate-client (JS v3, the counterpart of Python v4) — gRPC for queries and deleteMany,
   * REST for schema and (see weaviate-grpc-driver.ts) batch insert; it refuses servers < 1.27.0.
   * `graphql`: plain REST + GraphQL with fetch, as the Python v3 client did; works from 1.19.
   */
  readonly api: 'grpc' | 'graphql';
  /**
   * `dify`: the explicit schema of current Dify — text, document_id, doc_id, doc_type,
   * chunk_index (INT), is_summary (BOOL), original_chunk_id, and one self-provided named vector
   * `default` (HNSW and cosine, Weaviate's defaults).
   * `dify-legacy`: Dify ≤ 1.8's `{class, properties: [text]}`: every other property comes from
   * auto-schema on first insert, and the class has Weaviate's single (unnamed) vector.
   */
  readonly schema: 'dify' | 'dify-legacy';
  /** Tokenization of `text` (WEAVIATE_TOKENIZATION in Dify, default `word`). */
  readonly textTokenization: 'word' | 'gse';
  /**
   * The document_id filter: `containsAny` (current Dify) or an `Or` of `Equal`s (Dify ≤ 1.8, since
   * langgenius/dify#16230: ContainsAny needs Weaviate ≥ 1.21).
   */
  readonly documentFilter: 'containsAny' | 'orEqual';
  /**
   * Delete by ids: `docIdContainsAny` is current Dify's one `delete_many(doc_id ContainsAny ids)`;
   * `perObject` is Dify ≤ 1.8's one DELETE /v1/objects/{class}/{uuid} per id (404 tolerated).
   */
  readonly deleteByIds: 'docIdContainsAny' | 'perObject';
  /**
   * Dify checks that the collection exists first: current Dify before every call
   * (`collections.exists`, GET /v1/schema/{class}); Dify ≤ 1.8 only before deletes
   * (`schema.contains`, GET /v1/schema, the whole schema).
   */
  readonly existsCheck: { readonly on: 'everyCall' | 'deletes'; readonly request: 'class' | 'schema' };
  /** Dify ≤ 1.8 asks nearVector for `_additional { vector distance }`: the vectors come back too. */
  readonly vectorSearchReturnsVector: boolean;
  /** Both eras fetch the vectors of BM25 hits (`include_vector=True` / `_additional { vector }`). */
  readonly fullTextReturnsVector: boolean;
  /** Dify keeps hits whose score (1 − distance) is above the threshold, 0.0 when none is set. */
  readonly scoreThreshold: number | undefined;
  /** Objects per insert request; Dify's WEAVIATE_BATCH_SIZE is 100. */
  readonly insertBatchSize: number;
  /** HNSW `ef` in the class's vector index config (gRPC profiles); undefined keeps Weaviate's dynamic ef, as Dify. */
  readonly ef?: number;
  /** Weaviate's own hybrid (not Dify's): alpha is the vector weight, as Dify's 0.7 / 0.3. */
  readonly hybrid: { readonly alpha: number; readonly fusion: 'relativeScore' | 'ranked' };
}

/** The server environment the `gse` profile needs (Dify's compose: WEAVIATE_ENABLE_TOKENIZER_GSE). */
export const GSE_SERVER_ENV: Readonly<Record<string, string>> = { ENABLE_TOKENIZER_GSE: 'true' };

const HYBRID = { alpha: 0.7, fusion: 'relativeScore' } as const;

export const DIFY_CONFIG: WeaviateConfig = {
  api: 'grpc',
  schema: 'dify',
  textTokenization: 'word',
  documentFilter: 'containsAny',
  deleteByIds: 'docIdContainsAny',
  existsCheck: { on: 'everyCall', request: 'class' },
  vectorSearchReturnsVector: false,
  fullTextReturnsVector: true,
  scoreThreshold: 0,
  insertBatchSize: 100,
  hybrid: HYBRID,
};

export const GSE_CONFIG: WeaviateConfig = { ...DIFY_CONFIG, textTokenization: 'gse' };

export const DIFY_LEGACY_CONFIG: WeaviateConfig = {
  api: 'graphql',
  schema: 'dify-legacy',
  textTokenization: 'word',
  documentFilter: 'orEqual',
  deleteByIds: 'perObject',
  existsCheck: { on: 'deletes', request: 'schema' },
  vectorSearchReturnsVector: true,
  fullTextReturnsVector: true,
  scoreThreshold: 0,
  insertBatchSize: 100,
  hybrid: HYBRID,
};
