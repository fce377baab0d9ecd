/**
 * The query text a store's full-text search receives from Dify: RetrievalService's
 * full_text_index_search passes `escape_query_for_search(query)`, which replaces every `"` by `\"`
 * (api/core/rag/datasource/retrieval_service.py, Dify 0.6.x to 1.13.x). The weighted rerank
 * scores keywords of the original query, not of this text.
 */
export function difyFullTextQuery(query: string): string {
  return query.replaceAll('"', '\\"');
}
