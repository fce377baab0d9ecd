import { LatencyRecorder } from '../metrics/latency-recorder.js';
import type { InsertResult } from '../results/results-schema.js';
import { timed } from '../timer.js';
import type { WorkloadContext } from './workload-context.js';
import { docsOf } from './doc-batches.js';

/** Every doc of the dataset in batches, in dataset order; then the wait until all are searchable. */
export async function runInsert(ctx: WorkloadContext): Promise<InsertResult> {
  const { collection, dataset, config, progress } = ctx;
  const count = dataset.docs.length;
  const batchLatency = new LatencyRecorder();
  progress.start('insert', count);
  let insertMs = 0;
  for (let from = 0; from < count; from += config.batchSize) {
    // Built before its clock starts, one batch at a time (see doc-batches.ts).
    const batch = docsOf(dataset, from, Math.min(from + config.batchSize, count));
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
