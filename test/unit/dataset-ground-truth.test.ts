import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metric } from '../../src/adapters/store-adapter.js';
import type { Dataset } from '../../src/datasets/dataset.js';
import { row } from '../../src/datasets/dataset.js';
import { computeGroundTruth, exactTopK } from '../../src/datasets/ground-truth.js';
import { seededRandom } from '../../src/datasets/seeded-random.js';
import { similarity } from '../../src/datasets/similarity.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-gt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Random vectors; a few rows duplicated so ties (broken by the lower row) occur. */
function randomDataset(metric: Metric, count: number, queries: number, dims: number): Dataset {
  const random = seededRandom(11);
  const vectors = Float32Array.from({ length: count * dims }, () => random() - 0.5);
  vectors.copyWithin(7 * dims, 3 * dims, 4 * dims);
  vectors.copyWithin(50 * dims, 3 * dims, 4 * dims);
  const queryVectors = Float32Array.from({ length: queries * dims }, () => random() - 0.5);
  queryVectors.set(vectors.subarray(3 * dims, 4 * dims), 0);
  return {
    dir,
    manifest: { name: 'r', version: 1, dims, metric, count, queries, language: 'en', description: '', license: '', source: '' },
    docs: Array.from({ length: count }, (_, i) => ({ id: `d${i}`, document_id: `doc${i % 9}`, text: '' })),
    vectors,
    queries: Array.from({ length: queries }, (_, i) => ({ id: `q${i}`, text: '', ...(i % 5 === 1 ? { document_ids: ['doc2', 'doc4'] } : {}) })),
    queryVectors,
    qrels: new Map(),
    contentHash: '0'.repeat(64),
  };
}

/** The obvious answer: score every doc with similarity(), sort, ties by row. */
function bruteForce(d: Dataset, k: number, filtered: boolean): string[][] {
  const { dims, metric } = d.manifest;
  return d.queries.map((q, qi) => {
    const allowed = filtered && q.document_ids ? new Set(q.document_ids) : undefined;
    return d.docs
      .map((doc, i) => ({ i, s: similarity(metric, row(d.queryVectors, dims, qi), row(d.vectors, dims, i)) }))
      .filter(({ i }) => !allowed || allowed.has((d.docs[i] as { document_id: string }).document_id))
      .sort((a, b) => b.s - a.s || a.i - b.i)
      .slice(0, k)
      .map(({ i }) => `d${i}`);
  });
}

describe('exact ground truth', () => {
  for (const metric of ['cosine', 'ip', 'l2'] as const) {
    it(`${metric}: one thread and two worker threads both equal brute force, ties by lower row`, async () => {
      const d = randomDataset(metric, 403, 21, 13);
      const expected = bruteForce(d, 10, false);
      expect(computeGroundTruth(d, 10, false)).toEqual(expected);
      for (const engine of ['js', 'onnx'] as const) {
        const top = await exactTopK(d, 10, false, { threads: 2, workPerThread: 1, engine });
        const ids = d.queries.map((_, q) => Array.from(top.rows.subarray(q * 10, (q + 1) * 10), (r) => `d${r}`));
        expect(ids, engine).toEqual(expected);
        // Query 0 is doc 3 itself; its duplicates 7 and 50 tie with it and follow in row order.
        expect(ids[0]?.slice(0, 3), engine).toEqual(['d3', 'd7', 'd50']);
      }
    });
  }

  it('filtered queries search only their documents’ chunks', async () => {
    const d = randomDataset('cosine', 403, 21, 13);
    const expected = bruteForce(d, 5, true);
    expect(computeGroundTruth(d, 5, true)).toEqual(expected);
    for (const engine of ['js', 'onnx'] as const) {
      const top = await exactTopK(d, 5, true, { threads: 2, workPerThread: 1, engine });
      expect(d.queries.map((_, q) => Array.from(top.rows.subarray(q * 5, (q + 1) * 5), (r) => `d${r}`)), engine).toEqual(expected);
    }
    expect(expected[1]?.every((id) => [2, 4].includes(Number(id.slice(1)) % 9))).toBe(true);
  });

  it('onnx engine: blocks of 16384 docs merge to the same answer as the JavaScript loop', async () => {
    const d = randomDataset('l2', 40_000, 6, 8);
    const js = await exactTopK(d, 20, false, { engine: 'js', threads: 2, workPerThread: 1 });
    const onnx = await exactTopK(d, 20, false, { engine: 'onnx', threads: 2 });
    expect(Array.from(onnx.rows)).toEqual(Array.from(js.rows));
    expect(Array.from(onnx.scores)).toEqual(Array.from(js.scores));
  });

  it('pads with nothing when k exceeds the candidates', () => {
    const d = randomDataset('l2', 20, 3, 4);
    expect(computeGroundTruth(d, 25, false)[0]).toHaveLength(20);
  });
});
