import { difyVectorFile, type FidelityRow } from '../fidelity.js';

const DIFY = difyVectorFile('oceanbase');

export const OCEANBASE_FIDELITY: readonly FidelityRow[] = [
  { aspect: 'schema', same: 'partly', dify: `${DIFY} _create_collection`, harness: 'adapters/oceanbase/oceanbase-sql.ts', why: 'id varchar(36) PK, vector VECTOR(dims), text LONGTEXT, metadata JSON, FULLTEXT WITH PARSER ik; idx_metadata_doc_id only where the server takes its DDL (seekdb 1.4 refuses it; Dify logs and goes on)' },
  { aspect: 'index parameters', same: 'same', dify: `${DIFY} OceanBaseVectorConfig`, harness: 'adapters/oceanbase/oceanbase-config.ts', why: 'HNSW m=16, efConstruction=256, l2 (OCEANBASE_VECTOR_METRIC_TYPE default); ob_hnsw_ef_search at the server\'s 64' },
  { aspect: 'insert', same: 'partly', dify: `${DIFY} add_texts`, harness: 'adapters/oceanbase/oceanbase-adapter.ts', why: 'INSERTs of 100 rows; the harness calls REFRESH_INDEX after every 1000 rows inserted, Dify after one add_texts call of ≥ 1000 rows' },
  { aspect: 'vector query', same: 'same', dify: `${DIFY} search_by_vector (pyobvector ann_search)`, harness: 'adapters/oceanbase/oceanbase-adapter.ts', why: "ORDER BY l2_distance(vector, q) APPROXIMATE LIMIT k, metadata->>'$.document_id' IN (…)" },
  { aspect: 'score and threshold', same: 'same', dify: `${DIFY} _distance_to_score`, harness: 'adapters/oceanbase/oceanbase-sql.ts', why: 'score 1 / (1 + l2 distance), kept if ≥ threshold (0.0)' },
  { aspect: 'full text', same: 'partly', dify: `${DIFY} search_by_full_text`, harness: 'adapters/oceanbase/oceanbase-adapter.ts', why: 'MATCH (text) AGAINST (q) > 0, best first, as Dify with OCEANBASE_ENABLE_HYBRID_SEARCH=true; Dify\'s default (false) answers []' },
  { aspect: 'delete', same: 'same', dify: `${DIFY} delete_by_ids, delete_by_metadata_field`, harness: 'adapters/oceanbase/oceanbase-adapter.ts', why: 'DELETE by ids; by metadata: SELECT the ids, then DELETE them' },
  { aspect: 'client setup', same: 'partly', dify: `${DIFY} OceanBaseVector.__init__`, harness: 'adapters/oceanbase/oceanbase-retrieval-client.ts', why: 'Dify builds an ObVecClient per retrieval (new engine, reflection of every table, OB_VERSION, check_table_exists, version_comment): --client dify replays it on a new connection; --client pooled skips it' },
];
