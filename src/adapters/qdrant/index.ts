import type { Capabilities } from '../store-adapter.js';
import { QDRANT_FIDELITY } from './qdrant-fidelity.js';
import type { SearchKnob, StoreDefinition, StoreProfile } from '../store-definition.js';
import { QdrantAdapter } from './qdrant-adapter.js';
import { DIFY_CONFIG, NATIVE_CONFIG } from './qdrant-config.js';
import { qdrantDockerRecipe } from './qdrant-docker-recipe.js';
import { qdrantExternalRecipe } from './qdrant-external-recipe.js';
import { qdrantLocalRecipe } from './qdrant-local-recipe.js';
import { qdrantSelftest } from './qdrant-selftest.js';

const INDEXING_THRESHOLD =
  'Qdrant builds no HNSW graph for a segment until it holds more vectors than the optimizer\'s indexing ' +
  'threshold (20 000 KB on 1.8.3, 10 000 KB on 1.18.3): on a dataset as small as linux-doc-minilm ' +
  '(3150 × 384 floats ≈ 4.8 MB) every vector search is an exact scan, so its recall is 1.';

const CLIENT_STALL =
  'The client asks for uncompressed answers (Accept-Encoding: identity); Dify\'s qdrant-client (httpx) asks for ' +
  '"gzip, deflate" and Qdrant compresses. Asked for gzip, Node\'s HTTP clients stalled ~40 ms on most requests ' +
  '(search p50 43.8 ms by fetch) where Python\'s did not; uncompressed, the adapter\'s search took 1.69 ms p50 ' +
  'against 2.20 ms by Python qdrant-client 1.9.0 with gzip and 0.92 ms by a raw undici.request (Qdrant 1.8.3, ' +
  'linux-doc-mini, k=4 with vectors, 2026-12-02, scripts/measure-qdrant-client.ts): so serial latencies here are ' +
  'about 0.5 ms under what Dify\'s client sees, the server\'s gzip time. Since 2026-12-07 the adapter sends its ' +
  'searches by undici\'s request (1.11 ms p50, 0.79 ms of client CPU, against 1.83 ms and 1.78 ms by the JS client).';

const difyCapabilities: Capabilities = {
  documentIdFilter: true,
  fullText: true,
  fullTextRanked: false,
  nativeHybrid: false,
  metrics: ['cosine'],
  notes: [
    'As Dify\'s qdrant_vector.py (REST): collection Vector_index_<dataset id>_Node with one unnamed Cosine vector ' +
      'whatever the dataset metric, HNSW m=0 and payload_m=16 (no global graph: one graph per group_id, i.e. per ' +
      'knowledge base), ef_construct 100, full_scan_threshold 10000; keyword indexes on group_id, metadata.doc_id, ' +
      'metadata.document_id and a multilingual text index on page_content (min 2, max 20 chars, lowercase).',
    'Every search, full-text scroll and count MUSTs group_id; the document_id filter is metadata.document_id MatchAny.',
    'Vector search with score_threshold 0.0 (Dify with no threshold set): hits with cosine < 0 are dropped; search ' +
      'and scroll also return every hit\'s vector (with_vectors=True), as Dify asks.',
    'Full text is UNRANKED: Dify splits the query on whitespace and, for each of its first 10 distinct keywords in ' +
      'turn, scrolls (limit k) for chunks whose page_content holds every token of that keyword (MatchText); hits ' +
      'come in point-id order, the first keywords\' first, with no score. A chunk matching many keywords gets no ' +
      'precedence over one matching a single keyword. (Dify before langgenius/dify#31658, Jan 2026, made one scroll ' +
      'with MatchText of the whole query: only chunks holding every query token.)',
    'The multilingual tokenizer differs by server build: 1.8.3 (as Dify\'s image, without the multiling-chinese ' +
      'feature) keeps a run of Han characters as one token; 1.18.3 segments Chinese words and skips all-digit tokens.',
    'Upserts in batches of 64 with wait=true; delete by ids is one delete on metadata.doc_id MatchAny; deleting the ' +
      'knowledge base deletes its points by group_id and leaves the collection, as Dify does.',
    INDEXING_THRESHOLD,
    CLIENT_STALL,
  ],
};

const nativeCapabilities: Capabilities = {
  documentIdFilter: true,
  fullText: true,
  fullTextRanked: true,
  // As on the default server (1.8.3, no Query API); a session on Qdrant ≥ 1.10 declares it true.
  nativeHybrid: false,
  metrics: ['cosine', 'l2', 'ip'],
  notes: [
    'Qdrant beyond Dify: one collection per knowledge base (no group_id), named vectors `dense` (distance from the ' +
      'dataset metric, HNSW m=16, ef_construct 100) and `bm25` (sparse), a keyword index on metadata.document_id, ' +
      'no score threshold.',
    'The sparse vector is computed by the harness (qdrant-sparse.ts): ICU word segmentation, lowercase, a short ' +
      'English stopword list, FNV-1a term hashing, BM25 term-frequency weights (k1 1.2, b 0.75, avgLen 256); from ' +
      'Qdrant 1.10 the server multiplies in IDF (`modifier: idf`), giving BM25.',
    'Full text is a ranked search on the sparse vector; score is the BM25 score.',
    'Native hybrid only on Qdrant ≥ 1.10 (Query API; e.g. --store-version qdrant=1.18.3), not on 1.8.3: prefetch max(20, 2k) dense and max(20, 2k) sparse ' +
      'candidates under the same filter, fused by reciprocal rank fusion; score is the RRF score.',
    INDEXING_THRESHOLD,
    CLIENT_STALL,
  ],
};

/** The dify profile with search params.hnsw_ef at `hnswEf`. */
function tunedProfile(hnswEf: number): StoreProfile {
  const capabilities: Capabilities = {
    ...difyCapabilities,
    notes: [`Tuned, not Dify: as the dify profile, with search params.hnsw_ef=${hnswEf} (Dify sends none: ef_construct, 100).`, ...difyCapabilities.notes],
  };
  const config = { ...DIFY_CONFIG, hnswEf };
  return {
    description: `Dify's collection and queries with hnsw_ef=${hnswEf} (search breadth tuned)`,
    capabilities,
    createAdapter: () => new QdrantAdapter(capabilities, config),
  };
}

const searchKnob: SearchKnob = { name: 'params.hnsw_ef', difyValue: 'unset (ef_construct, 100)', profileWith: tunedProfile };

export const qdrantStore: StoreDefinition = {
  name: 'qdrant',
  description: 'Qdrant over REST (@qdrant/js-client-rest), built from source, as Dify\'s qdrant_vector.py',
  defaultProfile: 'dify',
  searchKnob,
  fidelity: QDRANT_FIDELITY,
  profiles: {
    dify: {
      description: "What Dify's qdrant_vector.py does: group_id per knowledge base, m=0/payload_m=16, unranked MatchText scroll",
      capabilities: difyCapabilities,
      createAdapter: () => new QdrantAdapter(difyCapabilities, DIFY_CONFIG),
    },
    native: {
      description: 'Qdrant beyond Dify: global HNSW, BM25-style sparse full text, Query API hybrid (RRF) from 1.10',
      capabilities: nativeCapabilities,
      createAdapter: () => new QdrantAdapter(nativeCapabilities, NATIVE_CONFIG),
    },
  },
  local: qdrantLocalRecipe,
  docker: qdrantDockerRecipe,
  external: qdrantExternalRecipe,
  selftest: qdrantSelftest,
};
