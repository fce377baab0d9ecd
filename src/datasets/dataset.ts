import type { DatasetManifest, DocRecord, QueryRecord } from './dataset-manifest.js';
import type { DatasetFormat } from './detect-format.js';

/** A dataset read and validated in full; everything inside the harness trusts these types. */
export interface Dataset {
  /** The path given to --dataset: a folder, or an .hdf5 file. */
  readonly dir: string;
  readonly manifest: DatasetManifest;
  readonly docs: readonly DocRecord[];
  /** count × dims, row-major (a SharedArrayBuffer when a reader made it, so workers share it). */
  readonly vectors: Float32Array;
  readonly queries: readonly QueryRecord[];
  /** queries × dims, row-major. */
  readonly queryVectors: Float32Array;
  /** query id → (doc id → relevance ≥ 1); empty when the dataset has no qrels.tsv. */
  readonly qrels: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** sha256 over every file of the dataset, so results name exactly the data they measured. */
  readonly contentHash: string;
  /** Which on-disk format it was read from; absent means vdb-bench's own. */
  readonly format?: DatasetFormat;
  /** Nearest-neighbour lists the dataset shipped (ann-benchmarks, VectorDBBench), to verify, never to trust. */
  readonly shippedNeighbours?: ShippedNeighbours;
  /** Where exact ground truth is cached; default `<dir>/.ground-truth`. */
  readonly groundTruthDir?: string;
}

/** Per query, the doc rows a dataset claims are nearest, best first; -1 pads a short list. */
export interface ShippedNeighbours {
  /** Where they came from, e.g. "glove-25-angular.hdf5 dataset \"neighbors\"". */
  readonly source: string;
  /** Neighbours per query. */
  readonly k: number;
  /** queries × k doc row indices. */
  readonly rows: Int32Array;
}

export function row(matrix: Float32Array, dims: number, i: number): Float32Array {
  return matrix.subarray(i * dims, (i + 1) * dims);
}
