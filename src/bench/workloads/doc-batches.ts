import type { Doc } from '../../adapters/store-adapter.js';
import type { Dataset } from '../../datasets/dataset.js';
import { row } from '../../datasets/dataset.js';

/**
 * The first `count` docs of the dataset as insert batches of `batchSize`, in dataset order.
 * Built before any clock starts, so only the store's work is timed.
 */
export function docBatches(dataset: Dataset, batchSize: number, count = dataset.docs.length): Doc[][] {
  const { dims } = dataset.manifest;
  const batches: Doc[][] = [];
  for (let from = 0; from < count; from += batchSize) {
    const to = Math.min(from + batchSize, count);
    batches.push(
      dataset.docs.slice(from, to).map((d, i) => ({
        id: d.id,
        documentId: d.document_id,
        text: d.text,
        vector: row(dataset.vectors, dims, from + i),
        ...(d.metadata ? { metadata: d.metadata } : {}),
      })),
    );
  }
  return batches;
}
