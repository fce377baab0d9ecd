/**
 * How one OceanBase profile behaves. Each field is a setting of Dify's OceanBase vector code
 * (api/core/rag/datasource/vdb/oceanbase/oceanbase_vector.py and its OCEANBASE_* settings), which
 * `dify` keeps at Dify's defaults and `native` may change.
 */
export interface OceanbaseConfig {
  /**
   * `dify`: Dify's table, `id varchar(36) PRIMARY KEY, vector VECTOR(dims), text LONGTEXT,
   * metadata JSON` (index-organised; writes are searchable as soon as they commit).
   * `heap`: the same columns in an `ORGANIZATION = HEAP` table plus a stored generated
   * `document_id` column: DBMS_HYBRID_SEARCH refuses index-organised tables ("table with user
   * provided primary key not supported") and its DSL filters take plain columns, not JSON paths.
   */
  readonly table: 'dify' | 'heap';
  /** `l2`: OCEANBASE_VECTOR_METRIC_TYPE's default, whatever the dataset's metric; `spec`: from the dataset. */
  readonly metric: 'l2' | 'spec';
  /** OCEANBASE_VECTOR_BATCH_SIZE: rows per INSERT statement. */
  readonly batchSize: number;
  /** OCEANBASE_HNSW_M and OCEANBASE_HNSW_EF_CONSTRUCTION. */
  readonly hnswM: number;
  readonly hnswEfConstruction: number;
  /** OCEANBASE_HNSW_EF_SEARCH; undefined (Dify's -1) leaves the server's ob_hnsw_ef_search. */
  readonly efSearch: number | undefined;
  /**
   * OCEANBASE_HNSW_REFRESH_THRESHOLD: after this many inserted rows Dify calls
   * DBMS_VECTOR.REFRESH_INDEX (merging the index's delta buffer); 0 never does.
   */
  readonly refreshThreshold: number;
  /**
   * OCEANBASE_ENABLE_HYBRID_SEARCH: a FULLTEXT index on `text` and MATCH … AGAINST full text.
   * Dify's default is false, which answers every full-text search with [].
   */
  readonly fullText: boolean;
  /** Dify's idx_metadata_doc_id, a functional index on metadata->>'$.document_id'. */
  readonly metadataIndex: boolean;
  /** OCEANBASE_FULLTEXT_PARSER. */
  readonly fullTextParser: 'ik' | 'ngram' | 'ngram2' | 'beng' | 'space';
  /** Answer searchHybrid with DBMS_HYBRID_SEARCH.SEARCH (needs `table: 'heap'`). */
  readonly nativeHybrid: boolean;
  /** Dify keeps hits whose score is ≥ the score threshold, 0.0 when none is set. Undefined keeps all. */
  readonly scoreThreshold: number | undefined;
  /** Connections: Dify's SQLAlchemy pool is OCEANBASE_VECTOR_POOL_SIZE 5 + MAX_OVERFLOW 10. */
  readonly poolSize: number;
  /** OCEANBASE_VECTOR_DATABASE. */
  readonly database: string;
}

export const DIFY_CONFIG: OceanbaseConfig = {
  table: 'dify',
  metric: 'l2',
  batchSize: 100,
  hnswM: 16,
  hnswEfConstruction: 256,
  efSearch: undefined,
  refreshThreshold: 1000,
  fullText: true,
  metadataIndex: true,
  fullTextParser: 'ik',
  nativeHybrid: false,
  scoreThreshold: 0,
  poolSize: 15,
  database: 'test',
};

export const NATIVE_CONFIG: OceanbaseConfig = {
  ...DIFY_CONFIG,
  table: 'heap',
  metric: 'spec',
  nativeHybrid: true,
  scoreThreshold: undefined,
};
