import { performance } from 'node:perf_hooks';
import type { Collection } from '../../adapters/store-adapter.js';
import { LatencyRecorder } from '../metrics/latency-recorder.js';
import type { DifyInsertResult } from '../results/results-schema.js';
import { timed } from '../timer.js';
import { docsOf } from './doc-batches.js';
import { DIFY_INDEXING_WORKERS, chunksByDocument, difyIndexingGroups } from './dify-indexing-groups.js';
import type { WorkloadContext } from './workload-context.js';

/**
 * Every chunk of the dataset inserted the way Dify's indexing runner loads a document, into a
 * fresh collection of its own (dropped afterwards): one document at a time, its chunks split into
 * Dify's hash groups, every group inserted at once (IndexingRunner._load's pool of 10 threads has
 * a thread for each), the next document once all its groups are in. Reported beside the
 * sequential batches of the main insert; it runs after every other workload so it changes none
 * of them. The groups are planned before the clock starts.
 */
export async function runDifyInsert(
  ctx: Pick<WorkloadContext, 'dataset' | 'progress'>,
  createCollection: () => Promise<Collection>,
): Promise<DifyInsertResult> {
  const { dataset, progress } = ctx;
  const chunks = docsOf(dataset, 0, dataset.docs.length);
  const plan = chunksByDocument(chunks).map((document) => difyIndexingGroups(document));
  const groups = plan.reduce((n, g) => n + g.length, 0);
  const collection = await createCollection();
  try {
    const groupLatency = new LatencyRecorder();
    progress.start("insert (Dify's indexing threads)", chunks.length);
    const started = performance.now();
    for (const documentGroups of plan) {
      await Promise.all(
        documentGroups.map(async (group) => {
          const { ms } = await timed(() => collection.insert(group));
          groupLatency.recordMs(ms);
          progress.tick(group.length);
        }),
      );
    }
    const insertMs = performance.now() - started;
    progress.stop();
    const searchable = await timed(() => collection.waitUntilSearchable(chunks.length));
    const rows = await collection.count();
    if (rows !== chunks.length) throw new Error(`${collection.name}: ${rows} rows after Dify's indexing pattern, expected ${chunks.length}`);
    return {
      status: 'ok',
      docs: chunks.length,
      documents: plan.length,
      groups,
      threads: DIFY_INDEXING_WORKERS,
      insertSeconds: insertMs / 1000,
      docsPerSecond: chunks.length / (insertMs / 1000),
      searchableSeconds: searchable.ms / 1000,
      groupLatency: groupLatency.summary(),
    };
  } finally {
    await collection.drop().catch(() => undefined);
  }
}
