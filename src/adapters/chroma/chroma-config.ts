/**
 * How one Chroma profile behaves. Every field is a choice Dify's own Chroma code
 * (api/core/rag/datasource/vdb/chroma/chroma_vector.py) makes one way, and `native` may make
 * another.
 */
export interface ChromaConfig {
  /**
   * `dify`: create the collection the way Dify does, `get_or_create_collection(name)` with no
   * metadata, so Chroma's default space applies (squared L2) whatever the dataset's metric.
   * `spec`: set `hnsw:space` from the collection spec's metric (cosine, l2, ip).
   */
  readonly space: 'dify' | 'spec';
  /**
   * Dify drops hits whose score (1 − distance) is below the score threshold, which is 0.0 when
   * the user has not enabled one. Undefined keeps every hit.
   */
  readonly scoreThreshold: number | undefined;
  /** Dify calls get_or_create_collection before every operation: one extra HTTP round trip each. */
  readonly lookUpCollectionPerCall: boolean;
  /** Answer searchFullText with a `whereDocument` substring filter (Dify returns [] instead). */
  readonly substringFullText: boolean;
  /** `hnsw:search_ef` in the collection's metadata; undefined leaves Chroma's default (10 on 0.5.20), as Dify. */
  readonly searchEf?: number;
}

export const DIFY_CONFIG: ChromaConfig = {
  space: 'dify',
  scoreThreshold: 0,
  lookUpCollectionPerCall: true,
  substringFullText: false,
};

export const NATIVE_CONFIG: ChromaConfig = {
  space: 'spec',
  scoreThreshold: undefined,
  lookUpCollectionPerCall: false,
  substringFullText: true,
};
