import { createWriteStream, type WriteStream } from 'node:fs';
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
 * Judged docs per query at most (the first in doc order): at 1M docs a cluster holds ~10k docs
 * sharing a query word, and qrels that size would cost more memory than the vectors.
 */
const JUDGED_PER_QUERY = 100;

/** Rows generated and written at a time: memory stays a few MiB whatever the count. */
const BATCH_ROWS = 4096;

/**
 * Writes a synthetic dataset in the standard format: clustered unit vectors (for scale tests,
 * where recall against exact truth is what matters) and texts drawn from per-cluster vocabularies,
 * so full-text search has something to find. qrels mark the query's cluster-mates that share
 * its words (the first 100 in doc order). Not a substitute for a real dataset's quality figures.
 *
 * Streams: queries are drawn first (their own seeded stream) so each doc's qrels are known the
 * moment it is written, and docs and vectors go to disk in batches — 1M × 1536 takes the same
 * memory as 1k × 4. `onProgress` gets the docs written so far.
 */
export async function writeSyntheticDataset(
  dir: string,
  o: SyntheticOptions,
  onProgress?: (docsWritten: number) => void,
): Promise<void> {
  const random = seededRandom(o.seed);
  const queryRandom = seededRandom(o.seed ^ 0x5bd1e995);
  const centers = Array.from({ length: o.clusters }, () => unit(Float64Array.from({ length: o.dims }, () => gaussian(random))));
  const spread = 0.6 / Math.sqrt(o.dims);
  const clusterWords = (c: number): string[] => Array.from({ length: 20 }, (_, w) => `topic${c}word${w}`);
  const commonWords = Array.from({ length: 200 }, (_, w) => `common${w}`);
  const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
  const near = (r: () => number, center: Float64Array, out: Float32Array, offset: number): void => {
    const v = center.map((x) => x + spread * gaussian(r));
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
    for (let i = 0; i < o.dims; i++) out[offset + i] = (v[i] as number) / norm;
  };

  await mkdir(dir, { recursive: true });

  // Queries: cluster, two of its words, a vector near its center.
  const queryCluster: number[] = [];
  const queryTerms: string[][] = [];
  const queryVectors = new Float32Array(o.queries * o.dims);
  const queryLines: string[] = [];
  for (let q = 0; q < o.queries; q++) {
    const cluster = Math.floor(queryRandom() * o.clusters);
    queryCluster.push(cluster);
    near(queryRandom, centers[cluster] as Float64Array, queryVectors, q * o.dims);
    const terms = [pick(queryRandom, clusterWords(cluster)), pick(queryRandom, clusterWords(cluster))];
    queryTerms.push(terms);
    queryLines.push(JSON.stringify({ id: `q-${q}`, text: terms.join(' ') }));
  }
  const queriesOfCluster = Array.from({ length: o.clusters }, (_, c) => queryCluster.flatMap((qc, q) => (qc === c ? [q] : [])));
  // Per query, the judged docs in doc order: [doc, shared terms] pairs, small integers.
  const judged: number[][] = Array.from({ length: o.queries }, () => []);

  const docsOut = createWriteStream(join(dir, 'docs.jsonl'));
  const vectorsOut = createWriteStream(join(dir, 'vectors.f32'));
  for (let start = 0; start < o.count; start += BATCH_ROWS) {
    const rows = Math.min(BATCH_ROWS, o.count - start);
    const vectors = new Float32Array(rows * o.dims);
    const lines: string[] = [];
    for (let j = 0; j < rows; j++) {
      const i = start + j;
      const cluster = Math.floor(random() * o.clusters);
      near(random, centers[cluster] as Float64Array, vectors, j * o.dims);
      const words = Array.from({ length: 40 }, () => (random() < 0.4 ? pick(random, clusterWords(cluster)) : pick(random, commonWords)));
      const documentId = `doc-${Math.floor(i / o.chunksPerDocument)}`;
      lines.push(JSON.stringify({ id: `chunk-${i}`, document_id: documentId, text: words.join(' ') }));
      const set = new Set(words);
      for (const q of queriesOfCluster[cluster] as number[]) {
        const shared = (queryTerms[q] as string[]).filter((t) => set.has(t)).length;
        const list = judged[q] as number[];
        if (shared > 0 && list.length < 2 * JUDGED_PER_QUERY) list.push(i, shared);
      }
    }
    await write(docsOut, `${lines.join('\n')}\n`);
    // Float32Array bytes are little-endian on every platform Node supports for this tool (x64, arm64).
    await write(vectorsOut, Buffer.from(vectors.buffer));
    onProgress?.(start + rows);
  }
  await Promise.all([close(docsOut), close(vectorsOut)]);

  const qrelsOut = createWriteStream(join(dir, 'qrels.tsv'));
  for (let q = 0; q < o.queries; q++) {
    const pairs = judged[q] as number[];
    const lines: string[] = [];
    for (let p = 0; p < pairs.length; p += 2) lines.push(`q-${q}\tchunk-${pairs[p]}\t${pairs[p + 1]}\n`);
    if (lines.length) await write(qrelsOut, lines.join(''));
  }
  await close(qrelsOut);

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
  await writeFile(join(dir, 'queries.jsonl'), `${queryLines.join('\n')}\n`);
  await writeFile(join(dir, 'query_vectors.f32'), Buffer.from(queryVectors.buffer));
  // dataset.json last: a folder is only a dataset once every file is complete.
  await writeFile(join(dir, 'dataset.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

function unit(v: Float64Array): Float64Array {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

/** Resolves once the stream took the chunk, waiting for 'drain' so a fast producer never piles up memory. */
function write(stream: WriteStream, chunk: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(chunk, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}

function close(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
  });
}
