import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gaussian, seededRandom } from './seeded-random.js';

export interface SyntheticOptions {
  readonly name: string;
  readonly count: number;
  readonly dims: number;
  readonly queries: number;
  readonly clusters: number;
  readonly seed: number;
  /** Chunks per Dify document (document_id). */
  readonly chunksPerDocument: number;
}

/**
 * Writes a synthetic dataset in the standard format: clustered unit vectors (for scale tests,
 * where recall against exact truth is what matters) and texts drawn from per-cluster vocabularies,
 * so full-text search has something to find. qrels mark the query's cluster-mates that share
 * its words. Not a substitute for a real dataset's quality figures.
 */
export async function writeSyntheticDataset(dir: string, o: SyntheticOptions): Promise<void> {
  const random = seededRandom(o.seed);
  const unit = (v: Float32Array): Float32Array => {
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  };
  const centers = Array.from({ length: o.clusters }, () =>
    unit(Float32Array.from({ length: o.dims }, () => gaussian(random))),
  );
  const near = (center: Float32Array, spread: number): Float32Array =>
    unit(center.map((x) => x + spread * gaussian(random)));
  const clusterWords = (c: number): string[] => Array.from({ length: 20 }, (_, w) => `topic${c}word${w}`);
  const commonWords = Array.from({ length: 200 }, (_, w) => `common${w}`);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const docs: string[] = [];
  const docWords: Array<Set<string>> = [];
  const vectors = new Float32Array(o.count * o.dims);
  const docCluster: number[] = [];
  for (let i = 0; i < o.count; i++) {
    const cluster = Math.floor(random() * o.clusters);
    docCluster.push(cluster);
    vectors.set(near(centers[cluster] as Float32Array, 0.6 / Math.sqrt(o.dims)), i * o.dims);
    const words = Array.from({ length: 40 }, () => (random() < 0.4 ? pick(clusterWords(cluster)) : pick(commonWords)));
    docWords.push(new Set(words));
    const documentId = `doc-${Math.floor(i / o.chunksPerDocument)}`;
    docs.push(JSON.stringify({ id: `chunk-${i}`, document_id: documentId, text: words.join(' ') }));
  }

  const queries: string[] = [];
  const qrels: string[] = [];
  const queryVectors = new Float32Array(o.queries * o.dims);
  for (let q = 0; q < o.queries; q++) {
    const cluster = Math.floor(random() * o.clusters);
    queryVectors.set(near(centers[cluster] as Float32Array, 0.6 / Math.sqrt(o.dims)), q * o.dims);
    const terms = [pick(clusterWords(cluster)), pick(clusterWords(cluster))];
    queries.push(JSON.stringify({ id: `q-${q}`, text: terms.join(' ') }));
    docWords.forEach((words, i) => {
      if (docCluster[i] !== cluster) return;
      const shared = terms.filter((t) => words.has(t)).length;
      if (shared > 0) qrels.push(`q-${q}\tchunk-${i}\t${shared}`);
    });
  }

  await mkdir(dir, { recursive: true });
  const manifest = {
    name: o.name,
    version: 1,
    dims: o.dims,
    metric: 'cosine',
    count: o.count,
    queries: o.queries,
    language: 'en',
    description: `Synthetic: ${o.clusters} clusters of unit vectors, seed ${o.seed}; texts from per-cluster vocabularies.`,
    license: 'CC0-1.0',
    source: 'vdb-bench datasets generate',
    generator: o,
  };
  await writeFile(join(dir, 'dataset.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(dir, 'docs.jsonl'), `${docs.join('\n')}\n`);
  await writeFile(join(dir, 'queries.jsonl'), `${queries.join('\n')}\n`);
  await writeFile(join(dir, 'qrels.tsv'), qrels.length ? `${qrels.join('\n')}\n` : '');
  // Float32Array bytes are little-endian on every platform Node supports for this tool (x64, arm64).
  await writeFile(join(dir, 'vectors.f32'), Buffer.from(vectors.buffer));
  await writeFile(join(dir, 'query_vectors.f32'), Buffer.from(queryVectors.buffer));
}
