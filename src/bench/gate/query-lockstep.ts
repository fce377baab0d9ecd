import type { Dataset } from '../../datasets/dataset.js';
import { queriesView } from '../../datasets/queries-view.js';
import type { SearchResult } from '../results/results-schema.js';
import { mergeSearchParts, type SearchPart } from '../workers/merge-workloads.js';

/**
 * The gate interleaves its sides query by query (run-gate.ts): query i of every side, then
 * query i + 1, so a burst of background work (a Go collection in Weaviate, a checkpoint, a
 * neighbour) that outlasts one query lands on every side alike instead of on one side's whole
 * pass. Each side still runs its own checkout's workload code; it is handed a one-query dataset
 * per call, and the answers are put back together into one pass per side and round here.
 */

/**
 * `dataset` with only query `index`: same docs, vectors and judgements. Its content hash names the
 * query, so exact ground truth (cached per dataset) is computed for it alone, in `truthDir`.
 */
export function oneQueryView(dataset: Dataset, index: number, truthDir: string): Dataset {
  return { ...queriesView(dataset, [index], `query ${index}`), groundTruthDir: truthDir };
}

/**
 * One side's pass over `queryIndices` from its one-query answers (answers[j] is query
 * queryIndices[j]'s, each a workload's result list: one entry per k for the vector workload).
 * Latency, recall and judgements merge as worker shares do (merge-workloads.ts); `warmupQueries`
 * is the warm-up the side ran before the workload's first round.
 */
export function mergeQueryAnswers(
  dataset: Dataset,
  queryIndices: readonly number[],
  answers: ReadonlyArray<readonly SearchResult[]>,
  warmupQueries: number,
): SearchResult[] {
  // A query a side could not run fails that side's pass, as a failing pass would (run-gate.ts).
  for (const [j, list] of answers.entries()) {
    const failed = list.find((r) => r.status === 'failed');
    if (failed?.status === 'failed') return [{ status: 'failed', error: `query ${dataset.queries[queryIndices[j] ?? -1]?.id}: ${failed.error}` }];
  }
  const lists = answers[0]?.length ?? 0;
  const merged: SearchResult[] = [];
  for (let l = 0; l < lists; l++) {
    const parts: SearchPart[] = queryIndices.map((qi, j) => {
      const result = answers[j]?.[l];
      if (!result) throw new Error(`mergeQueryAnswers: query ${qi} has no result ${l}`);
      const judged = (dataset.qrels.get(dataset.queries[qi]?.id ?? '')?.size ?? 0) > 0 ? 1 : 0;
      // The one-query dataset numbered its query 0; the pass numbers it qi.
      const renumbered = result.status === 'ok' && result.erroredQueries ? { ...result, erroredQueries: [qi] } : result;
      return { result: renumbered, queryIndices: [qi], judged };
    });
    const pass = mergeSearchParts(parts);
    if (pass.status !== 'ok') {
      // Every query unsupported: the workload is, for this store.
      merged.push(pass);
      continue;
    }
    // One process ran them all: the per-worker split of merged shares means nothing here.
    const { workers: _perQuery, ...one } = pass;
    merged.push({ ...one, warmupQueries });
  }
  return merged;
}
