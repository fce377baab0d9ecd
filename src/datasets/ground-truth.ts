import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Dataset } from './dataset.js';
import { mergeTopK, scanTopK, scanTopKRows, type TopK } from './exact-knn-kernel.mjs';
import { loadOnnxRuntime, onnxTopK } from './onnx-knn.js';
import { sharedFloat32 } from './shared-floats.js';

/** Exact top-k doc ids per query (in query order), by brute force under the dataset's metric. */
export type GroundTruth = readonly (readonly string[])[];

/** Below this many multiply-adds one thread is done before workers would have started. */
const WORKER_THRESHOLD = 2e8;

/**
 * Ground truth is computed for at least this many neighbours and sliced: a run asks for k = 4 and
 * then k = 10, and one scan of a million vectors serves both (the top 4 are the top 10's first 4).
 */
const COMPUTED_K = 100;

/** Answers already computed in this process, per dataset object. */
const memo = new WeakMap<Dataset, Map<string, Promise<string[][]>>>();

/**
 * Exact nearest neighbours for every query. With `filtered`, a query with document_ids is
 * answered only from those documents' chunks, as a store's filtered search must be. Cached beside the dataset,
 * keyed by the content hash (vectors, docs and queries: the filter changes the answer) and k.
 */
export async function groundTruth(dataset: Dataset, k: number, filtered: boolean): Promise<GroundTruth> {
  const computedK = Math.max(k, COMPUTED_K);
  const mode = filtered ? 'filtered' : 'all';
  let forDataset = memo.get(dataset);
  if (!forDataset) memo.set(dataset, (forDataset = new Map()));
  const key = `${mode}-${computedK}`;
  let answer = forDataset.get(key);
  if (!answer) forDataset.set(key, (answer = cachedGroundTruth(dataset, computedK, filtered)));
  return (await answer).map((ids) => ids.slice(0, k));
}

async function cachedGroundTruth(dataset: Dataset, k: number, filtered: boolean): Promise<string[][]> {
  const cacheDir = dataset.groundTruthDir ?? join(dataset.dir, '.ground-truth');
  const mode = filtered ? 'filtered' : 'all';
  const cacheFile = join(cacheDir, `${dataset.contentHash.slice(0, 16)}-k${k}-${mode}.json`);
  const cached = await readFile(cacheFile, 'utf8').then(
    (text) => JSON.parse(text) as { hash: string; k: number; ids: string[][] },
    () => undefined,
  );
  if (cached && cached.hash === dataset.contentHash && cached.k === k) return cached.ids;
  const ids = idsOf(dataset, await exactTopK(dataset, k, filtered), k);
  try {
    await mkdir(cacheDir, { recursive: true });
    await writeFile(`${cacheFile}.tmp`, JSON.stringify({ hash: dataset.contentHash, k, ids }));
    await rename(`${cacheFile}.tmp`, cacheFile);
  } catch {
    // A read-only dataset folder only costs a recomputation next time.
  }
  return ids;
}

/** The same answer on the calling thread, for small datasets and tests. */
export function computeGroundTruth(dataset: Dataset, k: number, filtered: boolean): string[][] {
  const { dims, metric } = dataset.manifest;
  const nq = dataset.queries.length;
  const filters = filtered ? filteredQueries(dataset) : new Map<number, Int32Array>();
  const open = openQueries(nq, filters);
  const all = scanTopK(dataset.vectors, gather(dataset.queryVectors, dims, open, false), dims, metric, 0, dataset.docs.length, k);
  return idsOf(dataset, assemble(dataset, all, open, filters, k), k);
}

/**
 * Exact top-k rows and scores for every query. Large scans go to onnxruntime's GEMM when it is
 * installed (see onnx-knn.ts), otherwise split the docs into one range per core, each scanned by
 * a worker thread over the same shared memory, then merged. Both give the same rows.
 */
export async function exactTopK(dataset: Dataset, k: number, filtered: boolean, options: ScanOptions = {}): Promise<TopK> {
  const threads = options.threads ?? availableParallelism();
  const threshold = options.workPerThread ?? WORKER_THRESHOLD;
  const { dims, metric } = dataset.manifest;
  const nq = dataset.queries.length;
  const count = dataset.docs.length;
  const filters = filtered ? filteredQueries(dataset) : new Map<number, Int32Array>();
  const open = openQueries(nq, filters);
  const work = open.length * count * dims;
  const workers = Math.max(1, Math.min(threads, Math.ceil(work / threshold)));
  const engine = options.engine ?? 'auto';
  const ort = engine === 'js' || (engine === 'auto' && workers === 1) || open.length === 0 ? undefined : await loadOnnxRuntime();
  if (engine === 'onnx' && !ort) throw new Error('ground truth: onnxruntime-node is not installed or does not load here (engine "onnx")');
  let all: TopK;
  if (ort) {
    all = await onnxTopK(ort, dataset.vectors, gather(dataset.queryVectors, dims, open, false), dims, metric, k, threads);
  } else if (workers === 1 || open.length === 0) {
    all = scanTopK(dataset.vectors, gather(dataset.queryVectors, dims, open, false), dims, metric, 0, count, k);
  } else {
    const docs = dataset.vectors.buffer instanceof SharedArrayBuffer ? dataset.vectors : copyShared(dataset.vectors);
    const queries = gather(dataset.queryVectors, dims, open, true);
    const parts = await Promise.all(
      Array.from({ length: workers }, (_, w) =>
        scanInWorker({
          docs,
          queries,
          dims,
          metric,
          docStart: Math.floor((count * w) / workers),
          docEnd: Math.floor((count * (w + 1)) / workers),
          k,
        }),
      ),
    );
    all = mergeTopK(parts, open.length, k);
  }
  return assemble(dataset, all, open, filters, k);
}

export interface ScanOptions {
  /** Worker threads at most (default: the cores available). */
  readonly threads?: number;
  /** Multiply-adds that justify one more thread (tests lower it to exercise the workers). */
  readonly workPerThread?: number;
  /**
   * 'auto' (default): onnxruntime's GEMM for scans big enough to need more than one thread when
   * onnxruntime-node loads, else worker threads; 'onnx' or 'js' force one.
   */
  readonly engine?: 'auto' | 'onnx' | 'js';
}

interface ScanJob {
  docs: Float32Array;
  queries: Float32Array;
  dims: number;
  metric: string;
  docStart: number;
  docEnd: number;
  k: number;
}

function scanInWorker(job: ScanJob): Promise<TopK> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./exact-knn-worker.mjs', import.meta.url));
    worker.once('message', (result: TopK) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`ground-truth worker exited with code ${code}`));
    });
    worker.postMessage(job);
  });
}

/** Query index → the doc rows its document_ids allow (only queries that have a filter). */
function filteredQueries(dataset: Dataset): Map<number, Int32Array> {
  const rowsByDocument = new Map<string, number[]>();
  dataset.docs.forEach((d, i) => {
    const rows = rowsByDocument.get(d.document_id);
    if (rows) rows.push(i);
    else rowsByDocument.set(d.document_id, [i]);
  });
  const filters = new Map<number, Int32Array>();
  dataset.queries.forEach((q, qi) => {
    if (!q.document_ids) return;
    const rows = q.document_ids.flatMap((id) => rowsByDocument.get(id) ?? []).sort((a, b) => a - b);
    filters.set(qi, Int32Array.from(rows));
  });
  return filters;
}

function openQueries(nq: number, filters: ReadonlyMap<number, Int32Array>): number[] {
  return Array.from({ length: nq }, (_, q) => q).filter((q) => !filters.has(q));
}

function gather(matrix: Float32Array, dims: number, rows: readonly number[], shared: boolean): Float32Array {
  const out = shared ? sharedFloat32(rows.length * dims) : new Float32Array(rows.length * dims);
  rows.forEach((r, i) => out.set(matrix.subarray(r * dims, (r + 1) * dims), i * dims));
  return out;
}

function copyShared(m: Float32Array): Float32Array {
  const out = sharedFloat32(m.length);
  out.set(m);
  return out;
}

/** Puts the open queries' results and the filtered queries' (scanned here: few candidates) in query order. */
function assemble(dataset: Dataset, open: TopK, openRows: readonly number[], filters: ReadonlyMap<number, Int32Array>, k: number): TopK {
  const { dims, metric } = dataset.manifest;
  const nq = dataset.queries.length;
  const scores = new Float64Array(nq * k);
  const rows = new Int32Array(nq * k);
  openRows.forEach((q, i) => {
    scores.set(open.scores.subarray(i * k, (i + 1) * k), q * k);
    rows.set(open.rows.subarray(i * k, (i + 1) * k), q * k);
  });
  for (const [q, candidates] of filters) {
    const one = scanTopKRows(dataset.vectors, dataset.queryVectors, dims, metric, q, candidates, k);
    scores.set(one.scores, q * k);
    rows.set(one.rows, q * k);
  }
  return { scores, rows };
}

function idsOf(dataset: Dataset, top: TopK, k: number): string[][] {
  return dataset.queries.map((_, q) => {
    const ids: string[] = [];
    for (let j = 0; j < k; j++) {
      const row = top.rows[q * k + j] as number;
      if (row >= 0) ids.push((dataset.docs[row] as { id: string }).id);
    }
    return ids;
  });
}
