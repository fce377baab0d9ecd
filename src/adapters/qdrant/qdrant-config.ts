/**
 * How one Qdrant profile behaves. The `dify` profile is what Dify's Qdrant code does, read in
 * langgenius/dify main at commit cdd7cea4 (api/providers/vdb/vdb-qdrant/src/dify_vdb_qdrant/
 * qdrant_vector.py, which pins qdrant-client==1.9.0, REST since QDRANT_GRPC_ENABLED defaults to
 * false); Dify's docker-compose runs langgenius/qdrant:v1.8.3. The `native` profile is Qdrant as
 * its own documentation would set it up for one knowledge base, plus its hybrid query.
 */
export interface QdrantConfig {
  readonly profile: 'dify' | 'native';
  /**
   * The collection's HNSW settings. Dify: m = 0 (no global graph) and payload_m = 16 (a graph per
   * value of an indexed keyword field, here group_id: one graph per knowledge base sharing the
   * collection), ef_construct 100, full_scan_threshold 10000 (KB), max_indexing_threads 0,
   * on_disk false — exactly Dify's HnswConfigDiff.
   */
  readonly hnsw: {
    readonly m: number;
    readonly payload_m?: number;
    readonly ef_construct: number;
    readonly full_scan_threshold: number;
    readonly max_indexing_threads?: number;
    readonly on_disk?: boolean;
  };
  /**
   * Dify stores the knowledge base's id as `group_id` in every point and filters every search by
   * it (several knowledge bases may share one collection through Dify's collection bindings).
   */
  readonly groupId: boolean;
  /** Dify passes distance "Cosine" whatever the embedding; native follows the dataset metric. */
  readonly distance: 'cosine' | 'fromMetric';
  /** Dify's default score_threshold when none is configured is 0.0; hits must score ≥ it. */
  readonly scoreThreshold: number | undefined;
  /**
   * Points per upsert: Dify's add_texts cuts what it is given into batches of 64; undefined sends
   * each harness batch as one upsert.
   */
  readonly insertBatchSize: number | undefined;
  /** Dify asks search and scroll for with_vectors=True (it copies the vector into its Document). */
  readonly returnVectors: boolean;
  /**
   * `difyScroll`: Dify's full text, an unranked scroll filtered by MatchText per keyword.
   * `sparseBm25`: a search on the BM25-style sparse vector (ranked; see qdrant-sparse.ts).
   */
  readonly fullText: 'difyScroll' | 'sparseBm25';
  /** A multilingual text index on page_content (what Dify's MatchText filter needs). */
  readonly textIndex: boolean;
  /**
   * Deleting the knowledge base: Dify's delete() removes its points by group_id and leaves the
   * collection; native drops the collection.
   */
  readonly drop: 'groupPoints' | 'collection';
  /** Qdrant's own hybrid (Query API, servers ≥ 1.10): dense + sparse prefetch fused by RRF. */
  readonly hybrid: boolean;
  /** Search-time `params.hnsw_ef`; undefined leaves Qdrant's default (ef_construct), as Dify. */
  readonly hnswEf?: number;
}

/** The native profile's named vectors (Dify's collection has one unnamed dense vector). */
export const DENSE_VECTOR_NAME = 'dense';
export const SPARSE_VECTOR_NAME = 'bm25';

/** Dify's full text splits the query on whitespace and scrolls for at most this many keywords. */
export const DIFY_MAX_KEYWORDS = 10;

export const DIFY_CONFIG: QdrantConfig = {
  profile: 'dify',
  hnsw: { m: 0, payload_m: 16, ef_construct: 100, full_scan_threshold: 10000, max_indexing_threads: 0, on_disk: false },
  groupId: true,
  distance: 'cosine',
  scoreThreshold: 0,
  insertBatchSize: 64,
  returnVectors: true,
  fullText: 'difyScroll',
  textIndex: true,
  drop: 'groupPoints',
  hybrid: false,
};

export const NATIVE_CONFIG: QdrantConfig = {
  profile: 'native',
  // Qdrant's defaults, stated: one global graph.
  hnsw: { m: 16, ef_construct: 100, full_scan_threshold: 10000 },
  groupId: false,
  distance: 'fromMetric',
  scoreThreshold: undefined,
  insertBatchSize: undefined,
  returnVectors: false,
  fullText: 'sparseBm25',
  textIndex: false,
  drop: 'collection',
  hybrid: true,
};
