/**
 * Exact ground-truth timing: `npx tsx scripts/ground-truth-bench.ts [--dataset <path>] [--count N]
 * [--dims D] [--queries Q] [--k K] [--engine auto|onnx|js] [--threads T]`.
 * With --dataset it reads the dataset as the harness does (any format) and reports the load time
 * and peak RSS against the raw float32 bytes; without, it scans seeded random vectors. Prints the
 * scan time and multiply-adds per second. Measures; asserts nothing.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { Dataset } from '../src/datasets/dataset.js';
import { exactTopK } from '../src/datasets/ground-truth.js';
import { readDataset } from '../src/datasets/read-dataset.js';
import { seededRandom } from '../src/datasets/seeded-random.js';
import { sharedFloat32 } from '../src/datasets/shared-floats.js';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string' },
    count: { type: 'string', default: '100000' },
    dims: { type: 'string', default: '768' },
    queries: { type: 'string', default: '1000' },
    k: { type: 'string', default: '100' },
    engine: { type: 'string', default: 'auto' },
    threads: { type: 'string', default: String(availableParallelism()) },
  },
});
const engine = values.engine as 'auto' | 'onnx' | 'js';
if (!['auto', 'onnx', 'js'].includes(engine)) throw new Error(`--engine: "${values.engine}" is not auto, onnx or js`);
const k = Number(values.k);
const threads = Number(values.threads);
const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

let dataset: Dataset;
if (values.dataset) {
  const started = performance.now();
  dataset = await readDataset(values.dataset);
  const raw = (dataset.vectors.length + dataset.queryVectors.length) * 4;
  console.log(
    `load ${values.dataset}: ${((performance.now() - started) / 1000).toFixed(1)} s; peak RSS ${gib(peakRss())} = ` +
      `${(peakRss() / raw).toFixed(3)} × raw float32 ${gib(raw)}`,
  );
} else {
  const count = Number(values.count);
  const dims = Number(values.dims);
  const nq = Number(values.queries);
  const random = seededRandom(5);
  const vectors = sharedFloat32(count * dims);
  for (let i = 0; i < vectors.length; i++) vectors[i] = random() - 0.5;
  const queryVectors = sharedFloat32(nq * dims);
  for (let i = 0; i < queryVectors.length; i++) queryVectors[i] = random() - 0.5;
  dataset = {
    dir: '(random)',
    manifest: { name: 'random', version: 1, dims, metric: 'cosine', count, queries: nq, language: 'und', description: '', license: '', source: '' },
    docs: Array.from({ length: count }, (_, i) => ({ id: String(i), document_id: String(i), text: '' })),
    vectors,
    queries: Array.from({ length: nq }, (_, i) => ({ id: `q${i}`, text: '' })),
    queryVectors,
    qrels: new Map(),
    contentHash: '0'.repeat(64),
  };
}
const { count, dims, queries, metric } = dataset.manifest;
const started = performance.now();
await exactTopK(dataset, k, false, { engine, threads });
const seconds = (performance.now() - started) / 1000;
console.log(
  `ground truth ${queries} queries × ${count} docs × ${dims} dims (${metric}), k=${k}, engine ${engine}, ${threads} threads: ` +
    `${seconds.toFixed(1)} s, ${((queries * count * dims) / seconds / 1e9).toFixed(2)} G multiply-adds/s; peak RSS ${gib(peakRss())}`,
);
