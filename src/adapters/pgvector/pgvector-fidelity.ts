import { difyVectorFile, type FidelityRow } from '../fidelity.js';

const DIFY = difyVectorFile('pgvector', 'pgvector.py');

export const PGVECTOR_FIDELITY: readonly FidelityRow[] = [
  { aspect: 'schema', same: 'same', dify: `${DIFY} SQL_CREATE_TABLE`, harness: 'adapters/pgvector/pgvector-sql.ts', why: 'embedding_<collection> (id uuid, text, meta jsonb, embedding vector(dims)); ids are UUIDv5 of the dataset ids (Dify mints uuid4); meta holds doc_id, doc_hash, document_id, dataset_id' },
  { aspect: 'index parameters', same: 'same', dify: `${DIFY} SQL_CREATE_INDEX`, harness: 'adapters/pgvector/pgvector-sql.ts', why: 'HNSW vector_cosine_ops m=16 ef_construction=64 before the first insert, none above 2000 dims; hnsw.ef_search left at 40; the table ANALYZEd after the insert, as autovacuum does within a minute (with statistics the planner may then scan a table of a few thousand rows exactly instead of walking HNSW)' },
  { aspect: 'insert', same: 'same', dify: `${DIFY} add_texts (execute_values)`, harness: 'adapters/pgvector/pgvector-adapter.ts', why: "one multi-row INSERT per call (split only past the bind-parameter limit, in one transaction); each vector as pgvector's binary input where Dify's psycopg2 sends it as SQL text (the float32 values stored are the same)" },
  { aspect: 'vector query', same: 'same', dify: `${DIFY} search_by_vector`, harness: 'adapters/pgvector/pgvector-sql.ts', why: "embedding <=> q ORDER BY distance LIMIT k, meta->>'document_id' IN (…); bind parameters where Dify interpolates literals" },
  { aspect: 'score and threshold', same: 'same', dify: `${DIFY} search_by_vector`, harness: 'adapters/pgvector/pgvector-adapter.ts', why: 'score 1 − distance, kept if ≥ score_threshold (0.0 when unset)' },
  { aspect: 'full text', same: 'same', dify: `${DIFY} search_by_full_text`, harness: 'adapters/pgvector/pgvector-sql.ts', why: 'to_tsvector(text) @@ plainto_tsquery(q) ranked by ts_rank, no tsvector index (PGVECTOR_PG_BIGM off, Dify\'s default)' },
  { aspect: 'delete', same: 'same', dify: `${DIFY} delete_by_ids, delete_by_metadata_field`, harness: 'adapters/pgvector/pgvector-sql.ts', why: "DELETE … WHERE id IN (…); DELETE … WHERE meta->>'document_id' = $1" },
  { aspect: 'client setup', same: 'partly', dify: `${DIFY} _create_connection_pool`, harness: 'adapters/pgvector/pgvector-retrieval-client.ts', why: 'Dify opens a new SimpleConnectionPool (so a new backend) per retrieval: --client dify does that; the default --client pooled keeps 16 warm connections' },
];
