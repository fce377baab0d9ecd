import type { Dataset } from './dataset.js';
import { exactTopK, type ScanOptions } from './ground-truth.js';
import { scanTopKRows } from './exact-knn-kernel.mjs';
import { seededRandom } from './seeded-random.js';
import { sharedFloat32 } from './shared-floats.js';

export interface NeighbourDisagreement {
  readonly queryId: string;
  /** Shipped neighbours also in the exact top-k, over k. */
  readonly recall: number;
  /** Shipped doc ids outside the exact top-k that are not ties with its k-th score. */
  readonly wrong: readonly string[];
}

export interface NeighbourCheck {
  readonly source: string;
  readonly k: number;
  /** Queries checked (a seeded sample). */
  readonly sampled: number;
  /** Mean over the sample of |shipped ∩ exact| / k, by id. */
  readonly recall: number;
  /** Mean agreement when a shipped neighbour tying the exact k-th score counts as right. */
  readonly agreement: number;
  /** Sampled queries whose shipped list differs from the exact one beyond ties. */
  readonly queriesDisagreeing: number;
  /** The worst few, for the report. */
  readonly worst: readonly NeighbourDisagreement[];
}

/** Relative score difference still called a tie: float32 sums in another library round differently. */
const TIE = 1e-5;

/**
 * Checks a dataset's shipped neighbour lists against the harness's exact ground truth on a seeded
 * sample of queries: shipped lists are someone else's computation (another metric convention, a
 * truncated train set, an approximate search), and recall measured against wrong truth is wrong.
 */
export async function verifyShippedNeighbours(
  dataset: Dataset,
  options: { sample?: number; seed?: number } & ScanOptions = {},
): Promise<NeighbourCheck | undefined> {
  const shipped = dataset.shippedNeighbours;
  if (!shipped) return undefined;
  const { dims, metric } = dataset.manifest;
  const nq = dataset.queries.length;
  const picked = sample(nq, Math.min(nq, options.sample ?? 100), options.seed ?? 1);
  const queryVectors = sharedFloat32(picked.length * dims);
  picked.forEach((q, i) => queryVectors.set(dataset.queryVectors.subarray(q * dims, (q + 1) * dims), i * dims));
  const view: Dataset = {
    ...dataset,
    queries: picked.map((q) => dataset.queries[q] as Dataset['queries'][number]),
    queryVectors,
  };
  const k = shipped.k;
  const exact = await exactTopK(view, k, false, options);

  let recallSum = 0;
  let agreementSum = 0;
  const disagreements: NeighbourDisagreement[] = [];
  picked.forEach((q, i) => {
    const exactRows = new Set(exact.rows.subarray(i * k, (i + 1) * k));
    const kth = exact.scores[i * k + k - 1] as number;
    const list = Array.from(shipped.rows.subarray(q * k, (q + 1) * k)).filter((r) => r >= 0);
    let hits = 0;
    let ties = 0;
    const wrong: string[] = [];
    for (const r of list) {
      if (exactRows.has(r)) {
        hits++;
        continue;
      }
      const s = scanTopKRows(dataset.vectors, queryVectors, dims, metric, i, Int32Array.of(r), 1).scores[0] as number;
      if (s >= kth - TIE * Math.max(1, Math.abs(kth))) ties++;
      else wrong.push((dataset.docs[r] as { id: string }).id);
    }
    recallSum += hits / k;
    agreementSum += (hits + ties) / k;
    if (wrong.length > 0 || list.length < k) {
      disagreements.push({ queryId: (dataset.queries[q] as { id: string }).id, recall: hits / k, wrong });
    }
  });
  disagreements.sort((a, b) => a.recall - b.recall);
  return {
    source: shipped.source,
    k,
    sampled: picked.length,
    recall: recallSum / picked.length,
    agreement: agreementSum / picked.length,
    queriesDisagreeing: disagreements.length,
    worst: disagreements.slice(0, 5),
  };
}

/** `n` distinct indices of [0, total), seeded, ascending. */
function sample(total: number, n: number, seed: number): number[] {
  const random = seededRandom(seed);
  const all = Array.from({ length: total }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (total - i));
    [all[i], all[j]] = [all[j] as number, all[i] as number];
  }
  return all.slice(0, n).sort((a, b) => a - b);
}
