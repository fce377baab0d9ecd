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
 */
export async function runSerialSearch(ctx: WorkloadContext, spec: SerialSearchSpec): Promise<SearchResult> {
  const { dataset, config, progress } = ctx;
  const warmup = Math.min(config.warmupQueries, spec.queryIndices.length);
  for (let i = 0; i < warmup; i++) await spec.search(spec.queryIndices[i] as number);

  const latency = new LatencyRecorder();
  const answers: string[][] = [];
  progress.start(spec.label, spec.queryIndices.length);
  const cpu = startCpuMeter();
  const started = performance.now();
  for (const qi of spec.queryIndices) {
    const { value, ms } = await timed(() => spec.search(qi));
    latency.recordMs(ms);
    answers.push(value.map((h) => h.id));
    progress.tick();
  }
  const clientCpu = cpu.stop(spec.queryIndices.length, (performance.now() - started) / 1000);
  progress.stop();

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
    emptyAnswers: answers.filter((a) => a.length === 0).length,
    clientCpu,
  };
}
