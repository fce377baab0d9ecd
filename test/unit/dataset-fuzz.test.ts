import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/datasets/dataset-error.js';
import { readDataset } from '../../src/datasets/read-dataset.js';
import { seededRandom } from '../../src/datasets/seeded-random.js';
import { writeSyntheticDataset } from '../../src/datasets/synthetic.js';
import { withTimeout } from '../../src/bench/with-timeout.js';

/**
 * Seeded random corruptions of valid datasets in every format the reader takes. Each read must
 * either succeed (a corruption can leave the data valid: a changed float, a changed letter) or
 * end in a DatasetError that names a file of the dataset; never another exception, never a hang.
 * The count is bounded and the seed fixed, so a failure replays exactly.
 */
const CASES_PER_FILE = 30;
const READ_SECONDS = 10;

type Corruption = (bytes: Buffer, random: () => number) => Buffer;

const at = (n: number, random: () => number): number => Math.floor(random() * n);

const CORRUPTIONS: Record<string, Corruption> = {
  'flip a byte': (b, r) => {
    const out = Buffer.from(b);
    if (out.length > 0) out[at(out.length, r)] = at(256, r);
    return out;
  },
  'flip 8 bytes': (b, r) => {
    const out = Buffer.from(b);
    for (let i = 0; i < 8 && out.length > 0; i++) out[at(out.length, r)] = at(256, r);
    return out;
  },
  truncate: (b, r) => b.subarray(0, at(b.length, r)),
  'drop a range': (b, r) => {
    const start = at(b.length, r);
    return Buffer.concat([b.subarray(0, start), b.subarray(start + 1 + at(64, r))]);
  },
  'duplicate a range': (b, r) => {
    const start = at(b.length, r);
    const end = Math.min(b.length, start + 1 + at(64, r));
    return Buffer.concat([b.subarray(0, end), b.subarray(start, end), b.subarray(end)]);
  },
  'insert garbage': (b, r) => {
    const start = at(b.length, r);
    const junk = Buffer.from(Array.from({ length: 1 + at(16, r) }, () => at(256, r)));
    return Buffer.concat([b.subarray(0, start), junk, b.subarray(start)]);
  },
  'a digit changed': (b, r) => {
    const text = b.toString('latin1');
    const digits = [...text.matchAll(/\d/g)].map((m) => m.index);
    if (digits.length === 0) return b;
    const i = digits[at(digits.length, r)] as number;
    return Buffer.from(text.slice(0, i) + String(at(10, r)) + '9'.repeat(at(12, r)) + text.slice(i + 1), 'latin1');
  },
  emptied: () => Buffer.alloc(0),
};

interface Outcome {
  readonly ok: number;
  readonly rejected: number;
}

/** Copies `source` to `target` with `file` corrupted, reads it, and checks how the read ends. */
async function corruptAndRead(
  source: string,
  target: string,
  file: string,
  corrupt: Corruption,
  random: () => number,
  readPath: (dir: string) => string = (d) => d,
): Promise<'ok' | 'rejected'> {
  await rm(target, { recursive: true, force: true });
  await cp(source, target, { recursive: true });
  await writeFile(join(target, file), corrupt(await readFile(join(source, file)), random));
  try {
    await withTimeout(readDataset(readPath(target)), READ_SECONDS);
    return 'ok';
  } catch (error) {
    // Not a DatasetError (a TypeError, a RangeError, the timeout): the reader let it through.
    if (!(error instanceof DatasetError)) {
      throw new Error(`${file}: ${(error as Error).stack ?? String(error)}`);
    }
    expect(error.message.startsWith(target), error.message).toBe(true);
    return 'rejected';
  }
}

async function fuzz(
  source: string,
  files: readonly string[],
  seed: number,
  readPath?: (dir: string) => string,
): Promise<Record<string, Outcome>> {
  const random = seededRandom(seed);
  const names = Object.keys(CORRUPTIONS);
  const outcomes: Record<string, Outcome> = {};
  for (const file of files) {
    let ok = 0;
    let rejected = 0;
    for (let i = 0; i < CASES_PER_FILE; i++) {
      const name = names[i % names.length] as string;
      const target = join(work, `case-${seed}`);
      const outcome = await corruptAndRead(source, target, file, CORRUPTIONS[name] as Corruption, random, readPath);
      if (outcome === 'ok') ok++;
      else rejected++;
    }
    outcomes[file] = { ok, rejected };
  }
  return outcomes;
}

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vdb-bench-fuzz-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('dataset readers under seeded random corruption', () => {
  it('vdb-bench format: every corruption of every file is read or rejected naming the file', async () => {
    const source = join(work, 'native');
    await writeSyntheticDataset(source, { name: 'fuzz', count: 30, dims: 8, queries: 6, clusters: 3, seed: 5, chunksPerDocument: 5 });
    const files = (await readdir(source)).sort();
    expect(files).toEqual(['dataset.json', 'docs.jsonl', 'qrels.tsv', 'queries.jsonl', 'query_vectors.f32', 'vectors.f32']);
    const outcomes = await fuzz(source, files, 1);
    // Truncation, emptying and dropped ranges break the size or line count of every file: most
    // cases must be rejected, so a reader that accepted anything would fail here.
    for (const [file, o] of Object.entries(outcomes)) {
      expect(o.ok + o.rejected, file).toBe(CASES_PER_FILE);
      expect(o.rejected, file).toBeGreaterThanOrEqual(CASES_PER_FILE / 3);
    }
  }, 120_000);

  it('ann-benchmarks HDF5: every corruption is read or rejected naming the file', async () => {
    const source = join(work, 'hdf5');
    await mkdir(source);
    await h5wasm.ready;
    const f = new h5wasm.File(join(source, 'fuzz.hdf5'), 'w');
    const train = Float32Array.from({ length: 40 * 4 }, (_, i) => Math.sin(i + 1));
    f.create_dataset({ name: 'train', data: train, shape: [40, 4], dtype: '<f' });
    f.create_dataset({ name: 'test', data: train.slice(0, 12), shape: [3, 4], dtype: '<f' });
    f.create_attribute('distance', 'euclidean');
    f.close();
    const outcomes = await fuzz(source, ['fuzz.hdf5'], 2, (d) => join(d, 'fuzz.hdf5'));
    expect(outcomes['fuzz.hdf5']?.rejected).toBeGreaterThanOrEqual(CASES_PER_FILE / 3);
  }, 120_000);

  it('VectorDBBench parquet: every corruption is read or rejected naming the file', async () => {
    const source = join(work, 'parquet');
    await mkdir(source);
    const rows = (n: number, offset: number) => Array.from({ length: n }, (_, i) => [Math.cos(i + offset), Math.sin(i + offset), 1]);
    parquetWriteFile({
      filename: join(source, 'train.parquet'),
      columnData: [
        { name: 'id', data: BigInt64Array.from({ length: 20 }, (_, i) => BigInt(i)) },
        { name: 'emb', data: rows(20, 0) },
      ],
    });
    parquetWriteFile({
      filename: join(source, 'test.parquet'),
      columnData: [
        { name: 'id', data: BigInt64Array.from({ length: 4 }, (_, i) => BigInt(i)) },
        { name: 'emb', data: rows(4, 100) },
      ],
    });
    const outcomes = await fuzz(source, ['train.parquet', 'test.parquet'], 3);
    for (const [file, o] of Object.entries(outcomes)) expect(o.rejected, file).toBeGreaterThanOrEqual(CASES_PER_FILE / 3);
  }, 120_000);

  it('BEIR with embeddings: every corruption of every file is read or rejected naming the file', async () => {
    const source = join(work, 'beir');
    await mkdir(join(source, 'qrels'), { recursive: true });
    await writeFile(join(source, 'corpus.jsonl'), '{"_id":"d1","text":"apple pie"}\n{"_id":"d2","text":"banana"}\n{"_id":"d3","text":"cherry"}\n');
    await writeFile(join(source, 'queries.jsonl'), '{"_id":"q1","text":"apple"}\n{"_id":"q2","text":"cherry"}\n');
    await writeFile(join(source, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t1\n');
    await writeFile(join(source, 'embeddings.json'), JSON.stringify({ dims: 2, metric: 'ip', model: 'm', package: 'p' }));
    await writeFile(join(source, 'corpus_vectors.f32'), Buffer.from(Float32Array.from([1, 0, 0, 1, 0.5, 0.5]).buffer));
    await writeFile(join(source, 'query_vectors.f32'), Buffer.from(Float32Array.from([1, 0.1, 0.2, 1]).buffer));
    const files = ['corpus.jsonl', 'queries.jsonl', join('qrels', 'test.tsv'), 'embeddings.json', 'corpus_vectors.f32', 'query_vectors.f32'];
    const outcomes = await fuzz(source, files, 4);
    for (const [file, o] of Object.entries(outcomes)) expect(o.rejected, file).toBeGreaterThanOrEqual(CASES_PER_FILE / 3);
  }, 120_000);
});
