import type { StoreSelection } from '../adapters/registry.js';
import type { Dataset } from '../datasets/dataset.js';
import { storeServer, type ServerPlan } from '../runtime/start-server.js';
import type { BenchConfig } from './bench-config.js';
import { findLeastMemory, type LeastMemoryOptions } from './least-memory.js';
import { probeUnderLimit, type ProbeOutcome } from './least-memory-probe.js';
import { harnessUsage } from './machine.js';
import type { Progress } from './progress.js';
import { newResults } from './results/new-results.js';
import { writeResults } from './results/results-file.js';
import { interrupted, saveOnInterrupt } from './save-on-interrupt.js';
import type { Results, StoreResult } from './results/results-schema.js';
import { newStoreResult } from './results/store-result.js';

export interface LeastMemoryRequest {
  readonly stores: readonly StoreSelection[];
  /** Its memoryLimits are ignored: each probe sets its own. */
  readonly plan: ServerPlan;
  readonly dataset: Dataset;
  readonly config: BenchConfig;
  readonly search: LeastMemoryOptions;
  readonly probeTimeoutSeconds: number;
  readonly resultsFile: string;
  readonly progress: Progress;
}

const MiB = 2 ** 20;

/**
 * `bench memory`: for each store, one unlimited probe (the reference latency), then a bounded
 * bisection over memory limits for the least one under which insert + search still complete.
 * Every probe starts a fresh server; an OOM kill is a result, never a crash of the harness.
 */
export async function runLeastMemory(request: LeastMemoryRequest): Promise<Results> {
  const { dataset, config, progress } = request;
  const results = await newResults(dataset, config, request.resultsFile, request.plan.runtime);
  let running: string | undefined;
  const unsave = saveOnInterrupt(request.resultsFile, results, () => running);
  for (const selection of request.stores) {
    if (interrupted()) break;
    const { definition, profile } = selection;
    running = `${definition.name}:${selection.profileName}`;
    const server = storeServer({ ...request.plan, memoryLimits: new Map() }, definition, profile.serverEnv);
    const { version } = server;
    const start = (limit: number | undefined) => server.start(limit);
    const probe = async (limit: number | undefined): Promise<ProbeOutcome> => {
      progress.log(`${definition.name}: probing ${limit === undefined ? 'no limit' : `${limit / MiB} MiB`}`);
      const outcome = await probeUnderLimit({
        store: definition.name,
        profile,
        start,
        version,
        dataset,
        config,
        progress,
        limitBytes: limit,
        timeoutSeconds: request.probeTimeoutSeconds,
      });
      progress.log(`  ${outcome.survived ? 'survived' : `failed: ${outcome.failure}`}`);
      return outcome;
    };
    const unlimited = await probe(undefined);
    const store: StoreResult = {
      ...newStoreResult(selection),
      status: unlimited.survived ? 'ok' : 'failed',
      ...(unlimited.server ? { server: unlimited.server } : {}),
    };
    if (!unlimited.survived) {
      store.error = { phase: 'unlimited probe', message: unlimited.failure ?? 'failed', logTail: [] };
    } else {
      const found = await findLeastMemory((limit) => probe(limit), request.search);
      store.leastMemory = {
        minBytes: request.search.minBytes,
        maxBytes: request.search.maxBytes,
        resolution: request.search.resolution,
        ...(found.leastBytes !== undefined ? { leastBytes: found.leastBytes } : {}),
        ...(found.failedBytes !== undefined ? { failedBytes: found.failedBytes } : {}),
        ...(unlimited.p50Ms !== undefined ? { unlimitedP50Ms: unlimited.p50Ms } : {}),
        probes: found.probes.map(({ server: _server, ...p }) => p),
      };
    }
    if (interrupted()) break; // the interrupt handler writes the file
    results.stores.push(store);
    results.harness = harnessUsage();
    await writeResults(request.resultsFile, results);
  }
  if (interrupted()) return new Promise<never>(() => undefined); // the handler exits the process
  results.finishedAt = new Date().toISOString();
  await writeResults(request.resultsFile, results);
  unsave();
  return results;
}
