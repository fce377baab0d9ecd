import type { Capabilities } from '../store-adapter.js';
import { WEAVIATE_FIDELITY } from './weaviate-fidelity.js';
import type { SearchKnob, StoreDefinition, StoreProfile } from '../store-definition.js';
import { WeaviateAdapter } from './weaviate-adapter.js';
import { DIFY_CONFIG, DIFY_LEGACY_CONFIG, GSE_CONFIG, GSE_SERVER_ENV } from './weaviate-config.js';
import { weaviateLocalRecipe } from './weaviate-local-recipe.js';
import { weaviateDockerRecipe } from './weaviate-docker-recipe.js';
import { weaviateExternalRecipe } from './weaviate-external-recipe.js';
import { weaviateSelftest } from './weaviate-selftest.js';

const COMMON_NOTES = [
  'Score = 1 − cosine distance, and only hits scoring above 0 are kept (Dify with no score threshold set).',
  'HNSW with Weaviate\'s defaults and cosine distance whatever the dataset metric, as Dify creates it ' +
    '(1.27 / 1.39: efConstruction 128, maxConnections 32, ef dynamic 100–500; 1.19: maxConnections 64).',
  'document_id and doc_id are text with the default `word` tokenization, as Dify leaves them: Equal and ' +
    'ContainsAny match when the value\'s tokens are all present, so "doc-1" also matches "1-doc" and ' +
    '"doc-1-x" (exact for Dify\'s UUIDs; `field` tokenization would make it exact for any id).',
  'Full text is Weaviate BM25 (k1 1.2, b 0.75, English stopwords) on `text` only; hits are returned in ' +
    'BM25 order with Weaviate\'s BM25 score (Dify discards it), and carry their vectors as Dify asks.',
  'Native hybrid is Weaviate\'s (Dify never calls it): BM25 on `text` + nearVector, alpha 0.7 (vector weight, ' +
    'as Dify\'s 0.7 / 0.3), fusion relativeScore; score is the fused score.',
];

const difyCapabilities: Capabilities = {
  documentIdFilter: true,
  fullText: true,
  fullTextRanked: true,
  nativeHybrid: true,
  metrics: ['cosine'],
  notes: [
    'Current Dify (Python client v4): gRPC through weaviate-client, servers ≥ 1.27 only; an explicit schema ' +
      'with one self-provided named vector `default`.',
    'Every search and delete first checks the class exists (GET /v1/schema/{class}), as Dify does.',
    'document_id filter ContainsAny; delete by ids is one deleteMany(doc_id ContainsAny ids).',
    'Inserts go to REST /v1/batch/objects, 100 objects per request (WEAVIATE_BATCH_SIZE), not gRPC as Dify\'s ' +
      'Python client (which sizes batches dynamically): weaviate-client JS\'s insertMany adds ≥ 0.5 s per call ' +
      'on the client (it polls for its own serialization every 500 ms).',
    'text uses `word` tokenization (WEAVIATE_TOKENIZATION default): a run of CJK characters is one token, ' +
      'so BM25 finds a Chinese word only if it is the whole run (see the gse profile).',
    ...COMMON_NOTES,
  ],
};

const legacyCapabilities: Capabilities = {
  documentIdFilter: true,
  fullText: true,
  fullTextRanked: true,
  nativeHybrid: true,
  metrics: ['cosine'],
  notes: [
    'Dify ≤ 1.8 (Python client v3 with gRPC off): REST batch insert (100 per request), GraphQL Get for ' +
      'searches; works with Weaviate 1.19 (Dify 1.7\'s compose) and later.',
    'Schema is only `text`; the other properties come from auto-schema on first insert; one class vector.',
    'document_id filter is an Or of Equals (ContainsAny needs Weaviate ≥ 1.21); delete by ids is one ' +
      'DELETE /v1/objects/{class}/{uuid} per id; nearVector also returns every hit\'s vector, as Dify asked.',
    'Only deletes check the class exists first, with GET /v1/schema (the whole schema), as Dify\'s v3 client did.',
    'Weaviate 1.19 has no fusionType: its hybrid uses rankedFusion (settings.hybridFusion says which ran).',
    ...COMMON_NOTES,
  ],
};

const gseCapabilities: Capabilities = {
  ...difyCapabilities,
  notes: [
    'As the dify profile with WEAVIATE_TOKENIZATION=gse: `text` is segmented by gse, so BM25 finds Chinese ' +
      'words inside sentences.',
    'gse (search mode) also emits every Latin letter as a token: an English query matches nearly every chunk ' +
      'by its letters; chunks holding the whole word still rank first, but BM25 answers are never short.',
    'Needs the server started with ENABLE_TOKENIZER_GSE=true; loading gse\'s dictionaries costs ~600 MB of ' +
      'server memory even when idle (measured on 1.27.0 and 1.39.3).',
    ...difyCapabilities.notes.filter((n) => !n.startsWith('text uses `word`')),
  ],
};

/** The dify profile with the class's HNSW ef fixed at `ef`. */
function tunedProfile(ef: number): StoreProfile {
  const capabilities: Capabilities = {
    ...difyCapabilities,
    notes: [
      `Tuned, not Dify: as the dify profile, with the class's HNSW ef=${ef} (Dify leaves Weaviate's dynamic ef: ` +
        'max(100, 8 × limit) up to 500, so 100 at k ≤ 12).',
      'Tuned value: the smallest ef reaching recall@10 ≥ 0.98 on linux-doc-minilm (scripts/measure-search-knob.ts ' +
        'weaviate 8,16,32,64,128,256 on 1.27.0: 0.847, 0.901, 0.961, 0.985, 0.996, 1.000; Dify\'s dynamic ef gives 0.994). ' +
        'Filtered recall@10 is 0.959 at every ef: a filter this selective is searched flat, and what is missing are ' +
        'hits Dify\'s score threshold drops.',
      ...difyCapabilities.notes,
    ],
  };
  const config = { ...DIFY_CONFIG, ef };
  return {
    description: `Current Dify's class and queries with HNSW ef=${ef} (search breadth tuned)`,
    capabilities,
    createAdapter: () => new WeaviateAdapter(capabilities, config),
  };
}

const searchKnob: SearchKnob = { name: 'vectorIndexConfig.ef', difyValue: 'dynamic (-1: 100–500)', profileWith: tunedProfile };

/**
 * The smallest ef that reached recall@10 ≥ 0.98 on datasets/linux-doc-minilm
 * (scripts/measure-search-knob.ts weaviate 8,16,32,64,128,256, 2026-12-06, Weaviate 1.27.0):
 * 32 gave 0.961, 64 gave 0.985. Dify's dynamic ef (100 at k=10) gives 0.994, so here the tuned
 * profile searches a narrower list than Dify: the price of the same recall target in every store.
 */
const TUNED_EF = 64;

export const weaviateStore: StoreDefinition = {
  name: 'weaviate',
  description: 'Weaviate over gRPC (weaviate-client) or REST + GraphQL, as Dify\'s weaviate_vector.py',
  defaultProfile: 'dify',
  searchKnob,
  fidelity: WEAVIATE_FIDELITY,
  profiles: {
    dify: {
      description: "What current Dify's weaviate_vector.py does (client v4, gRPC; Weaviate ≥ 1.27)",
      capabilities: difyCapabilities,
      createAdapter: () => new WeaviateAdapter(difyCapabilities, DIFY_CONFIG),
    },
    'dify-legacy': {
      description: 'What Dify ≤ 1.8 did (client v3, REST + GraphQL); the profile for Weaviate 1.19',
      capabilities: legacyCapabilities,
      createAdapter: () => new WeaviateAdapter(legacyCapabilities, DIFY_LEGACY_CONFIG),
    },
    gse: {
      description: 'Current Dify with WEAVIATE_TOKENIZATION=gse (Chinese BM25); server needs ENABLE_TOKENIZER_GSE=true',
      capabilities: gseCapabilities,
      serverEnv: GSE_SERVER_ENV,
      createAdapter: () => new WeaviateAdapter(gseCapabilities, GSE_CONFIG),
    },
    tuned: tunedProfile(TUNED_EF),
  },
  local: weaviateLocalRecipe,
  docker: weaviateDockerRecipe,
  external: weaviateExternalRecipe,
  selftest: weaviateSelftest,
};
