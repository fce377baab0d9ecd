import type { Dataset } from '../../datasets/dataset.js';
import type { ConcurrencyResult, SearchResult } from '../results/results-schema.js';
import { runConcurrency } from '../workloads/concurrency.js';
import {
  runDifyHybrid,
  runFilteredVectorSearch,
  runFullTextSearch,
  runNativeHybrid,
  runVectorSearch,
} from '../workloads/search-workloads.js';
import type { WorkloadContext } from '../workloads/workload-context.js';
import type { SearchPart } from './merge-workloads.js';
import { idleLevel } from './merge-workloads.js';
import { inShard, shardClients, type Shard } from './shards.js';

/** The serial search workloads a client process runs, by the name results give them. */
export const SEARCH_WORKLOADS = ['vector', 'filteredVector', 'fullText', 'difyHybrid', 'nativeHybrid'] as const;
export type SearchWorkload = (typeof SEARCH_WORKLOADS)[number];

/** The same workload functions one process runs, so a worker measures exactly what it would. */
export async function runSearchWorkload(ctx: WorkloadContext, workload: SearchWorkload): Promise<SearchResult[]> {
  switch (workload) {
    case 'vector':
      return runVectorSearch(ctx);
    case 'filteredVector':
      return [await runFilteredVectorSearch(ctx)];
    case 'fullText':
      return [await runFullTextSearch(ctx)];
    case 'difyHybrid':
      return [await runDifyHybrid(ctx)];
    case 'nativeHybrid':
      return [await runNativeHybrid(ctx)];
  }
}

/** Query indices a workload times, as search-workloads.ts picks them (filtered: those with document_ids). */
export function workloadQueries(dataset: Dataset, workload: SearchWorkload): number[] {
  const all = dataset.queries.map((_, i) => i);
  return workload === 'filteredVector' ? all.filter((i) => dataset.queries[i]?.document_ids) : all;
}

/**
 * The results of a workload on shard `shard`'s queries as merge parts: which dataset queries each
 * timed (the filtered workload times only queries that carry document_ids, as search-workloads.ts
 * picks them) and how many of those are judged.
 */
export function asParts(full: Dataset, shard: Shard, workload: SearchWorkload, results: readonly SearchResult[]): SearchPart[] {
  const timed = workloadQueries(full, workload).filter((i) => inShard(i, shard));
  const judged = timed.filter((i) => (full.qrels.get(full.queries[i]?.id ?? '')?.size ?? 0) > 0).length;
  return results.map((result) => ({ result, queryIndices: timed, judged }));
}

/**
 * One closed-loop level with this process's share of `total` clients; a process with no client
 * for it waits the level out, so processes that were never told about each other (shards on
 * several hosts) still load the server together level by level.
 */
export async function runConcurrencyShare(ctx: WorkloadContext, total: number, shard: Shard): Promise<ConcurrencyResult> {
  const clients = shardClients(total, shard);
  if (clients === 0) {
    await new Promise((r) => setTimeout(r, ctx.config.concurrencySeconds * 1000));
    return { status: 'ok', k: 4, levels: [idleLevel(ctx.config.concurrencySeconds)] };
  }
  return runConcurrency({ ...ctx, config: { ...ctx.config, concurrencyLevels: [clients] } });
}

/** A whole sweep as one process's share: one level after another. */
export async function runConcurrencySweepShare(ctx: WorkloadContext, shard: Shard): Promise<ConcurrencyResult> {
  const levels: Extract<ConcurrencyResult, { status: 'ok' }>['levels'] = [];
  let k = 4;
  for (const total of ctx.config.concurrencyLevels) {
    const r = await runConcurrencyShare(ctx, total, shard);
    if (r.status !== 'ok') return r;
    k = r.k;
    levels.push(...r.levels);
  }
  return { status: 'ok', k, levels };
}
