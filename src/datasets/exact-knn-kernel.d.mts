import type { Metric } from '../adapters/store-adapter.js';

/** Per query, k slots best first: score (-Infinity when empty) and doc row (-1 when empty). */
export interface TopK {
  scores: Float64Array;
  rows: Int32Array;
}

export function scanTopK(
  docs: Float32Array,
  queries: Float32Array,
  dims: number,
  metric: Metric,
  docStart: number,
  docEnd: number,
  k: number,
): TopK;

export function scanTopKRows(
  docs: Float32Array,
  queries: Float32Array,
  dims: number,
  metric: Metric,
  q: number,
  candidates: Int32Array,
  k: number,
): TopK;

export function mergeTopK(parts: readonly TopK[], nq: number, k: number): TopK;
