import type { DatasetManifest, DocRecord, QueryRecord } from './dataset-manifest.js';

/** A dataset read and validated in full; everything inside the harness trusts these types. */
export interface Dataset {
  readonly dir: string;
  readonly manifest: DatasetManifest;
  readonly docs: readonly DocRecord[];
  /** count × dims, row-major. */
  readonly vectors: Float32Array;
  readonly queries: readonly QueryRecord[];
  /** queries × dims, row-major. */
  readonly queryVectors: Float32Array;
  /** query id → (doc id → relevance ≥ 1); empty when the dataset has no qrels.tsv. */
  readonly qrels: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** sha256 over every file of the dataset, so results name exactly the data they measured. */
  readonly contentHash: string;
}

export function row(matrix: Float32Array, dims: number, i: number): Float32Array {
  return matrix.subarray(i * dims, (i + 1) * dims);
}
