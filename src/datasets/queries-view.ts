import { createHash } from 'node:crypto';
import type { Dataset } from './dataset.js';

/**
 * `dataset` with only the queries at `indices` (in that order): every doc, so ground truth is
 * still over the whole collection. Its content hash differs, named by `label`, because it keys
 * the ground-truth cache; results name the whole dataset's.
 */
export function queriesView(dataset: Dataset, indices: readonly number[], label: string): Dataset {
  const { dims } = dataset.manifest;
  const queryVectors = new Float32Array(indices.length * dims);
  indices.forEach((qi, j) => queryVectors.set(dataset.queryVectors.subarray(qi * dims, (qi + 1) * dims), j * dims));
  return {
    ...dataset,
    manifest: { ...dataset.manifest, queries: indices.length },
    queries: indices.map((qi) => {
      const query = dataset.queries[qi];
      if (!query) throw new Error(`queriesView: the dataset has no query ${qi}`);
      return query;
    }),
    queryVectors,
    contentHash: createHash('sha256').update(`${dataset.contentHash} ${label}`).digest('hex'),
  };
}
