import type { Doc } from '../../adapters/store-adapter.js';
import { row } from '../../datasets/dataset.js';
import { LatencyRecorder } from '../metrics/latency-recorder.js';
import type { InsertResult } from '../results/results-schema.js';
import { timed } from '../timer.js';
import type { WorkloadContext } from './workload-context.js';

/** Every doc of the dataset in batches, in dataset order; then the wait until all are searchable. */
export async function runInsert(ctx: WorkloadContext): Promise<InsertResult> {
  const { adapter, dataset, config, progress } = ctx;
  const { dims } = dataset.manifest;
  // Batches are built before the clock starts: only the store's work is timed.
  const batches: Doc[][] = [];
  for (let start = 0; start < dataset.docs.length; start += config.batchSize) {
    batches.push(
      dataset.docs.slice(start, start + config.batchSize).map((d, i) => ({
        id: d.id,
        documentId: d.document_id,
        text: d.text,
        vector: row(dataset.vectors, dims, start + i),
        ...(d.metadata ? { metadata: d.metadata } : {}),
      })),
    );
  }
  const batchLatency = new LatencyRecorder();
  progress.start('insert', dataset.docs.length);
  let insertMs = 0;
  for (const batch of batches) {
    const { ms } = await timed(() => adapter.insert(batch));
    batchLatency.recordMs(ms);
    insertMs += ms;
    progress.tick(batch.length);
  }
  progress.stop();
  const searchable = await timed(() => adapter.waitUntilSearchable(dataset.docs.length));
  return {
    status: 'ok',
    docs: dataset.docs.length,
    batchSize: config.batchSize,
    insertSeconds: insertMs / 1000,
    docsPerSecond: dataset.docs.length / (insertMs / 1000),
    searchableSeconds: searchable.ms / 1000,
    batchLatency: batchLatency.summary(),
  };
}
