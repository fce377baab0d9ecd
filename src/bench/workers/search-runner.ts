import type { CollectionSpec } from '../../adapters/store-adapter.js';
import type { StoreSelection } from '../../adapters/registry.js';
import type { Endpoint } from '../../runtime/endpoint.js';
import type { ConcurrencyResult, SearchResult } from '../results/results-schema.js';
import { runConcurrency } from '../workloads/concurrency.js';
import type { WorkloadContext } from '../workloads/workload-context.js';
import { mergeConcurrencyParts, mergeSearchParts } from './merge-workloads.js';
import { asParts, runConcurrencySweepShare, runSearchWorkload, type SearchWorkload } from './search-tasks.js';
import { shardDataset, type Shard } from './shards.js';
import { SearchWorkerPool } from './worker-pool.js';

/**
 * Who runs a store's search and concurrency workloads: this process (the default), N worker
 * processes merged into one result (`--workers N`), or this process as one shard of a multi-host
 * run, its results kept per shard for `bench report merge` (`--shard i/N`). The run asks the same
 * questions of each.
 */
export interface SearchRunner {
  search(workload: SearchWorkload): Promise<SearchResult[]>;
  concurrency(): Promise<ConcurrencyResult>;
  close(): Promise<void>;
}

export interface RunnerTarget {
  readonly selection: StoreSelection;
  readonly endpoint: Endpoint;
  readonly collection: CollectionSpec;
}

export async function openSearchRunner(ctx: WorkloadContext, target: RunnerTarget): Promise<SearchRunner> {
  const { shard, workers = 1 } = ctx.config;
  if (shard && workers > 1) throw new Error('--shard and --workers: a shard runs in one process (run more shards instead)');
  if (shard) return shardRunner(ctx, shard);
  if (workers > 1) return poolRunner(ctx, target, workers);
  return {
    search: (workload) => runSearchWorkload(ctx, workload),
    concurrency: () => runConcurrency(ctx),
    close: async () => undefined,
  };
}

/** One shard: its queries and clients only; each result says which queries it timed. */
function shardRunner(ctx: WorkloadContext, shard: Shard): SearchRunner {
  const mine: WorkloadContext = { ...ctx, dataset: shardDataset(ctx.dataset, shard) };
  return {
    async search(workload) {
      const results = await runSearchWorkload(mine, workload);
      return asParts(ctx.dataset, shard, workload, results).map(({ result, queryIndices, judged }) =>
        result.status === 'ok' ? { ...result, queryIndices: [...queryIndices], judgedQueries: judged } : result,
      );
    },
    concurrency: () => runConcurrencySweepShare(mine, shard),
    close: async () => undefined,
  };
}

function poolRunner(ctx: WorkloadContext, target: RunnerTarget, workers: number): SearchRunner {
  let opened: Promise<SearchWorkerPool> | undefined;
  // Opened at the first search, after the insert: the workers open the filled collection.
  const pool = (): Promise<SearchWorkerPool> =>
    (opened ??= SearchWorkerPool.open(workers, {
      store: target.selection.definition.name,
      profile: target.selection.profileName,
      endpoint: target.endpoint,
      collection: { ...target.collection },
      datasetDir: ctx.dataset.dir,
      config: { ...ctx.config },
    }));
  return {
    async search(workload) {
      const p = await pool();
      ctx.progress.log(`  ${workload}: ${p.size} worker processes`);
      const answers = await p.each(() => ({ type: 'search', workload }), 'search');
      const perWorker = answers.map((a, index) =>
        asParts(ctx.dataset, { index, count: p.size }, workload, a.results as SearchResult[]),
      );
      const slots = perWorker[0]?.length ?? 0;
      return Array.from({ length: slots }, (_, i) => mergeSearchParts(perWorker.map((parts) => parts[i]!)));
    },
    async concurrency() {
      const p = await pool();
      const perWorker: ConcurrencyResult[][] = Array.from({ length: p.size }, () => []);
      for (const total of ctx.config.concurrencyLevels) {
        ctx.progress.log(`  concurrent ×${total} over ${p.size} worker processes`);
        const answers = await p.each(() => ({ type: 'concurrency', total }), 'concurrency');
        answers.forEach((a, w) => perWorker[w]?.push(a.result as ConcurrencyResult));
      }
      // One sweep per worker (its levels in order), then the workers merged level by level.
      const sweeps = perWorker.map((levels): ConcurrencyResult => {
        const failed = levels.find((l) => l.status !== 'ok');
        if (failed) return failed;
        const ok = levels as Extract<ConcurrencyResult, { status: 'ok' }>[];
        return { status: 'ok', k: ok[0]?.k ?? 4, levels: ok.flatMap((l) => l.levels) };
      });
      return mergeConcurrencyParts(sweeps);
    },
    async close() {
      if (opened) await (await opened.catch(() => undefined))?.close();
    },
  };
}
