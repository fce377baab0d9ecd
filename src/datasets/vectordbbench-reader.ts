import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import type { Metric } from '../adapters/store-adapter.js';
import { DatasetError, absentAsUndefined } from './dataset-error.js';
import type { Dataset, ShippedNeighbours } from './dataset.js';
import { VECTORDBBENCH_TRAIN } from './detect-format.js';
import {
  firstListLength,
  forEachRowRange,
  hashFileInto,
  openParquet,
  readIdColumn,
  readVectorColumnInto,
  requireColumn,
  toSafeInteger,
  type ParquetFile,
} from './parquet-vectors.js';
import { sharedFloat32 } from './shared-floats.js';

/**
 * vectordbbench.json: optional, VectorDBBench's own custom-dataset `dataset_config` (the object a
 * user already wrote for VectorDBBench), for folders whose names or columns differ from the
 * defaults, and for the metric, which VectorDBBench's parquet files do not record.
 */
export const SIDECAR = 'vectordbbench.json';
const sidecarSchema = z.looseObject({
  metric_type: z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(['cosine', 'l2', 'ip']))
    .optional(),
  train_name: z.string().min(1).optional(),
  test_name: z.string().min(1).optional(),
  gt_name: z.string().min(1).optional(),
  train_id_name: z.string().min(1).optional(),
  train_col_name: z.string().min(1).optional(),
  test_col_name: z.string().min(1).optional(),
  gt_col_name: z.string().min(1).optional(),
  file_count: z.number().int().positive().optional(),
});
type Sidecar = z.infer<typeof sidecarSchema>;

/** VectorDBBench's built-in datasets and their metrics (backend/dataset.py), by folder-name prefix. */
const KNOWN_METRICS: ReadonlyArray<[RegExp, Metric]> = [
  [/^(cohere|openai|glove|bioasq)/i, 'cosine'],
  [/^(sift|gist|laion)/i, 'l2'],
];

/**
 * Reads VectorDBBench's parquet layout: train.parquet or train-NN-of-M.parquet (shuffle_ prefix
 * too) with columns id, emb; test.parquet with id, emb; neighbors.parquet with id, neighbors_id
 * (train ids, best first), kept as shipped neighbours to verify. Train ids become doc ids (each its
 * own Dify document, no text); test ids become query ids.
 */
export async function readVectorDbBench(path: string): Promise<Dataset> {
  const dir = resolve(path);
  const hash = createHash('sha256');
  const sidecar = await readSidecar(dir);
  const metric = sidecar.metric_type ?? KNOWN_METRICS.find(([re]) => re.test(basename(dir)))?.[1];
  if (!metric) {
    throw new DatasetError(
      join(dir, SIDECAR),
      'field "metric_type"',
      'needed: VectorDBBench parquet files do not record their metric and the folder name is not one of its datasets',
    );
  }
  const trainNames = await trainFiles(dir, sidecar);
  const idColumn = sidecar.train_id_name ?? 'id';
  const trainColumn = sidecar.train_col_name ?? 'emb';
  const testColumn = sidecar.test_col_name ?? 'emb';

  const trains: ParquetFile[] = [];
  for (const name of trainNames) trains.push(await openParquet(join(dir, name)));
  const count = trains.reduce((n, p) => n + p.rows, 0);
  const first = trains[0] as ParquetFile;
  const dims = await firstListLength(first, trainColumn);
  const vectors = sharedFloat32(count * dims);
  const trainIds = new Float64Array(count);
  let offset = 0;
  for (const p of trains) {
    await hashFileInto(p.file, hash);
    trainIds.set(await readIdColumn(p, idColumn), offset);
    await readVectorColumnInto(p, trainColumn, metric, dims, vectors, offset);
    offset += p.rows;
  }

  const testFile = join(dir, `${sidecar.test_name ?? 'test'}.parquet`);
  const test = await openParquet(testFile);
  await hashFileInto(testFile, hash);
  const testDims = await firstListLength(test, testColumn);
  if (testDims !== dims) throw new DatasetError(testFile, `column "${testColumn}"`, `has ${testDims} dims but the train files have ${dims}`);
  const queryVectors = sharedFloat32(test.rows * dims);
  await readVectorColumnInto(test, testColumn, metric, dims, queryVectors, 0);
  const testIds = await readIdColumn(test, 'id');

  const docs = uniqueIds(trainIds, trains, idColumn).map((id) => ({ id, document_id: id, text: '' }));
  const queries = uniqueIds(testIds, [test], 'id').map((id) => ({ id, text: '' }));

  const gtFile = join(dir, `${sidecar.gt_name ?? 'neighbors'}.parquet`);
  const gtNames = new Set(await readdir(dir));
  let shippedNeighbours: ShippedNeighbours | undefined;
  if (gtNames.has(basename(gtFile))) {
    await hashFileInto(gtFile, hash);
    shippedNeighbours = await readNeighbours(gtFile, sidecar.gt_col_name ?? 'neighbors_id', trainIds, testIds);
  }

  return {
    dir,
    manifest: {
      name: basename(dir),
      version: 1,
      dims,
      metric,
      count,
      queries: test.rows,
      language: 'und',
      description: `VectorDBBench parquet ${trainNames.join(', ')}: vectors only, no text (full-text workloads have nothing to find)`,
      license: 'see the dataset source',
      source: `VectorDBBench parquet ${dir}`,
    },
    docs,
    vectors,
    queries,
    queryVectors,
    qrels: new Map(),
    contentHash: hash.digest('hex'),
    format: 'vectordbbench',
    ...(shippedNeighbours ? { shippedNeighbours } : {}),
    groundTruthDir: join(dir, '.ground-truth'),
  };
}

async function readSidecar(dir: string): Promise<Sidecar> {
  const file = join(dir, SIDECAR);
  const text = await readFile(file, 'utf8').catch(absentAsUndefined(file));
  if (text === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DatasetError(file, '', `not valid JSON (${(error as Error).message})`);
  }
  const parsed = sidecarSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DatasetError(file, '', `field "${issue?.path.join('.')}": ${issue?.message}`);
  }
  return parsed.data;
}

/** VectorDBBench's compose_train_files, or a custom dataset's comma-separated train_name. */
async function trainFiles(dir: string, sidecar: Sidecar): Promise<string[]> {
  const names = await readdir(dir);
  if (sidecar.train_name) {
    const wanted = sidecar.train_name.split(',').map((n) => `${n.trim()}.parquet`);
    for (const name of wanted) {
      if (!names.includes(name)) throw new DatasetError(join(dir, SIDECAR), 'field "train_name"', `${join(dir, name)} is missing`);
    }
    return wanted;
  }
  const train = names.filter((n) => VECTORDBBENCH_TRAIN.test(n));
  // Both plain and shuffled copies may sit side by side; they hold the same rows, so read one set.
  const plain = train.filter((n) => !n.startsWith('shuffle_'));
  const chosen = (plain.length ? plain : train).sort();
  const parts = chosen.map((n) => /-(\d+)-of-(\d+)\.parquet$/.exec(n));
  if (parts.some((m) => m)) {
    const total = Number(parts.find((m) => m)?.[2]);
    if (chosen.length !== total || parts.some((m, i) => !m || Number(m[1]) !== i || Number(m[2]) !== total)) {
      throw new DatasetError(dir, '', `train files ${chosen.join(', ')} are not a complete NN-of-${total} set`);
    }
  }
  return chosen;
}

function uniqueIds(ids: Float64Array, files: readonly ParquetFile[], column: string): string[] {
  const seen = new Set<number>();
  const out: string[] = new Array<string>(ids.length);
  let fileIndex = 0;
  let fileStart = 0;
  for (let i = 0; i < ids.length; i++) {
    while (i >= fileStart + (files[fileIndex]?.rows ?? Infinity)) fileStart += (files[fileIndex++] as ParquetFile).rows;
    const id = ids[i] as number;
    if (seen.has(id)) throw new DatasetError(files[fileIndex]?.file ?? '', `column "${column}" row ${i - fileStart}`, `duplicate id ${id}`);
    seen.add(id);
    out[i] = String(id);
  }
  return out;
}

/** neighbors.parquet: per query id, the train ids nearest first; mapped to train rows. */
async function readNeighbours(file: string, column: string, trainIds: Float64Array, testIds: Float64Array): Promise<ShippedNeighbours> {
  const p = await openParquet(file);
  requireColumn(p, 'id');
  requireColumn(p, column);
  // Ids are usually 0..n-1 in order; then a row is its id and no map is needed.
  const identity = trainIds.every((id, i) => id === i);
  const trainRow = identity ? undefined : new Map(Array.from(trainIds, (id, i) => [id, i]));
  const queryRow = new Map(Array.from(testIds, (id, i) => [id, i]));
  const lists: Array<Int32Array | undefined> = new Array(testIds.length);
  let k = 0;
  await forEachRowRange(p, ['id', column], (start, end, data) => {
    const ids = data.get('id') as ArrayLike<unknown>;
    const neighbours = data.get(column) as ArrayLike<unknown>;
    for (let r = start; r < end; r++) {
      const queryId = toSafeInteger(file, 'id', r, ids[r - start]);
      const q = queryRow.get(queryId);
      if (q === undefined) throw new DatasetError(file, `column "id" row ${r}`, `query id ${queryId} is not in test.parquet`);
      const list = neighbours[r - start];
      if (!Array.isArray(list) && !ArrayBuffer.isView(list)) throw new DatasetError(file, `column "${column}" row ${r}`, 'is not a list of ids');
      const values = list as ArrayLike<unknown>;
      const rows = new Int32Array(values.length);
      for (let j = 0; j < values.length; j++) {
        const id = toSafeInteger(file, column, r, values[j]);
        const row = trainRow ? trainRow.get(id) : id >= 0 && id < trainIds.length ? id : undefined;
        if (row === undefined) throw new DatasetError(file, `column "${column}" row ${r}`, `train id ${id} is not in the train files`);
        rows[j] = row;
      }
      lists[q] = rows;
      k = Math.max(k, rows.length);
    }
  });
  const rows = new Int32Array(testIds.length * k).fill(-1);
  lists.forEach((list, q) => list && rows.set(list, q * k));
  return { source: `${basename(file)} column "${column}"`, k, rows };
}
