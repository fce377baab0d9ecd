import { queriesView } from '../../datasets/queries-view.js';
import type { Dataset } from '../../datasets/dataset.js';

/**
 * How N client processes (`--workers N` on one host, `--shard i/N` on many) share one workload:
 * worker i takes the queries whose index is i modulo N, in order, and a concurrency level's
 * clients are dealt out as evenly as they go (level 4 on 3 workers: 2, 1, 1). Each query is
 * answered exactly once across the workers, so quality over the merged answers is that of one
 * process, and merged latencies hold every timed query.
 */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function inShard(queryIndex: number, shard: Shard): boolean {
  return queryIndex % shard.count === shard.index;
}

/** Clients of a closed-loop level of `total` that worker `shard.index` runs. */
export function shardClients(total: number, shard: Shard): number {
  return Math.floor(total / shard.count) + (shard.index < total % shard.count ? 1 : 0);
}

/**
 * The dataset as worker `shard` sees it: every doc (its ground truth is over the whole
 * collection), only its queries. Its content hash differs (it keys the ground-truth cache); results
 * name the whole dataset's.
 */
export function shardDataset(dataset: Dataset, shard: Shard): Dataset {
  if (shard.count === 1) return dataset;
  const picked = dataset.queries.map((_, i) => i).filter((i) => inShard(i, shard));
  return queriesView(dataset, picked, `shard ${shard.index}/${shard.count}`);
}
