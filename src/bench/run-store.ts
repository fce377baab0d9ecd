import type { StoreDefinition } from '../adapters/store-definition.js';
import type { Capabilities, StoreAdapter } from '../adapters/store-adapter.js';
import type { Dataset } from '../datasets/dataset.js';
import { describeFailure, exitAfterError, type RunningServer } from '../runtime/running-server.js';
import type { BenchConfig } from './bench-config.js';
import { MemorySampler } from './memory-sampler.js';
import type { Progress } from './progress.js';
import type { StoreResult } from './results/results-schema.js';
import { timed } from './timer.js';
import { runInsert } from './workloads/insert.js';
import { runConcurrency } from './workloads/concurrency.js';
import { runDelete } from './workloads/delete.js';
import {
  runDifyHybrid,
  runFilteredVectorSearch,
  runFullTextSearch,
  runNativeHybrid,
  runVectorSearch,
} from './workloads/search-workloads.js';
import type { WorkloadContext } from './workloads/workload-context.js';

export interface StoreRunRequest {
  readonly definition: StoreDefinition;
  readonly profile: string;
  readonly version: string;
  /** Starts the store's server (local process, container, or a URL already running). */
  readonly start: () => Promise<RunningServer>;
}

/**
 * One store through every workload, in a fixed order, sampling memory per phase. A failing
 * workload is recorded and the next one still runs; a failure that leaves no usable server
 * (start, connect, insert) ends this store with the cause recorded, never the whole run.
 */
export async function runStore(
  request: StoreRunRequest,
  dataset: Dataset,
  config: BenchConfig,
  progress: Progress,
): Promise<StoreResult> {
  const { definition, profile: profileName } = request;
  const profile = definition.profiles[profileName];
  if (!profile) throw new Error(`${definition.name}: unknown profile ${profileName}`);
  const result: StoreResult = {
    store: definition.name,
    profile: profileName,
    status: 'ok',
    capabilities: toJson(profile.capabilities),
    workloads: {},
  };
  let server: RunningServer | undefined;
  let adapter: StoreAdapter | undefined;
  let sampler: MemorySampler | undefined;
  let phase = 'start';
  const fail = async (error: unknown): Promise<void> => {
    const message = await describeFailure(server, error);
    result.status = 'failed';
    result.error = {
      phase,
      message,
      logTail: server?.logTail(30) ?? [],
    };
  };
  try {
    progress.log(`${definition.name}/${profileName}: starting server (${request.version})`);
    const started = await timed(request.start);
    server = started.value;
    phase = 'connect';
    adapter = profile.createAdapter();
    const info = await adapter.connect(server.endpoint);
    result.server = {
      runtime: server.runtime,
      version: info.version,
      requestedVersion: request.version,
      description: server.description,
      settings: { ...info.settings, ...server.facts },
      startSeconds: started.ms / 1000,
    };
    progress.log(`${definition.name}: server ${info.version} up in ${(started.ms / 1000).toFixed(1)} s`);
    if (server.memory) {
      sampler = new MemorySampler(server.memory, config.memoryIntervalMs);
      sampler.start();
      await new Promise((r) => setTimeout(r, config.idleSeconds * 1000));
    }

    phase = 'insert';
    await sampler?.enter('insert');
    const collection = `vdb_bench_${Date.now().toString(36)}`;
    await adapter.createCollection({ name: collection, dims: dataset.manifest.dims, metric: dataset.manifest.metric });
    const ctx: WorkloadContext = { adapter, dataset, config, progress };
    result.workloads.insert = await runInsert(ctx);
    result.server.dataBytes = await server.dataBytes();

    const step = async <T>(name: string, run: () => Promise<T>, onError: (message: string) => T): Promise<T> => {
      phase = name;
      await sampler?.enter(name);
      try {
        return await run();
      } catch (error) {
        if (await exitAfterError(server)) throw error; // the server died: nothing after this can be measured
        return onError(await describeFailure(server, error));
      }
    };
    const failed = (error: string) => ({ status: 'failed' as const, error });
    result.workloads.vector = await step('search', () => runVectorSearch(ctx), (e) => [failed(e)]);
    result.workloads.filteredVector = await step('search', () => runFilteredVectorSearch(ctx), failed);
    result.workloads.fullText = await step('search', () => runFullTextSearch(ctx), failed);
    result.workloads.difyHybrid = await step('search', () => runDifyHybrid(ctx), failed);
    result.workloads.nativeHybrid = await step('search', () => runNativeHybrid(ctx), failed);
    result.workloads.concurrency = await step('concurrent', () => runConcurrency(ctx), failed);
    result.workloads.delete = await step('delete', () => runDelete(ctx), failed);
    phase = 'drop';
    await adapter.dropCollection();
  } catch (error) {
    await fail(error);
  } finally {
    if (sampler) result.memory = await sampler.stop();
    await adapter?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
  }
  return result;
}

function toJson(c: Capabilities): StoreResult['capabilities'] {
  return { ...c, metrics: [...c.metrics], notes: [...c.notes] };
}
