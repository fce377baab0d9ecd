import type { StoreSelection } from '../adapters/registry.js';
import type { Dataset } from '../datasets/dataset.js';
import { chosenVersion, startServer, type RuntimeName } from '../runtime/start-server.js';
import type { BenchConfig } from './bench-config.js';
import { harnessUsage } from './machine.js';
import { newResults } from './results/new-results.js';
import type { Progress } from './progress.js';
import { writeResults } from './results/results-file.js';
import type { Results } from './results/results-schema.js';
import { runStore } from './run-store.js';

export interface BenchmarkRequest {
  readonly stores: readonly StoreSelection[];
  readonly versions: ReadonlyMap<string, string>;
  readonly dataset: Dataset;
  readonly config: BenchConfig;
  readonly resultsFile: string;
  readonly progress: Progress;
  readonly memoryLimitBytes?: number;
  readonly runtime: RuntimeName;
}

/**
 * Runs the stores one after another (never together: they would share 2 cores and skew each
 * other) and rewrites the results file atomically after each, so a crash or Ctrl-C keeps every
 * store already measured.
 */
export async function runBenchmark(request: BenchmarkRequest): Promise<Results> {
  const { dataset, config } = request;
  const results = await newResults(dataset, config, request.resultsFile, request.runtime);
  for (const { definition, profile } of request.stores) {
    const version = chosenVersion(definition, request.runtime, request.versions);
    const limit = request.memoryLimitBytes !== undefined ? { memoryLimitBytes: request.memoryLimitBytes } : {};
    const env = definition.profiles[profile]?.serverEnv;
    const options = { runtime: request.runtime, version, ...limit, ...(env ? { env } : {}) };
    const result = await runStore(
      { definition, profile, version, start: () => startServer(definition, options) },
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
