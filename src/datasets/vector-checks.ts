import type { Metric } from '../adapters/store-adapter.js';
import { DatasetError } from './dataset-error.js';

/** Where row r, component c of a vector block sits in its file, for error messages. */
export type Locate = (row: number, component: number) => { file: string; where: string; row?: number };

/**
 * Enforces the format's vector rules on rows [from, to) of `vectors`: every component finite and,
 * under cosine, no zero vector (a store cannot normalise it; the truth would be undefined).
 */
export function checkRows(vectors: Float32Array, dims: number, metric: Metric, from: number, to: number, locate: Locate): void {
  for (let r = from; r < to; r++) {
    const base = r * dims;
    let nonZero = false;
    for (let c = 0; c < dims; c++) {
      const value = vectors[base + c] as number;
      // value - value is NaN for NaN and ±Infinity, 0 otherwise: one test for both.
      if (value - value !== 0) {
        const at = locate(r, c);
        throw new DatasetError(at.file, at.where, `row ${at.row ?? r} has a non-finite component (${value})`);
      }
      if (value !== 0) nonZero = true;
    }
    if (metric === 'cosine' && !nonZero) {
      const at = locate(r, 0);
      throw new DatasetError(at.file, at.where, `row ${at.row ?? r} is a zero vector (metric is cosine)`);
    }
  }
}
