import { basename } from 'node:path';
import type { Dataset } from '../../datasets/dataset.js';
import type { BenchConfig } from '../bench-config.js';
import { harnessUsage, machineFingerprint } from '../machine.js';
import { TOOL_VERSION } from '../../version.js';
import { RESULTS_SCHEMA_VERSION, type Results } from './results-schema.js';

/** A results file with everything but the stores: tool, machine, dataset, config. */
export async function newResults(
  dataset: Dataset,
  config: BenchConfig,
  resultsFile: string,
  runtime: string,
): Promise<Results> {
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'vdb-bench', version: TOOL_VERSION },
    runId: basename(resultsFile, '.json'),
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
      runtime,
      batchSize: config.batchSize,
      warmupQueries: config.warmupQueries,
      kValues: [...config.kValues],
      concurrencyLevels: [...config.concurrencyLevels],
      concurrencySeconds: config.concurrencySeconds,
      hybridWeights: { ...config.hybridWeights },
      hybridRule: config.hybridRule,
      keywordRule: config.keywordRule,
      clientMode: config.clientMode,
      memoryIntervalMs: config.memoryIntervalMs,
      callTimeoutSeconds: config.callTimeoutSeconds,
      ...(config.workers !== undefined && config.workers > 1 ? { workers: config.workers } : {}),
      ...(config.shard ? { shard: { ...config.shard } } : {}),
      ...(config.skip.length > 0 ? { skip: [...config.skip] } : {}),
    },
    stores: [],
  };
}
