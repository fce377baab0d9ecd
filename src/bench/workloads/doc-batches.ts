import type { Doc } from '../../adapters/store-adapter.js';
import type { Dataset } from '../../datasets/dataset.js';
import { row } from '../../datasets/dataset.js';

/** Docs `from` (inclusive) to `to` (exclusive) as the adapters take them; vectors are views, not copies. */
export function docsOf(dataset: Dataset, from: number, to: number): Doc[] {
  const { dims } = dataset.manifest;
  return dataset.docs.slice(from, to).map((d, i) => ({
    id: d.id,
    documentId: d.document_id,
    text: d.text,
    vector: row(dataset.vectors, dims, from + i),
    ...(d.metadata ? { metadata: d.metadata } : {}),
  }));
}

/**
 * The first `count` docs of the dataset as insert batches of `batchSize`, in dataset order, all
 * at once: for the small sets inserted again and again (`bench kb`). The main insert builds one
 * batch at a time (workloads/insert.ts): a million Doc objects and vector views held together
 * would add about 0.2 GiB to the harness beside a million-vector dataset.
 */
export function docBatches(dataset: Dataset, batchSize: number, count = dataset.docs.length): Doc[][] {
  const batches: Doc[][] = [];
  for (let from = 0; from < count; from += batchSize) batches.push(docsOf(dataset, from, Math.min(from + batchSize, count)));
  return batches;
}
