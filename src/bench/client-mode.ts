/**
 * How the harness's searches reach a store.
 *
 * - `pooled` (the default, and what every results file before the choice measured): one session
 *   per store, its connections or HTTP client warm and reused by every query. This is the store's
 *   own speed.
 * - `dify`: every retrieval first does the client setup Dify's code does for it. Dify's
 *   RetrievalService (api/core/rag/datasource/retrieval_service.py, `embedding_search` and
 *   `full_text_index_search`) builds a new `Vector(dataset)` for each vector and each full-text
 *   search, and each store's `*_vector.py` sets up its client in that constructor (a new psycopg2
 *   pool for pgvector, a new ObVecClient for OceanBase, a readiness probe for Weaviate, ...). The
 *   setup is timed with the query, as a Dify user waits for both. What each store does is its
 *   adapter's `openRetrievalClient` (src/adapters/<store>/).
 */
export const CLIENT_MODES = ['pooled', 'dify'] as const;
export type ClientMode = (typeof CLIENT_MODES)[number];

/** Files written before the mode could be chosen measured the pooled path. */
export function clientModeOf(config: { readonly clientMode?: ClientMode | undefined }): ClientMode {
  return config.clientMode ?? 'pooled';
}

/** How a report names the mode: in its header and in every latency table's caption. */
export function clientModeLabel(mode: ClientMode): string {
  return mode === 'dify' ? "Dify's per-retrieval client" : 'pooled client';
}
