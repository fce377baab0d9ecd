import type { Hit } from '../../adapters/store-adapter.js';
import type { GroundTruth } from '../../datasets/ground-truth.js';
import { LatencyRecorder } from '../metrics/latency-recorder.js';
import { mean, ndcgAtK, reciprocalRankAtK } from '../metrics/ranking.js';
import { recallAtK } from '../metrics/recall.js';
import type { SearchResult } from '../results/results-schema.js';
import { timed } from '../timer.js';
import { performance } from 'node:perf_hooks';
import { startCpuMeter } from '../metrics/client-cpu.js';
import type { WorkloadContext } from './workload-context.js';
import { CallErrors } from '../metrics/call-errors.js';
import { CallTimeoutError } from '../call-timeout.js';

export interface SerialSearchSpec {
  readonly label: string;
  /** Indices into dataset.queries, in the order they are sent. */
  readonly queryIndices: readonly number[];
  readonly k: number;
  readonly search: (queryIndex: number) => Promise<Hit[]>;
  /** Exact top-k per query index; recall is reported when given. */
  readonly truth?: GroundTruth;
}

/**
 * One query at a time: a warm-up (untimed, answers discarded), then every query timed once.
 * Quality is computed by the harness from returned ids, never taken from the store.
 *
 * A query the store answers with an error is counted (`errors`, `erroredQueries`), kept out of
 * the latency and scored as an empty answer, so neither the latency nor the quality hides it;
 * when every timed query fails the workload throws. A call that timed out always throws.
 */
export async function runSerialSearch(ctx: WorkloadContext, spec: SerialSearchSpec): Promise<SearchResult> {
  const { dataset, config, progress } = ctx;
  const warmup = Math.min(config.warmupQueries, spec.queryIndices.length);
  // Warm-up errors are not counted (nothing of the warm-up is): the timed pass meets the same fault.
  for (let i = 0; i < warmup; i++) await spec.search(spec.queryIndices[i] as number).catch(rethrowHang);

  const latency = new LatencyRecorder();
  const answers: string[][] = [];
  const errors = new CallErrors();
  const erroredQueries: number[] = [];
  /** Positions in the timed pass that errored (a pass may send the same query index many times: the selftest). */
  const erroredAt = new Set<number>();
  progress.start(spec.label, spec.queryIndices.length);
  const cpu = startCpuMeter();
  const started = performance.now();
  for (const [position, qi] of spec.queryIndices.entries()) {
    try {
      const { value, ms } = await timed(() => spec.search(qi));
      latency.recordMs(ms);
      answers.push(value.map((h) => h.id));
    } catch (error) {
      rethrowHang(error);
      errors.record(error);
      erroredQueries.push(qi);
      erroredAt.add(position);
      answers.push([]);
    }
    progress.tick();
  }
  const clientCpu = cpu.stop(spec.queryIndices.length, (performance.now() - started) / 1000);
  progress.stop();
  errors.throwIfAllFailed(spec.queryIndices.length, `${spec.label} queries`);

  const recall = spec.truth
    ? mean(spec.queryIndices.map((qi, i) => recallAtK(answers[i] ?? [], spec.truth?.[qi] ?? [], spec.k)))
    : undefined;
  const judged = spec.queryIndices
    .map((qi, i) => ({ judgements: dataset.qrels.get(dataset.queries[qi]?.id ?? ''), answer: answers[i] ?? [] }))
    .filter((j) => j.judgements !== undefined && j.judgements.size > 0);
  const quality =
    judged.length > 0
      ? {
          ndcg10: mean(judged.map((j) => ndcgAtK(j.answer, j.judgements ?? new Map(), 10))),
          mrr10: mean(judged.map((j) => reciprocalRankAtK(j.answer, j.judgements ?? new Map(), 10))),
        }
      : {};
  return {
    status: 'ok',
    k: spec.k,
    queries: spec.queryIndices.length,
    warmupQueries: warmup,
    latency: latency.summary(),
    latenciesMs: latency.rawMs(),
    ...(recall !== undefined ? { recall } : {}),
    ...quality,
    emptyAnswers: answers.filter((a, position) => a.length === 0 && !erroredAt.has(position)).length,
    ...errors.fields(),
    ...(erroredQueries.length > 0 ? { erroredQueries } : {}),
    clientCpu,
  };
}

/** A hung server ends the store at once: waiting out the timeout on every later query would not. */
function rethrowHang(error: unknown): void {
  if (error instanceof CallTimeoutError) throw error;
}
