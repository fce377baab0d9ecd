import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type H5 from 'h5wasm/node';
import { z } from 'zod';
import type { Metric } from '../adapters/store-adapter.js';
import { DatasetError } from './dataset-error.js';
import type { Dataset, ShippedNeighbours } from './dataset.js';
import { sharedFloat32 } from './shared-floats.js';
import { checkRows } from './vector-checks.js';

/** ann-benchmarks' `distance` attribute → the harness's metric (binary metrics have no store here). */
const distanceSchema = z.enum(['angular', 'cosine', 'euclidean', 'l2', 'dot', 'ip', 'inner_product']);
const METRIC: Record<z.infer<typeof distanceSchema>, Metric> = {
  angular: 'cosine',
  cosine: 'cosine',
  euclidean: 'l2',
  l2: 'l2',
  dot: 'ip',
  ip: 'ip',
  inner_product: 'ip',
};

/** Rows per slice read from the file: about 16 MiB, so HDF5's WASM heap stays small. */
const SLICE_BYTES = 16 << 20;

/**
 * Reads an ann-benchmarks HDF5 file (datasets train, test, neighbors, distances; attribute
 * `distance`) into a Dataset: train rows become docs "0".."n-1" (each its own Dify document, no
 * text), test rows become queries, and `neighbors` is kept as shipped neighbours to verify
 * against exact ground truth. Vectors are read in slices straight into shared memory.
 */
export async function readAnnBenchmarks(path: string): Promise<Dataset> {
  const file = resolve(path);
  // HDF5's C library, handed a file that is not HDF5, prints pages of diagnostics and h5wasm then
  // fails on an unrelated error: check the signature first and say plainly what is wrong.
  if (!(await hasHdf5Signature(file))) throw new DatasetError(file, '', 'not an HDF5 file (no HDF5 signature)');
  // Loaded only for HDF5 input: importing h5wasm through tsx costs ~800 MB of RSS (its WASM build
  // is a large module), which every run on any other format would otherwise pay.
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  let h5: InstanceType<typeof h5wasm.File>;
  try {
    h5 = new h5wasm.File(file, 'r');
  } catch (error) {
    throw new DatasetError(file, '', `cannot be opened as HDF5 (${(error as Error).message})`);
  }
  try {
    return await readOpened(file, h5, h5wasm);
  } catch (error) {
    // A damaged file opens (its superblock is fine) and then fails inside HDF5 on whatever it
    // reads first; that error names no file, so wrap it in one that does.
    if (error instanceof DatasetError) throw error;
    throw new DatasetError(file, '', `damaged: HDF5 could not read it (${(error as Error).message})`);
  } finally {
    try {
      h5.close();
    } catch {
      // A damaged file may fail to close too; nothing is left to release.
    }
  }
}

async function readOpened(file: string, h5: H5File, h5wasm: H5wasm): Promise<Dataset> {
  {
    const metric = readMetric(file, h5);
    const matrix = matrixReader(h5wasm);
    const train = matrix(file, h5, 'train', 'float');
    const test = matrix(file, h5, 'test', 'float');
    if (test.cols !== train.cols) {
      throw new DatasetError(file, 'dataset "test"', `has ${test.cols} columns but "train" has ${train.cols}`);
    }
    const dims = train.cols;
    const vectors = readFloats(file, train, metric);
    const queryVectors = readFloats(file, test, metric);
    const shippedNeighbours = h5.keys().includes('neighbors') ? readNeighbours(file, matrix(file, h5, 'neighbors', 'int'), test.rows, train.rows) : undefined;
    const docs = Array.from({ length: train.rows }, (_, i) => {
      const id = String(i);
      return { id, document_id: id, text: '' };
    });
    const queries = Array.from({ length: test.rows }, (_, i) => ({ id: `q${i}`, text: '' }));
    const name = basename(file).replace(/\.(hdf5|h5)$/i, '');
    return {
      dir: file,
      manifest: {
        name,
        version: 1,
        dims,
        metric,
        count: train.rows,
        queries: test.rows,
        language: 'und',
        description: `ann-benchmarks ${basename(file)}: vectors only, no text (full-text workloads have nothing to find)`,
        license: 'see the dataset source',
        source: `ann-benchmarks HDF5 ${file}`,
      },
      docs,
      vectors,
      queries,
      queryVectors,
      qrels: new Map(),
      contentHash: await hashFile(file, createHash('sha256')),
      format: 'ann-benchmarks',
      ...(shippedNeighbours ? { shippedNeighbours } : {}),
      groundTruthDir: join(dirname(file), '.ground-truth'),
    };
  }
}

type H5wasm = typeof H5;
type H5File = InstanceType<H5wasm['File']>;

interface Matrix {
  readonly name: string;
  readonly node: InstanceType<H5wasm['Dataset']>;
  readonly rows: number;
  readonly cols: number;
}

function readMetric(file: string, h5: H5File): Metric {
  if (!Object.keys(h5.attrs).includes('distance')) {
    throw new DatasetError(file, 'attribute "distance"', 'missing (ann-benchmarks files name their metric there)');
  }
  const raw = h5.get_attribute('distance', true);
  const parsed = distanceSchema.safeParse(typeof raw === 'string' ? raw.toLowerCase() : raw);
  if (!parsed.success) {
    throw new DatasetError(file, 'attribute "distance"', `"${String(raw)}" is not supported (angular, euclidean or dot)`);
  }
  return METRIC[parsed.data];
}

/** A 2-D dataset of the given kind (H5T_INTEGER = 0, H5T_FLOAT = 1), checked before any read. */
function matrixReader(h5wasm: H5wasm) {
  return (file: string, h5: H5File, name: string, kind: 'float' | 'int'): Matrix => {
    const node = h5.get(name);
    if (!(node instanceof h5wasm.Dataset)) {
      throw new DatasetError(file, `dataset "${name}"`, 'missing (ann-benchmarks files hold train, test, neighbors, distances)');
    }
    const shape = node.shape;
    if (!shape || shape.length !== 2 || !shape.every((n) => n > 0)) {
      throw new DatasetError(file, `dataset "${name}"`, `shape ${JSON.stringify(shape)} is not rows × columns`);
    }
    const meta = node.metadata;
    const ok = kind === 'float' ? meta.type === 1 && (meta.size === 4 || meta.size === 8) : meta.type === 0 && meta.size <= 8;
    if (!ok) throw new DatasetError(file, `dataset "${name}"`, `type ${String(node.dtype)} is not ${kind === 'float' ? 'float32/float64' : 'an integer'}`);
    return { name, node, rows: shape[0] as number, cols: shape[1] as number };
  };
}

function readFloats(file: string, m: Matrix, metric: Metric): Float32Array {
  const out = sharedFloat32(m.rows * m.cols);
  const step = Math.max(1, Math.floor(SLICE_BYTES / (m.cols * 8)));
  for (let start = 0; start < m.rows; start += step) {
    const end = Math.min(m.rows, start + step);
    const block = m.node.slice([[start, end]]);
    if (!(block instanceof Float32Array || block instanceof Float64Array) || block.length !== (end - start) * m.cols) {
      throw new DatasetError(file, `dataset "${m.name}" rows ${start}-${end}`, 'did not read as floats');
    }
    out.set(block, start * m.cols);
    checkRows(out, m.cols, metric, start, end, (r, c) => ({ file, where: `dataset "${m.name}" row ${r} column ${c}` }));
  }
  return out;
}

function readNeighbours(file: string, m: Matrix, queries: number, docs: number): ShippedNeighbours {
  if (m.rows !== queries) {
    throw new DatasetError(file, 'dataset "neighbors"', `has ${m.rows} rows but "test" has ${queries}`);
  }
  const raw = m.node.value;
  if (!ArrayBuffer.isView(raw) || raw instanceof DataView) throw new DatasetError(file, 'dataset "neighbors"', 'did not read as integers');
  const values = raw as ArrayLike<number | bigint>;
  const rows = new Int32Array(m.rows * m.cols);
  for (let i = 0; i < rows.length; i++) {
    const v = Number(values[i]);
    if (!Number.isInteger(v) || v < -1 || v >= docs) {
      throw new DatasetError(file, `dataset "neighbors" row ${Math.floor(i / m.cols)} column ${i % m.cols}`, `${v} is not a train row (0..${docs - 1})`);
    }
    rows[i] = v;
  }
  return { source: `${basename(file)} dataset "neighbors"`, k: m.cols, rows };
}

/** The 8-byte signature HDF5 puts at offset 0, 512, 1024 or 2048 (a user block may precede it). */
async function hasHdf5Signature(file: string): Promise<boolean> {
  const signature = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(2048 + 8);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return [0, 512, 1024, 2048].some((at) => at + 8 <= bytesRead && head.subarray(at, at + 8).equals(signature));
  } finally {
    await handle.close();
  }
}

async function hashFile(file: string, hash: Hash): Promise<string> {
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}
