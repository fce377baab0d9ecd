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
  for (const selection of request.stores) {
    const { definition, profile } = selection;
    const server = storeServer(request.plan, definition, profile.serverEnv);
    const result = await runStore(
      { selection, version: server.version, start: () => server.start() },
      dataset,
      config,
      request.progress,
    );
    results.stores.push(result);
    results.harness = harnessUsage();
    await writeResults(request.resultsFile, results);
    if (result.status === 'failed') {
      request.progress.log(`${definition.name}: FAILED in ${result.error?.phase}: ${result.error?.message.split('\n')[0]}`);
    }
  }
  results.finishedAt = new Date().toISOString();
  results.harness = harnessUsage();
  await writeResults(request.resultsFile, results);
  return results;
}
