import type { FidelityRow } from '../../adapters/fidelity.js';

/** Dify's own hybrid, computed by the harness the same way for every store. */
export const HYBRID_FIDELITY: readonly FidelityRow[] = [
  { aspect: 'vector query', same: 'same', dify: 'api/core/rag/datasource/retrieval_service.py retrieve', harness: 'bench/workloads/search-workloads.ts', why: 'vector and full-text searches in parallel (two threads in Dify), k each, escape_query_for_search on the text' },
  { aspect: 'score and threshold', same: 'same', dify: 'api/core/rag/rerank/weight_rerank.py, retrieval_service.py _deduplicate_documents', harness: 'bench/hybrid/dify-hybrid.ts, dify-weighted-rerank.ts, dify-deduplicate.ts', why: '--hybrid-rule dify-current: the higher-scored copy of a chunk stays, a hit\'s own score is its vector part (cosine only for hits without one), 0.7 vector + 0.3 keyword; dify-legacy for older releases' },
  { aspect: 'full text', same: 'same', dify: 'api/core/rag/datasource/keyword/jieba/jieba_keyword_table_handler.py', harness: 'bench/hybrid/keyword-extractor.ts, jieba-tfidf.ts, dify-stopwords.ts', why: 'jieba TF-IDF keywords as Dify extracts them (HMM, Dify\'s stop words, sub-token filtering), cosine of keyword vectors' },
  { aspect: 'client setup', same: 'partly', dify: 'api/core/rag/datasource/retrieval_service.py embedding_search, full_text_index_search', harness: 'bench/workloads/retrieval-path.ts', why: 'each side builds its own Vector in Dify: --client dify opens one retrieval client per side; --client pooled reuses the session' },
];
