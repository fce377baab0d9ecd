import { basename } from 'node:path';
import type { StoreSelection } from '../adapters/registry.js';
import type { Dataset } from '../datasets/dataset.js';
import { startLocalServer } from '../runtime/local-runtime.js';
import type { BenchConfig } from './bench-config.js';
import { harnessUsage, machineFingerprint } from './machine.js';
import type { Progress } from './progress.js';
import { writeResults } from './results/results-file.js';
import { RESULTS_SCHEMA_VERSION, type Results } from './results/results-schema.js';
import { runStore } from './run-store.js';
import { TOOL_VERSION } from '../version.js';

export interface BenchmarkRequest {
  readonly stores: readonly StoreSelection[];
  readonly versions: ReadonlyMap<string, string>;
  readonly dataset: Dataset;
  readonly config: BenchConfig;
  readonly resultsFile: string;
  readonly progress: Progress;
  readonly memoryLimitBytes?: number;
}

/**
 * Runs the stores one after another (never together: they would share 2 cores and skew each
 * other) and rewrites the results file atomically after each, so a crash or Ctrl-C keeps every
 * store already measured.
 */
export async function runBenchmark(request: BenchmarkRequest): Promise<Results> {
  const { dataset, config } = request;
  const results: Results = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'vdb-bench', version: TOOL_VERSION },
    runId: basename(request.resultsFile, '.json'),
    startedAt: new Date().toISOString(),
    machine: await machineFingerprint(),
    harness: harnessUsage(),
    dataset: {
      name: dataset.manifest.name,
      dir: dataset.dir,
      dims: dataset.manifest.dims,
      metric: dataset.manifest.metric,
      count: dataset.manifest.count,
      queries: dataset.manifest.queries,
      contentHash: dataset.contentHash,
      manifest: { ...dataset.manifest },
    },
    config: {
      runtime: 'local',
      batchSize: config.batchSize,
      warmupQueries: config.warmupQueries,
      kValues: [...config.kValues],
      concurrencyLevels: [...config.concurrencyLevels],
      concurrencySeconds: config.concurrencySeconds,
      hybridWeights: { ...config.hybridWeights },
      memoryIntervalMs: config.memoryIntervalMs,
    },
    stores: [],
  };
  for (const { definition, profile } of request.stores) {
    const recipe = definition.local;
    const version = request.versions.get(definition.name) ?? recipe?.defaultVersion ?? 'unknown';
    const result = await runStore(
      {
        definition,
        profile,
        version,
        start: () => {
          if (!recipe) throw new Error(`${definition.name} has no local runtime recipe`);
          return startLocalServer(definition.name, recipe, {
            version,
            ...(request.memoryLimitBytes !== undefined ? { memoryLimitBytes: request.memoryLimitBytes } : {}),
          });
        },
      },
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
