import { difyVectorFile, type FidelityRow } from '../fidelity.js';

const DIFY = difyVectorFile('qdrant');

export const QDRANT_FIDELITY: readonly FidelityRow[] = [
  { aspect: 'schema', same: 'same', dify: `${DIFY} create_collection`, harness: 'adapters/qdrant/qdrant-schema.ts', why: 'Vector_index_<id>_Node, one unnamed Cosine vector, group_id per knowledge base; keyword indexes group_id, metadata.doc_id, metadata.document_id; multilingual text index on page_content' },
  { aspect: 'index parameters', same: 'same', dify: `${DIFY} create_collection`, harness: 'adapters/qdrant/qdrant-config.ts', why: 'HNSW m=0, payload_m=16, ef_construct 100, full_scan_threshold 10000' },
  { aspect: 'insert', same: 'same', dify: `${DIFY} add_texts`, harness: 'adapters/qdrant/qdrant-collection.ts', why: 'upserts of 64 points with wait=true' },
  { aspect: 'vector query', same: 'same', dify: `${DIFY} search_by_vector`, harness: 'adapters/qdrant/qdrant-collection.ts', why: 'search with group_id MUST (+ metadata.document_id MatchAny), with_payload and with_vectors, REST' },
  { aspect: 'score and threshold', same: 'same', dify: `${DIFY} search_by_vector`, harness: 'adapters/qdrant/qdrant-collection.ts', why: 'Qdrant\'s cosine score, score_threshold 0.0 on the server and ≥ threshold again in the client' },
  { aspect: 'full text', same: 'same', dify: `${DIFY} search_by_full_text`, harness: 'adapters/qdrant/qdrant-collection.ts', why: 'one MatchText scroll per keyword (first 10), unranked, no score' },
  { aspect: 'delete', same: 'same', dify: `${DIFY} delete_by_ids, delete_by_metadata_field`, harness: 'adapters/qdrant/qdrant-collection.ts', why: 'delete by filter metadata.doc_id MatchAny; metadata.document_id MatchValue' },
  { aspect: 'client setup', same: 'partly', dify: `${DIFY} QdrantVector.__init__`, harness: 'adapters/qdrant/qdrant-collection.ts', why: 'Dify builds a QdrantClient per retrieval (qdrant-client 1.9.0 sends nothing then, its first request opens a new connection): --client dify does that with a new read pool, closed when the retrieval ends; --client pooled reuses the session\'s, whose serial searches alternate between two keep-alive connections (undici frees a connection a moment after its answer) where httpx reuses one' },
];
