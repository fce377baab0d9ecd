import { difyVectorFile, type FidelityRow } from '../fidelity.js';

const DIFY = difyVectorFile('weaviate');

export const WEAVIATE_FIDELITY: readonly FidelityRow[] = [
  { aspect: 'schema', same: 'same', dify: `${DIFY} _create_collection`, harness: 'adapters/weaviate/weaviate-schema.ts', why: 'Vector_index_<uuid>_Node with text (WEAVIATE_TOKENIZATION word), document_id, doc_id, doc_type, chunk_index, is_summary, original_chunk_id and one self-provided named vector `default`' },
  { aspect: 'index parameters', same: 'same', dify: `${DIFY} _create_collection`, harness: 'adapters/weaviate/weaviate-schema.ts', why: 'HNSW and cosine at the server\'s defaults' },
  { aspect: 'insert', same: 'different', dify: `${DIFY} add_texts (batch.dynamic over gRPC)`, harness: 'adapters/weaviate/weaviate-grpc-driver.ts', why: 'REST /v1/batch/objects, 100 per request: weaviate-client JS\'s insertMany adds ≥ 0.5 s per call on the client' },
  { aspect: 'vector query', same: 'same', dify: `${DIFY} search_by_vector`, harness: 'adapters/weaviate/weaviate-adapter.ts', why: 'collections.exists, then near_vector over gRPC (target `default`, limit k, document_id contains_any)' },
  { aspect: 'score and threshold', same: 'same', dify: `${DIFY} search_by_vector`, harness: 'adapters/weaviate/weaviate-adapter.ts', why: 'score 1 − distance, kept if > threshold (0.0), sorted by score' },
  { aspect: 'full text', same: 'same', dify: `${DIFY} search_by_full_text`, harness: 'adapters/weaviate/weaviate-adapter.ts', why: 'collections.exists, then BM25 on text with include_vector; Dify drops the BM25 score' },
  { aspect: 'delete', same: 'partly', dify: `${DIFY} delete_by_ids, delete_by_metadata_field`, harness: 'adapters/weaviate/weaviate-adapter.ts', why: 'as Dify at commit 0706847 (weaviate-config.ts): one delete_many(doc_id ContainsAny ids); other revisions delete by uuid one by one' },
  { aspect: 'client setup', same: 'partly', dify: `${DIFY} _init_client`, harness: 'adapters/weaviate/weaviate-adapter.ts', why: 'Dify reuses one module-level client but asks is_ready() per new Vector: --client dify does that; --client pooled skips it' },
];
