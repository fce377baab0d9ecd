import type { Doc } from '../../adapters/store-adapter.js';
import type { Dataset } from '../../datasets/dataset.js';
import { gaussian, seededRandom } from '../../datasets/seeded-random.js';

/** Chunks per Dify document in the selftest's table (only document_id's shape depends on it). */
const CHUNKS_PER_DOCUMENT = 10;
/** Words per chunk text: about 400 characters, so each hit carries a text to send and decode. */
const WORDS_PER_TEXT = 60;

export interface SelftestData {
  readonly docs: readonly Doc[];
  /** The one query every client sends (a reference tool may only repeat one literal request). */
  readonly query: Float32Array;
  /** The same, as a Dataset the bench's workloads run on (one query, no qrels). */
  readonly dataset: Dataset;
}

function unitVector(random: () => number, dims: number): Float32Array {
  const v = Float64Array.from({ length: dims }, () => gaussian(random));
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return Float32Array.from(v, (x) => x / norm);
}

/**
 * Seeded uniform unit vectors (Gaussian, normalised) and word-salad texts: a table shaped like
 * Dify's with nothing but the client, the network and the server to measure. The same seed gives
 * the same table on every machine.
 */
export function selftestData(count: number, dims: number, seed: number): SelftestData {
  const random = seededRandom(seed);
  const words = Array.from({ length: 500 }, (_, i) => `word${i}`);
  const docs: Doc[] = Array.from({ length: count }, (_, i) => ({
    id: `selftest-${i}`,
    documentId: `selftest-doc-${Math.floor(i / CHUNKS_PER_DOCUMENT)}`,
    text: Array.from({ length: WORDS_PER_TEXT }, () => words[Math.floor(random() * words.length)]).join(' '),
    vector: unitVector(random, dims),
  }));
  const query = unitVector(seededRandom(seed ^ 0x5bd1e995), dims);
  const dataset: Dataset = {
    dir: `selftest:${count}x${dims}:seed${seed}`,
    manifest: {
      name: `selftest-${count}x${dims}`,
      version: 1,
      dims,
      metric: 'cosine',
      count,
      queries: 1,
      language: 'none',
      description: 'bench selftest: seeded unit vectors, one query',
      license: 'none',
      source: 'generated',
    },
    docs: docs.map((d) => ({ id: d.id, document_id: d.documentId, text: d.text })),
    vectors: new Float32Array(0),
    queries: [{ id: 'q-0', text: '' }],
    queryVectors: query,
    qrels: new Map(),
    contentHash: `selftest-seed-${seed}`,
  };
  return { docs, query, dataset };
}
