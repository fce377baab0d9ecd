import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/datasets/detect-format.js';
import { readDataset } from '../../src/datasets/read-dataset.js';
import { writeSyntheticDataset } from '../../src/datasets/synthetic.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-readers-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const TRAIN = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
  [1, 1, 0],
  [0.5, 0.25, -2],
];
const TEST = [
  [1, 0.1, 0],
  [0, 0, 3],
];

interface H5Options {
  distance?: string | undefined;
  train?: Float32Array | Float64Array;
  neighbors?: boolean;
}

/** Writes an ann-benchmarks file with h5wasm, the library the reader uses. */
async function writeHdf5(file: string, o: H5Options = {}): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'w');
  const train = o.train ?? Float32Array.from(TRAIN.flat());
  f.create_dataset({ name: 'train', data: train, shape: [5, 3], dtype: train instanceof Float64Array ? '<d' : '<f' });
  f.create_dataset({ name: 'test', data: Float32Array.from(TEST.flat()), shape: [2, 3], dtype: '<f' });
  if (o.neighbors !== false) {
    f.create_dataset({ name: 'neighbors', data: Int32Array.from([0, 3, 1, 2, 4, 0]), shape: [2, 3], dtype: '<i' });
    f.create_dataset({ name: 'distances', data: Float32Array.from([0.01, 0.81, 0.81, 4, 4.3, 10]), shape: [2, 3], dtype: '<f' });
  }
  if (o.distance !== undefined) f.create_attribute('distance', o.distance);
  f.close();
}

describe('format detection', () => {
  it('picks each format from the content, and names what it needs otherwise', async () => {
    await writeHdf5(join(dir, 'a.hdf5'), { distance: 'angular' });
    expect(await detectFormat(join(dir, 'a.hdf5'))).toEqual({ format: 'ann-benchmarks', path: join(dir, 'a.hdf5') });
    expect(await detectFormat(dir)).toEqual({ format: 'ann-benchmarks', path: join(dir, 'a.hdf5') });
    await writeFile(join(dir, 'test.parquet'), '');
    await writeFile(join(dir, 'train-00-of-01.parquet'), '');
    expect((await detectFormat(dir)).format).toBe('vectordbbench');
    await writeFile(join(dir, 'corpus.jsonl'), '');
    await writeFile(join(dir, 'queries.jsonl'), '');
    expect((await detectFormat(dir)).format).toBe('beir');
    await writeFile(join(dir, 'dataset.json'), '{}');
    expect((await detectFormat(dir)).format).toBe('vdb-bench');
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await expect(detectFormat(empty)).rejects.toThrow(`${empty}: no dataset format recognised: expected dataset.json`);
    await expect(detectFormat(join(dir, 'nope'))).rejects.toThrow(`${join(dir, 'nope')}: no such file or folder`);
  });

  it('still reads vdb-bench folders through readDataset', async () => {
    await writeSyntheticDataset(dir, { name: 's', count: 12, dims: 3, queries: 2, clusters: 2, seed: 3, chunksPerDocument: 4 });
    const d = await readDataset(dir);
    expect(d.format).toBe('vdb-bench');
    expect(d.vectors.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(d.docs).toHaveLength(12);
  });
});

describe('ann-benchmarks HDF5', () => {
  it('reads train, test, neighbors and the metric from the distance attribute', async () => {
    const file = join(dir, 'tiny-3-euclidean.hdf5');
    await writeHdf5(file, { distance: 'euclidean' });
    const d = await readDataset(file);
    expect(d.format).toBe('ann-benchmarks');
    expect(d.manifest).toMatchObject({ name: 'tiny-3-euclidean', dims: 3, metric: 'l2', count: 5, queries: 2, language: 'und' });
    expect(Array.from(d.vectors)).toEqual(TRAIN.flat().map((x) => Math.fround(x)));
    expect(Array.from(d.queryVectors)).toEqual(TEST.flat().map((x) => Math.fround(x)));
    expect(d.docs.map((x) => x.id)).toEqual(['0', '1', '2', '3', '4']);
    expect(d.docs[3]).toEqual({ id: '3', document_id: '3', text: '' });
    expect(d.queries.map((q) => q.id)).toEqual(['q0', 'q1']);
    expect(d.shippedNeighbours).toEqual({ source: 'tiny-3-euclidean.hdf5 dataset "neighbors"', k: 3, rows: Int32Array.from([0, 3, 1, 2, 4, 0]) });
    expect(d.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(d.groundTruthDir).toBe(join(dir, '.ground-truth'));
  });

  it('maps angular to cosine and converts float64 train rows', async () => {
    const file = join(dir, 'f64.hdf5');
    await writeHdf5(file, { distance: 'angular', train: Float64Array.from(TRAIN.flat()) });
    const d = await readDataset(file);
    expect(d.manifest.metric).toBe('cosine');
    expect(d.vectors[14]).toBe(-2);
  });

  it('names the attribute when the metric is missing or unsupported', async () => {
    await writeHdf5(join(dir, 'none.hdf5'));
    await expect(readDataset(join(dir, 'none.hdf5'))).rejects.toThrow(
      `${join(dir, 'none.hdf5')}:attribute "distance": missing (ann-benchmarks files name their metric there)`,
    );
    await writeHdf5(join(dir, 'jac.hdf5'), { distance: 'jaccard' });
    await expect(readDataset(join(dir, 'jac.hdf5'))).rejects.toThrow(
      `${join(dir, 'jac.hdf5')}:attribute "distance": "jaccard" is not supported (angular, euclidean or dot)`,
    );
  });

  it('names dataset, row and column of a non-finite value, and a zero vector under cosine', async () => {
    const bad = Float32Array.from(TRAIN.flat());
    bad[7] = Number.NaN;
    await writeHdf5(join(dir, 'nan.hdf5'), { distance: 'euclidean', train: bad });
    await expect(readDataset(join(dir, 'nan.hdf5'))).rejects.toThrow(
      `${join(dir, 'nan.hdf5')}:dataset "train" row 2 column 1: row 2 has a non-finite component (NaN)`,
    );
    const zero = Float32Array.from(TRAIN.flat()).fill(0, 3, 6);
    await writeHdf5(join(dir, 'zero.hdf5'), { distance: 'angular', train: zero });
    await expect(readDataset(join(dir, 'zero.hdf5'))).rejects.toThrow(
      `${join(dir, 'zero.hdf5')}:dataset "train" row 1 column 0: row 1 is a zero vector (metric is cosine)`,
    );
  });

  it('says plainly when a .hdf5 file is not HDF5', async () => {
    await writeFile(join(dir, 'junk.hdf5'), 'not hdf5 at all');
    await expect(readDataset(join(dir, 'junk.hdf5'))).rejects.toThrow(`${join(dir, 'junk.hdf5')}: not an HDF5 file (no HDF5 signature)`);
  });

  it('rejects a neighbour that is not a train row', async () => {
    await h5wasm.ready;
    const file = join(dir, 'badn.hdf5');
    const f = new h5wasm.File(file, 'w');
    f.create_dataset({ name: 'train', data: Float32Array.from(TRAIN.flat()), shape: [5, 3], dtype: '<f' });
    f.create_dataset({ name: 'test', data: Float32Array.from(TEST.flat()), shape: [2, 3], dtype: '<f' });
    f.create_dataset({ name: 'neighbors', data: Int32Array.from([0, 5, 1, 2]), shape: [2, 2], dtype: '<i' });
    f.create_attribute('distance', 'euclidean');
    f.close();
    await expect(readDataset(file)).rejects.toThrow(`${file}:dataset "neighbors" row 0 column 1: 5 is not a train row (0..4)`);
  });
});

/** A VectorDBBench-shaped parquet file: int64 id and list<float> column(s), pyarrow's LIST layout. */
function writeVectors(file: string, ids: number[], vectors: number[][], column = 'emb', rowGroupSize = 2): void {
  parquetWriteFile({
    filename: file,
    columnData: [
      { name: 'id', data: ids.map(BigInt) },
      { name: column, data: vectors },
    ],
    schema: [
      { name: 'root', num_children: 2 },
      { name: 'id', type: 'INT64', repetition_type: 'REQUIRED' },
      { name: column, repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'FLOAT', repetition_type: 'OPTIONAL' },
    ],
    rowGroupSize,
  });
}

function writeNeighbours(file: string, ids: number[], lists: number[][]): void {
  parquetWriteFile({
    filename: file,
    columnData: [
      { name: 'id', data: ids.map(BigInt) },
      { name: 'neighbors_id', data: lists.map((l) => l.map(BigInt)) },
    ],
    schema: [
      { name: 'root', num_children: 2 },
      { name: 'id', type: 'INT64', repetition_type: 'REQUIRED' },
      { name: 'neighbors_id', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'INT64', repetition_type: 'OPTIONAL' },
    ],
  });
}

describe('VectorDBBench parquet', () => {
  it('reads train/test/neighbors, metric from a known dataset name, ids kept', async () => {
    const ds = join(dir, 'cohere_small_5');
    await mkdir(ds);
    writeVectors(join(ds, 'train.parquet'), [0, 1, 2, 3, 4], TRAIN);
    writeVectors(join(ds, 'test.parquet'), [10, 11], TEST);
    writeNeighbours(join(ds, 'neighbors.parquet'), [11, 10], [[2, 4], [0, 3]]);
    const d = await readDataset(ds);
    expect(d.format).toBe('vectordbbench');
    expect(d.manifest).toMatchObject({ name: 'cohere_small_5', dims: 3, metric: 'cosine', count: 5, queries: 2 });
    expect(Array.from(d.vectors)).toEqual(TRAIN.flat().map((x) => Math.fround(x)));
    expect(Array.from(d.queryVectors)).toEqual(TEST.flat().map((x) => Math.fround(x)));
    expect(d.queries.map((q) => q.id)).toEqual(['10', '11']);
    // Rows follow test.parquet's order, whatever order neighbors.parquet lists the queries in.
    expect(d.shippedNeighbours).toEqual({ source: 'neighbors.parquet column "neighbors_id"', k: 2, rows: Int32Array.from([0, 3, 2, 4]) });
  });

  it('joins NN-of-M train files in order, maps non-contiguous ids to rows, metric from vectordbbench.json', async () => {
    const ds = join(dir, 'custom');
    await mkdir(ds);
    writeVectors(join(ds, 'train-01-of-02.parquet'), [300, 400], TRAIN.slice(3), 'vec', 1);
    writeVectors(join(ds, 'train-00-of-02.parquet'), [0, 100, 200], TRAIN.slice(0, 3), 'vec');
    writeVectors(join(ds, 'test.parquet'), [0, 1], TEST, 'vec');
    writeNeighbours(join(ds, 'neighbors.parquet'), [0, 1], [[400, 0, 100], [200]]);
    await writeFile(join(ds, 'vectordbbench.json'), JSON.stringify({ metric_type: 'L2', train_col_name: 'vec', test_col_name: 'vec' }));
    const d = await readDataset(ds);
    expect(d.manifest).toMatchObject({ metric: 'l2', count: 5 });
    expect(d.docs.map((x) => x.id)).toEqual(['0', '100', '200', '300', '400']);
    expect(Array.from(d.vectors)).toEqual(TRAIN.flat().map((x) => Math.fround(x)));
    expect(d.shippedNeighbours?.k).toBe(3);
    expect(Array.from(d.shippedNeighbours?.rows ?? [])).toEqual([4, 0, 1, 2, -1, -1]);
  });

  it('asks for the metric when the folder name does not give it', async () => {
    const ds = join(dir, 'mine');
    await mkdir(ds);
    writeVectors(join(ds, 'train.parquet'), [0, 1, 2, 3, 4], TRAIN);
    writeVectors(join(ds, 'test.parquet'), [0, 1], TEST);
    await expect(readDataset(ds)).rejects.toThrow(`${join(ds, 'vectordbbench.json')}:field "metric_type": needed`);
  });

  it('names file, column and row of a vector of the wrong length', async () => {
    const ds = join(dir, 'sift_small');
    await mkdir(ds);
    writeVectors(join(ds, 'train.parquet'), [0, 1, 2, 3, 4], [...TRAIN.slice(0, 4), [1, 2]]);
    writeVectors(join(ds, 'test.parquet'), [0, 1], TEST);
    await expect(readDataset(ds)).rejects.toThrow(`${join(ds, 'train.parquet')}:column "emb" row 4: has 2 values, expected 3`);
  });

  it('rejects a neighbour id that is not in the train files', async () => {
    const ds = join(dir, 'gist_x');
    await mkdir(ds);
    writeVectors(join(ds, 'train.parquet'), [0, 1, 2, 3, 4], TRAIN);
    writeVectors(join(ds, 'test.parquet'), [0, 1], TEST);
    writeNeighbours(join(ds, 'neighbors.parquet'), [0, 1], [[1], [9]]);
    await expect(readDataset(ds)).rejects.toThrow(`${join(ds, 'neighbors.parquet')}:column "neighbors_id" row 1: train id 9 is not in the train files`);
  });
});

describe('BEIR', () => {
  async function writeBeir(ds: string, qrels: string): Promise<void> {
    await mkdir(join(ds, 'qrels'), { recursive: true });
    await writeFile(
      join(ds, 'corpus.jsonl'),
      [
        { _id: 'd1', title: 'Cats', text: 'Cats purr.' },
        { _id: 'd2', title: '', text: 'Dogs bark.' },
        { _id: 'd3', text: 'Birds sing.', metadata: {} },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n') + '\n',
    );
    await writeFile(
      join(ds, 'queries.jsonl'),
      ['{"_id":"q1","text":"what purrs"}', '{"_id":"q2","text":"unjudged"}', '{"_id":"q3","text":"who sings"}'].join('\n') + '\n',
    );
    await writeFile(join(ds, 'qrels', 'test.tsv'), qrels);
    await writeFile(join(ds, 'embeddings.json'), JSON.stringify({ dims: 2, metric: 'ip', model: 'm', package: 'p' }));
    await writeFile(join(ds, 'corpus_vectors.f32'), Buffer.from(Float32Array.from([1, 0, 0, 1, 0.5, 0.5]).buffer));
    await writeFile(join(ds, 'query_vectors.f32'), Buffer.from(Float32Array.from([1, 2, 3, 4, 5, 6]).buffer));
  }

  it('reads corpus, judged queries with their vector rows, and graded qrels', async () => {
    const ds = join(dir, 'scifact');
    await writeBeir(ds, 'query-id\tcorpus-id\tscore\nq1\td1\t2\nq3\td3\t1\nq3\td2\t0\n');
    const d = await readDataset(ds);
    expect(d.format).toBe('beir');
    expect(d.manifest).toMatchObject({ name: 'scifact', dims: 2, metric: 'ip', count: 3, queries: 2, embedding: { model: 'm', package: 'p' } });
    expect(d.docs).toEqual([
      { id: 'd1', document_id: 'd1', text: 'Cats\nCats purr.' },
      { id: 'd2', document_id: 'd2', text: 'Dogs bark.' },
      { id: 'd3', document_id: 'd3', text: 'Birds sing.' },
    ]);
    expect(d.queries).toEqual([
      { id: 'q1', text: 'what purrs' },
      { id: 'q3', text: 'who sings' },
    ]);
    expect(Array.from(d.queryVectors)).toEqual([1, 2, 5, 6]);
    expect(Array.from(d.vectors)).toEqual([1, 0, 0, 1, 0.5, 0.5]);
    expect([...d.qrels].map(([q, m]) => [q, [...m]])).toEqual([
      ['q1', [['d1', 2]]],
      ['q3', [['d3', 1]]],
    ]);
  });

  it('names the qrels line with an unknown corpus id, and a vectors file of the wrong size', async () => {
    const ds = join(dir, 'b');
    await writeBeir(ds, 'query-id\tcorpus-id\tscore\nq1\td9\t1\n');
    await expect(readDataset(ds)).rejects.toThrow(`${join(ds, 'qrels', 'test.tsv')}:2: corpus-id "d9" is not in corpus.jsonl`);
    await writeFile(join(ds, 'corpus_vectors.f32'), Buffer.alloc(20));
    await expect(readDataset(ds)).rejects.toThrow(
      `${join(ds, 'corpus_vectors.f32')}:byte 20: size is 20 bytes, expected 3 × 2 × 4 = 24 (corpus.jsonl lines × dims × 4)`,
    );
  });

  it('names a corpus line with a missing field', async () => {
    const ds = join(dir, 'c');
    await writeBeir(ds, 'q1\td1\t1\n');
    await writeFile(join(ds, 'corpus.jsonl'), '{"_id":"d1","text":"a"}\n{"_id":"d2"}\n{"_id":"d3","text":"c"}\n');
    await expect(readDataset(ds)).rejects.toThrow(`${join(ds, 'corpus.jsonl')}:2: field "text"`);
  });
});
