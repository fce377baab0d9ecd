import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeDataset, describeNeighbourCheck } from '../../src/datasets/dataset-info.js';
import { readDataset } from '../../src/datasets/read-dataset.js';
import { verifyShippedNeighbours } from '../../src/datasets/verify-neighbours.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-verify-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Squared distances, query (1, 0.1, 0): d0 0.01, d3 0.81, d1 1.81, d2 2.01, d4 4.2725.
// Query (0, 0, 3): d2 4, d0 10, d1 10 (a tie), d3 11, d4 25.3125.
const TRAIN = [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0.5, 0.25, -2];
const TEST = [1, 0.1, 0, 0, 0, 3];

async function writeFile(name: string, neighbors: number[], k: number): Promise<string> {
  await h5wasm.ready;
  const file = join(dir, name);
  const f = new h5wasm.File(file, 'w');
  f.create_dataset({ name: 'train', data: Float32Array.from(TRAIN), shape: [5, 3], dtype: '<f' });
  f.create_dataset({ name: 'test', data: Float32Array.from(TEST), shape: [2, 3], dtype: '<f' });
  f.create_dataset({ name: 'neighbors', data: Int32Array.from(neighbors), shape: [2, k], dtype: '<i' });
  f.create_attribute('distance', 'euclidean');
  f.close();
  return file;
}

describe('verifying shipped neighbour lists', () => {
  it('measures recall against exact ground truth and names the wrong neighbours', async () => {
    const d = await readDataset(await writeFile('wrong.hdf5', [0, 3, 1, 2, 4, 0], 3));
    const check = await verifyShippedNeighbours(d, { sample: 10 });
    expect(check).toEqual({
      source: 'wrong.hdf5 dataset "neighbors"',
      k: 3,
      sampled: 2,
      recall: (1 + 2 / 3) / 2,
      agreement: (1 + 2 / 3) / 2,
      queriesDisagreeing: 1,
      worst: [{ queryId: 'q1', recall: 2 / 3, wrong: ['4'] }],
    });
    expect(describeNeighbourCheck(check)).toContain('recall vs exact ground truth  83.33% (83.33% counting ties with the k-th score)');
    expect(describeNeighbourCheck(check)).toContain("query q1: recall 66.67%, not in the exact top-3: 4");
  });

  it('counts a neighbour tying the exact k-th score as agreeing', async () => {
    // Exact top-2 of query 1 is d2, d0 (d0 and d1 tie at 10; the lower row wins); shipping d1 is as right.
    const d = await readDataset(await writeFile('tie.hdf5', [0, 3, 2, 1], 2));
    const check = await verifyShippedNeighbours(d, { threads: 2, workPerThread: 1 });
    expect(check).toMatchObject({ recall: 0.75, agreement: 1, queriesDisagreeing: 0, worst: [] });
  });

  it('describes a dataset for `bench datasets info`', async () => {
    const d = await readDataset(await writeFile('info.hdf5', [0, 3, 2, 1], 2));
    const text = describeDataset(d);
    expect(text).toContain('  format      ann-benchmarks\n');
    expect(text).toContain('  vectors     5 × 3 (l2), 0.0 MiB float32\n');
    expect(text).toContain('  text        none (vector workloads only)\n');
    expect(text).toContain('  shipped k   2 (info.hdf5 dataset "neighbors")\n');
  });
});
