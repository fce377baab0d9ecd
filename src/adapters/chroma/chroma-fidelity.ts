import { difyVectorFile, type FidelityRow } from '../fidelity.js';

const DIFY = difyVectorFile('chroma');

export const CHROMA_FIDELITY: readonly FidelityRow[] = [
  { aspect: 'schema', same: 'same', dify: `${DIFY} create_collection`, harness: 'adapters/chroma/chroma-collection.ts', why: 'get_or_create_collection(name) with no metadata, so Chroma\'s default space (squared L2); ids, documents, embeddings, Dify\'s metadata' },
  { aspect: 'index parameters', same: 'same', dify: `${DIFY} create_collection`, harness: 'adapters/chroma/chroma-collection.ts', why: 'Chroma\'s defaults (0.5.20: hnsw:search_ef 10), none set' },
  { aspect: 'insert', same: 'partly', dify: `${DIFY} add_texts`, harness: 'adapters/chroma/chroma-collection.ts', why: 'one upsert per call; the harness splits a call above the server\'s max_batch_size, where Python chromadb 0.5.20 would fail' },
  { aspect: 'vector query', same: 'partly', dify: `${DIFY} search_by_vector`, harness: 'adapters/chroma/chroma-collection.ts', why: 'get_or_create_collection, then query(n_results=k, where document_id $in); through the JS client on /api/v2 where Dify\'s Python 0.5.20 client uses /api/v1' },
  { aspect: 'score and threshold', same: 'same', dify: `${DIFY} search_by_vector`, harness: 'adapters/chroma/chroma-collection.ts', why: 'score 1 − distance, kept if ≥ threshold (0.0), sorted by score' },
  { aspect: 'full text', same: 'same', dify: `${DIFY} search_by_full_text`, harness: 'adapters/chroma/index.ts', why: 'none: Dify returns [] (reported not supported)' },
  { aspect: 'delete', same: 'same', dify: `${DIFY} delete_by_ids, delete_by_metadata_field`, harness: 'adapters/chroma/chroma-collection.ts', why: 'delete(ids) (split by max_batch_size); delete(where document_id $eq)' },
  { aspect: 'client setup', same: 'partly', dify: `${DIFY} ChromaVector.__init__`, harness: 'adapters/chroma/chroma-collection.ts', why: 'Dify builds an HttpClient per retrieval (GET tenant, GET database): --client dify does that; --client pooled skips it' },
];
