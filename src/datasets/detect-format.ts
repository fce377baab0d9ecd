import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from './dataset-error.js';

export const DATASET_FORMATS = ['vdb-bench', 'ann-benchmarks', 'vectordbbench', 'beir'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

const HDF5 = /\.(hdf5|h5)$/i;
/** VectorDBBench's train file names: train.parquet, train-00-of-10.parquet, shuffle_train*.parquet. */
export const VECTORDBBENCH_TRAIN = /^(shuffle_)?train(-\d+-of-\d+)?\.parquet$/;

/**
 * Which format `path` holds, from its content alone, so `--dataset` takes any of them:
 * - an .hdf5/.h5 file (or a folder holding exactly one): ann-benchmarks;
 * - a folder with dataset.json: vdb-bench's own format;
 * - a folder with corpus.jsonl and queries.jsonl: BEIR (embeddings beside it, see DATASET_FORMAT.md);
 * - a folder with test.parquet and train parquet files: VectorDBBench.
 * Returns the path the reader should open (the .hdf5 file inside a folder).
 */
export async function detectFormat(path: string): Promise<{ format: DatasetFormat; path: string }> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new DatasetError(path, '', 'no such file or folder');
  if (info.isFile()) {
    if (HDF5.test(path)) return { format: 'ann-benchmarks', path };
    throw new DatasetError(path, '', 'a file dataset must be ann-benchmarks HDF5 (.hdf5 or .h5); other formats are folders');
  }
  const names = new Set(await readdir(path));
  if (names.has('dataset.json')) return { format: 'vdb-bench', path };
  if (names.has('corpus.jsonl') && names.has('queries.jsonl')) return { format: 'beir', path };
  if (names.has('test.parquet') && [...names].some((n) => VECTORDBBENCH_TRAIN.test(n))) return { format: 'vectordbbench', path };
  const hdf5 = [...names].filter((n) => HDF5.test(n));
  if (hdf5.length === 1) return { format: 'ann-benchmarks', path: join(path, hdf5[0] as string) };
  throw new DatasetError(
    path,
    '',
    'no dataset format recognised: expected dataset.json (vdb-bench), an .hdf5 file (ann-benchmarks), ' +
      'corpus.jsonl + queries.jsonl (BEIR), or test.parquet + train*.parquet (VectorDBBench)' +
      (hdf5.length > 1 ? `; found ${hdf5.length} .hdf5 files, name one` : ''),
  );
}
