import type { Metric } from '../adapters/store-adapter.js';
import { mergeTopK, scanTopKRows, type TopK } from './exact-knn-kernel.mjs';
import { knnModel } from './onnx-knn-model.js';

type Ort = typeof import('onnxruntime-node');

/** Docs per GEMM: 16384 × 768 floats is 48 MiB of input and 1000 × 16384 scores 64 MiB of output. */
const BLOCK_DOCS = 16384;
/**
 * Extra candidates kept per query from the float32 GEMM. Every candidate is rescored in float64 by
 * the same code as the JavaScript path, so the answer is exact unless more than this many docs
 * swap places across the k-th score through float32 rounding alone.
 */
const MARGIN = 16;

let loaded: Promise<Ort | undefined> | undefined;

/** onnxruntime-node if it is installed and loads here (an optional dependency), else undefined. */
export function loadOnnxRuntime(): Promise<Ort | undefined> {
  loaded ??= import('onnxruntime-node').then(
    (m) => ((m as { default?: Ort }).default ?? m) as Ort,
    () => undefined,
  );
  return loaded;
}

/**
 * Exact top-k of every query over every doc via onnxruntime's GEMM (MLAS: AVX2/AVX-512 FMA kernels
 * on `threads` cores), block by block, keeping k + MARGIN candidates per query, then rescoring those
 * in float64 with the JavaScript kernel's formula, so ties and order match the JavaScript path.
 */
export async function onnxTopK(
  ort: Ort,
  docs: Float32Array,
  queries: Float32Array,
  dims: number,
  metric: Metric,
  k: number,
  threads: number,
): Promise<TopK> {
  const nq = queries.length / dims;
  const count = docs.length / dims;
  const keep = k + MARGIN;
  const q = prepareQueries(queries, dims, metric);
  const session = await ort.InferenceSession.create(knnModel(), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // No arena and no memory-pattern planning: the arena keeps its high-water mark for the whole
    // scan, which is RSS the harness then reports as its own beside a million-vector dataset.
    enableCpuMemArena: false,
    enableMemPattern: false,
  });
  try {
    const queryTensor = new ort.Tensor('float32', q, [nq, dims]);
    const block = new Float32Array(Math.min(BLOCK_DOCS, count) * dims);
    const bias = new Float32Array(Math.min(BLOCK_DOCS, count));
    let best: TopK | undefined;
    for (let start = 0; start < count; start += BLOCK_DOCS) {
      const nb = Math.min(BLOCK_DOCS, count - start);
      prepareBlock(docs, dims, metric, start, nb, block, bias);
      const kb = Math.min(keep, nb);
      const out = await session.run({
        Q: queryTensor,
        D: new ort.Tensor('float32', block.subarray(0, nb * dims), [nb, dims]),
        B: new ort.Tensor('float32', bias.subarray(0, nb), [nb]),
        K: new ort.Tensor('int64', BigInt64Array.of(BigInt(kb)), [1]),
      });
      const values = out['V']?.data as Float32Array;
      const indices = out['I']?.data as BigInt64Array;
      const part: TopK = { scores: new Float64Array(nq * keep).fill(-Infinity), rows: new Int32Array(nq * keep).fill(-1) };
      for (let i = 0; i < nq; i++) {
        for (let j = 0; j < kb; j++) {
          part.scores[i * keep + j] = values[i * kb + j] as number;
          part.rows[i * keep + j] = start + Number(indices[i * kb + j]);
        }
      }
      best = best ? mergeTopK([best, part], nq, keep) : part;
    }
    return rescore(best as TopK, docs, queries, dims, metric, nq, keep, k);
  } finally {
    await session.release();
  }
}

/** Cosine: unit queries; l2: 2q (score 2q·d − |d|², the same order as −|q − d|²); ip: as is. */
function prepareQueries(queries: Float32Array, dims: number, metric: Metric): Float32Array {
  const out = new Float32Array(queries.length);
  for (let r = 0; r < queries.length / dims; r++) {
    let norm = 0;
    for (let i = 0; i < dims; i++) norm += (queries[r * dims + i] as number) ** 2;
    const scale = metric === 'cosine' ? 1 / (Math.sqrt(norm) || 1) : metric === 'l2' ? 2 : 1;
    for (let i = 0; i < dims; i++) out[r * dims + i] = (queries[r * dims + i] as number) * scale;
  }
  return out;
}

/** Copies docs [start, start + nb) into `block` (unit rows under cosine) and sets the l2 bias −|d|². */
function prepareBlock(docs: Float32Array, dims: number, metric: Metric, start: number, nb: number, block: Float32Array, bias: Float32Array): void {
  for (let j = 0; j < nb; j++) {
    const o = (start + j) * dims;
    let norm = 0;
    for (let i = 0; i < dims; i++) norm += (docs[o + i] as number) ** 2;
    const scale = metric === 'cosine' ? 1 / (Math.sqrt(norm) || 1) : 1;
    for (let i = 0; i < dims; i++) block[j * dims + i] = (docs[o + i] as number) * scale;
    bias[j] = metric === 'l2' ? -norm : 0;
  }
}

function rescore(candidates: TopK, docs: Float32Array, queries: Float32Array, dims: number, metric: Metric, nq: number, keep: number, k: number): TopK {
  const scores = new Float64Array(nq * k);
  const rows = new Int32Array(nq * k);
  for (let q = 0; q < nq; q++) {
    const rowsOfQuery = Int32Array.from(candidates.rows.subarray(q * keep, (q + 1) * keep).filter((r) => r >= 0));
    const exact = scanTopKRows(docs, queries, dims, metric, q, rowsOfQuery, k);
    scores.set(exact.scores, q * k);
    rows.set(exact.rows, q * k);
  }
  return { scores, rows };
}
