import { LatencyRecorder } from '../metrics/latency-recorder.js';
import type { InsertResult } from '../results/results-schema.js';
import { timed } from '../timer.js';
import type { WorkloadContext } from './workload-context.js';
import { docBatches } from './doc-batches.js';

/** Every doc of the dataset in batches, in dataset order; then the wait until all are searchable. */
export async function runInsert(ctx: WorkloadContext): Promise<InsertResult> {
  const { collection, dataset, config, progress } = ctx;
  const batches = docBatches(dataset, config.batchSize);
  const batchLatency = new LatencyRecorder();
  progress.start('insert', dataset.docs.length);
  let insertMs = 0;
  for (const batch of batches) {
    const { ms } = await timed(() => collection.insert(batch));
    batchLatency.recordMs(ms);
    insertMs += ms;
    progress.tick(batch.length);
  }
  progress.stop();
  const searchable = await timed(() => collection.waitUntilSearchable(dataset.docs.length));
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
