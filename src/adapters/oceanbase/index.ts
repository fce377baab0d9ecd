import type { Capabilities } from '../store-adapter.js';
import { OCEANBASE_FIDELITY } from './oceanbase-fidelity.js';
import type { SearchKnob, StoreDefinition, StoreProfile } from '../store-definition.js';
import { OceanbaseAdapter } from './oceanbase-adapter.js';
import { DIFY_CONFIG, NATIVE_CONFIG } from './oceanbase-config.js';
import { oceanbaseLocalRecipe } from './oceanbase-local-recipe.js';
import { oceanbaseDockerRecipe } from './oceanbase-docker-recipe.js';
import { oceanbaseExternalRecipe } from './oceanbase-external-recipe.js';

const SEEKDB =
  'Local runs use seekdb 1.4.0 (OceanBase 4.3.5.3 kernel, PyPI pylibseekdb 1.4.0.post1) with memory_budget=2G; ' +
  'Dify\'s compose runs OceanBase CE 4.3.5 (OCEANBASE_MEMORY_LIMIT=6G) or seekdb (SEEKDB_MEMORY_LIMIT=2G).';

const FULL_TEXT =
  'Full text as Dify with OCEANBASE_ENABLE_HYBRID_SEARCH=true (Dify\'s default false answers []): ' +
  'MATCH (text) AGAINST (query) over a FULLTEXT index WITH PARSER ik (smart mode: 今天天气 is one token, ' +
  'so 天气 alone does not match it), rows scoring > 0, best first; case-insensitive (utf8mb4_general_ci).';

const SCORE_DRIFT =
  'MATCH scores move while the server\'s background statistics catch up after inserts (same 3150-chunk ' +
  'corpus, same query: top score 2.14 right after the insert, 12.56 eight seconds later, 14.49 in tables ' +
  'loaded minutes earlier), so multi-word rankings, and full-text nDCG, depend on when queries run.';

const difyCapabilities: Capabilities = {
  documentIdFilter: true,
  fullText: true,
  fullTextRanked: true,
  nativeHybrid: false,
  metrics: ['l2'],
  notes: [
    'HNSW (VSAG, m=16, ef_construction=256, distance=l2 as OCEANBASE_VECTOR_METRIC_TYPE\'s default, whatever ' +
      'the dataset metric); ob_hnsw_ef_search left at the server\'s 64; score = 1 / (1 + l2 distance), as Dify; ' +
      'for unit-length embeddings the order equals cosine.',
    'As Dify with no score threshold set (0.0): hits scoring below 0 are dropped (none can under l2).',
    "The document_id filter is metadata->>'$.document_id' IN (…), which OceanBase applies as a pre-filter " +
      'of the HNSW scan (VECTOR INDEX ADAPTIVE SCAN), so a filtered search still returns k rows.',
    "Dify's functional index idx_metadata_doc_id on (metadata->>'$.document_id') is created with the table, " +
      'after the vector and full-text indexes, where the server takes that DDL; seekdb 1.4 refuses it (->> yields ' +
      'LONGTEXT, "consider using CAST"), so there the table has no such index, as a Dify deployment on it would ' +
      "not: the results' server settings (metadataIndex) say which.",
    'Inserts are multi-row INSERTs of 100 rows; DBMS_VECTOR.REFRESH_INDEX after every 1000 inserted rows, ' +
      'as OCEANBASE_HNSW_REFRESH_THRESHOLD.',
    FULL_TEXT,
    SCORE_DRIFT,
    "Dify reads ob_vector_memory_limit_percentage as SHOW PARAMETERS column 6, which on seekdb is 'CLUSTER' " +
      '(int() would fail); this reads the value column. seekdb 1.4 ignores the setting anyway.',
    'No native hybrid: DBMS_HYBRID_SEARCH refuses Dify\'s table ("table with user provided primary key not ' +
      'supported"); the native profile uses a heap table for it.',
    SEEKDB,
  ],
};

const nativeCapabilities: Capabilities = {
  documentIdFilter: true,
  fullText: true,
  fullTextRanked: true,
  nativeHybrid: true,
  metrics: ['cosine', 'l2', 'ip'],
  notes: [
    'HNSW distance from the dataset metric (l2, cosine, inner_product); scores as Dify converts them: ' +
      'l2 1/(1+d), cosine 1 − d, inner product the product itself. No score threshold.',
    'Table ORGANIZATION = HEAP plus a stored generated document_id column (DBMS_HYBRID_SEARCH needs both). ' +
      'A heap table\'s vector index follows writes asynchronously (about 0.1–3 s after a commit); ' +
      'waitUntilSearchable waits until an ANN query finds the last inserted row, and for about 0.25 s ' +
      'after a delete an ANN query can return fewer than k rows.',
    FULL_TEXT,
    SCORE_DRIFT,
    'Native hybrid is DBMS_HYBRID_SEARCH.SEARCH with a match on text and a knn (k) on vector, both filtered ' +
      'by document_id; the server adds keyword and vector scores (no rank clause). seekdb 1.4 pastes the DSL\'s ' +
      'strings into SQL unescaped, so the adapter escapes quotes and backslashes itself.',
    SEEKDB,
  ],
};

/** The dify profile with ob_hnsw_ef_search at `efSearch` on every connection. */
function tunedProfile(efSearch: number): StoreProfile {
  const capabilities: Capabilities = {
    ...difyCapabilities,
    notes: [
      `Tuned, not Dify: as the dify profile, with ob_hnsw_ef_search=${efSearch} set on every connection ` +
        '(Dify\'s OCEANBASE_HNSW_EF_SEARCH=-1 leaves the server\'s 64).',
      'Tuned value: the smallest ob_hnsw_ef_search reaching recall@10 ≥ 0.98 on linux-doc-minilm ' +
        '(scripts/measure-search-knob.ts oceanbase 16,32,48,64,128 on seekdb 1.4.0: 0.895, 0.951, 0.981, 0.988, 0.999); ' +
        'filtered recall@10 1.000 at every value (the document_id filter is a pre-filter).',
      ...difyCapabilities.notes,
    ],
  };
  const config = { ...DIFY_CONFIG, efSearch };
  return {
    description: `Dify's table and queries with ob_hnsw_ef_search=${efSearch} (search breadth tuned)`,
    capabilities,
    createAdapter: () => new OceanbaseAdapter(capabilities, config),
  };
}

const searchKnob: SearchKnob = { name: 'ob_hnsw_ef_search', difyValue: "the server's 64 (OCEANBASE_HNSW_EF_SEARCH=-1)", profileWith: tunedProfile };

/**
 * The smallest ob_hnsw_ef_search that reached recall@10 ≥ 0.98 on datasets/linux-doc-minilm
 * (scripts/measure-search-knob.ts oceanbase 16,32,48,64,128, 2026-12-06, seekdb 1.4.0): 32 gave
 * 0.951, 48 gave 0.981; the server's 64, which Dify leaves, gives 0.988.
 */
export const OCEANBASE_TUNED_EF_SEARCH = 48;

export const oceanbaseStore: StoreDefinition = {
  name: 'oceanbase',
  // Dify's newer VECTOR_STORE name for OceanBase's lite single-node build, which is what runs here.
  aliases: ['seekdb'],
  description: 'OceanBase / seekdb over the MySQL protocol (mysql2 client), SQL as Dify\'s oceanbase_vector.py issues it',
  defaultProfile: 'dify',
  searchKnob,
  fidelity: OCEANBASE_FIDELITY,
  profiles: {
    dify: {
      description:
        "Dify's table, HNSW (l2) and queries with OCEANBASE_ENABLE_HYBRID_SEARCH=true (ik full text)",
      capabilities: difyCapabilities,
      createAdapter: () => new OceanbaseAdapter(difyCapabilities, DIFY_CONFIG),
    },
    native: {
      description: 'OceanBase beyond Dify: metric from the dataset, heap table, DBMS_HYBRID_SEARCH native hybrid',
      capabilities: nativeCapabilities,
      createAdapter: () => new OceanbaseAdapter(nativeCapabilities, NATIVE_CONFIG),
    },
    tuned: tunedProfile(OCEANBASE_TUNED_EF_SEARCH),
  },
  local: oceanbaseLocalRecipe,
  docker: oceanbaseDockerRecipe,
  external: oceanbaseExternalRecipe,
};
