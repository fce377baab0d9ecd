import type { Capabilities } from '../store-adapter.js';
import { CHROMA_FIDELITY } from './chroma-fidelity.js';
import type { SearchKnob, StoreDefinition, StoreProfile } from '../store-definition.js';
import { ChromaAdapter } from './chroma-adapter.js';
import { DIFY_CONFIG, NATIVE_CONFIG } from './chroma-config.js';
import { chromaLocalRecipe } from './chroma-local-recipe.js';
import { chromaDockerRecipe } from './chroma-docker-recipe.js';
import { chromaExternalRecipe } from './chroma-external-recipe.js';
import { chromaSelftest } from './chroma-selftest.js';

const NO_NATIVE_HYBRID =
  'No native hybrid: Chroma\'s search() API (Knn + Rrf) is not in 0.5.20 or 1.0.0, and the 1.5.9 local ' +
  'server answers 501 "Search operation is not implemented for local executor"; sparse (BM25) ' +
  'indexes are refused locally ("Sparse vector indexing is not enabled in local"). Chroma Cloud only.';

const SEARCH_EF =
  'HNSW search breadth: Chroma 0.5.20 searches with hnsw:search_ef 10 unless the collection sets it ' +
  '(chromadb/segment/impl/vector/hnsw_params.py: metadata.get("hnsw:search_ef", 10), then index.set_ef); ' +
  'the 1.x servers default to 100. Dify sets none, so on Dify\'s pin a top-10 search explores only 10 ' +
  'candidates and recall@10 drops on clustered data (cosine space, no threshold: 0.60 on a 20000 × 128 ' +
  'synthetic set where 1.0.0 reaches 0.987); Dify\'s score threshold costs recall on top of that.';

const difyCapabilities: Capabilities = {
  documentIdFilter: true,
  fullText: false,
  fullTextRanked: false,
  nativeHybrid: false,
  metrics: ['l2'],
  notes: [
    'Dify gives Chroma no full text: its search_by_full_text returns [] ("chroma does not support BM25").',
    'Dify creates the collection without hnsw:space, so Chroma ranks by its default squared L2 whatever ' +
      'the dataset metric; for unit-length embeddings the order equals cosine and Dify\'s score ' +
      '1 − distance equals 2·cos − 1.',
    'As Dify with no score threshold set (0.0): hits scoring below 0 (for unit vectors, cos < 0.5) are dropped.',
    'As Dify: every operation first calls get_or_create_collection, one extra HTTP round trip.',
    SEARCH_EF,
    'No tuned profile: under Dify\'s space and score rule the threshold, not the search breadth, caps recall. ' +
      'Measured on linux-doc-minilm with Chroma 1.0.0 (scripts/measure-search-knob.ts chroma 10,200): hnsw:search_ef ' +
      '10 → recall@10 0.333 (65 empty answers), 200 → 0.347 (59); 0.98 needs cosine space without the threshold ' +
      '(the native profile).',
    NO_NATIVE_HYBRID,
  ],
};

const nativeCapabilities: Capabilities = {
  documentIdFilter: true,
  fullText: true,
  fullTextRanked: false,
  nativeHybrid: false,
  metrics: ['cosine', 'l2', 'ip'],
  notes: [
    'Full text is whereDocument $contains: an unranked, case-sensitive substring FILTER (any word of the ' +
      'query), returned in Chroma\'s order with no score, not a ranked (BM25) search.',
    'Chroma 0.5.20 (SQLite LIKE over a trigram FTS table) misses 1–2-character CJK terms such as 香蕉; ' +
      'the 1.x servers match them.',
    'hnsw:space is set from the dataset metric; score = 1 − distance.',
    SEARCH_EF,
    NO_NATIVE_HYBRID,
  ],
};

/** The dify profile with hnsw:search_ef at `searchEf` (Dify's default space and score threshold kept). */
function tunedProfile(searchEf: number): StoreProfile {
  const capabilities: Capabilities = {
    ...difyCapabilities,
    notes: [
      `Tuned, not Dify: as the dify profile, with hnsw:search_ef=${searchEf} in the collection's metadata ` +
        '(Dify sets none: 10 on 0.5.20, 100 on 1.x); Dify\'s default space and score threshold stay.',
      ...difyCapabilities.notes.filter((n) => n !== SEARCH_EF),
    ],
  };
  const config = { ...DIFY_CONFIG, searchEf };
  return {
    description: `Dify's collection and queries with hnsw:search_ef=${searchEf} (search breadth tuned)`,
    capabilities,
    createAdapter: () => new ChromaAdapter(capabilities, config),
  };
}

const searchKnob: SearchKnob = { name: 'hnsw:search_ef', difyValue: 'unset (0.5.20: 10; 1.x: 100)', profileWith: tunedProfile };

export const chromaStore: StoreDefinition = {
  name: 'chroma',
  description: 'Chroma over its v2 HTTP API (chromadb JS client)',
  defaultProfile: 'dify',
  searchKnob,
  fidelity: CHROMA_FIDELITY,
  profiles: {
    dify: {
      description: "What Dify's chroma_vector.py does: default space, score 1 − distance, no full text",
      capabilities: difyCapabilities,
      createAdapter: () => new ChromaAdapter(difyCapabilities, DIFY_CONFIG),
    },
    native: {
      description: 'Chroma beyond Dify: hnsw:space from the metric, whereDocument substring full text',
      capabilities: nativeCapabilities,
      createAdapter: () => new ChromaAdapter(nativeCapabilities, NATIVE_CONFIG),
    },
  },
  local: chromaLocalRecipe,
  docker: chromaDockerRecipe,
  external: chromaExternalRecipe,
  selftest: chromaSelftest,
};
