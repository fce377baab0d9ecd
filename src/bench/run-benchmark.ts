import type { StoreSelection } from '../adapters/registry.js';
import type { Dataset } from '../datasets/dataset.js';
import { storeServer, type ServerPlan } from '../runtime/start-server.js';
import type { BenchConfig } from './bench-config.js';
import { harnessUsage } from './machine.js';
import { newResults } from './results/new-results.js';
import type { Progress } from './progress.js';
import { writeResults } from './results/results-file.js';
import type { Results } from './results/results-schema.js';
import { runStore } from './run-store.js';
import { timed } from './timer.js';
import { prepareGroundTruth } from './workloads/search-workloads.js';
import { interrupted, saveOnInterrupt } from './save-on-interrupt.js';

export interface BenchmarkRequest {
  readonly stores: readonly StoreSelection[];
  readonly plan: ServerPlan;
  readonly dataset: Dataset;
  readonly config: BenchConfig;
  readonly resultsFile: string;
  readonly progress: Progress;
}

/**
 * Runs the stores one after another (never together: they would share 2 cores and skew each
 * other) and rewrites the results file atomically after each, so a crash or Ctrl-C keeps every
 * store already measured.
 */
export async function runBenchmark(request: BenchmarkRequest): Promise<Results> {
  const { dataset, config } = request;
  const results = await newResults(dataset, config, request.resultsFile, request.plan.runtime);
  let running: string | undefined;
  const unsave = saveOnInterrupt(request.resultsFile, results, () => running);
  request.progress.log(`ground truth: exact top-k of ${dataset.queries.length} queries over ${dataset.docs.length} chunks`);
  const truth = await timed(() => prepareGroundTruth(dataset, config));
  results.dataset.groundTruthSeconds = truth.ms / 1000;
  request.progress.log(`ground truth: ready in ${(truth.ms / 1000).toFixed(1)} s`);
  for (const selection of request.stores) {
    if (interrupted()) break;
    const { definition, profile } = selection;
    running = `${definition.name}:${selection.profileName}`;
    const server = storeServer(request.plan, definition, profile.serverEnv);
    const result = await runStore(
      { selection, version: server.version, start: () => server.start() },
      dataset,
      config,
      request.progress,
    );
    if (interrupted()) break; // its servers were stopped under it: the interrupt handler writes the file
    results.stores.push(result);
    results.harness = harnessUsage();
    await writeResults(request.resultsFile, results);
    if (result.status === 'failed') {
      request.progress.log(`${definition.name}: FAILED in ${result.error?.phase}: ${result.error?.message.split('\n')[0]}`);
    }
  }
  if (interrupted()) return new Promise<never>(() => undefined); // the handler exits the process
  results.finishedAt = new Date().toISOString();
  results.harness = harnessUsage();
  await writeResults(request.resultsFile, results);
  unsave();
  return results;
}
