import { readAnnBenchmarks } from './ann-benchmarks-reader.js';
import { readBeir } from './beir-reader.js';
import type { Dataset } from './dataset.js';
import { asDatasetError } from './dataset-error.js';
import { detectFormat, type DatasetFormat } from './detect-format.js';
import { readNativeDataset } from './native-reader.js';
import { readVectorDbBench } from './vectordbbench-reader.js';

const READERS: Record<DatasetFormat, (path: string) => Promise<Dataset>> = {
  'vdb-bench': readNativeDataset,
  'ann-benchmarks': readAnnBenchmarks,
  vectordbbench: readVectorDbBench,
  beir: readBeir,
};

/**
 * Reads a dataset in any supported format, picked from the path's content (detectFormat), and
 * enforces its rules, failing with a DatasetError that names the file and line, field or offset.
 */
export async function readDataset(path: string): Promise<Dataset> {
  try {
    const { format, path: target } = await detectFormat(path);
    return await READERS[format](target);
  } catch (error) {
    throw asDatasetError(error, path);
  }
}
