import type { StoreSelection } from '../adapters/registry.js';
import type { StoreSession } from '../adapters/store-adapter.js';
import type { Dataset } from '../datasets/dataset.js';
import { describeFailure, exitAfterError, type RunningServer } from '../runtime/running-server.js';
import type { BenchConfig } from './bench-config.js';
import { harnessMemoryProbe } from './harness-memory.js';
import { MemorySampler } from './memory-sampler.js';
import type { Progress } from './progress.js';
import type { SearchResult, StoreResult } from './results/results-schema.js';
import { capabilitiesRecord, newStoreResult } from './results/store-result.js';
import { timed } from './timer.js';
import {
  CallTimeoutError,
  guardCollection,
  removalTimeoutSeconds,
  withCallTimeout,
  type GuardedCollection,
} from './call-timeout.js';
import { createOwnCollection, ownCollectionName, removeOwnCollection, type OwnCollection } from './own-collection.js';
import { runInsert } from './workloads/insert.js';
import { runDifyInsert } from './workloads/dify-insert.js';
import { runDelete } from './workloads/delete.js';
import { openSearchRunner } from './workers/search-runner.js';
import type { SearchWorkload } from './workers/search-tasks.js';
import type { WorkloadContext } from './workloads/workload-context.js';
import { retrievalPath } from './workloads/retrieval-path.js';
import type { SkippableWorkload } from './skippable-workloads.js';

export interface StoreRunRequest {
  readonly selection: StoreSelection;
  readonly version: string;
  /** Starts the store's server (local process, container, or a URL already running). */
  readonly start: () => Promise<RunningServer>;
}

/** What one store's run holds while it runs, so a failure anywhere can be described and undone. */
interface StoreRun {
  phase: string;
  server?: RunningServer;
  session?: StoreSession;
  sampler?: MemorySampler;
  /** The harness's own RSS, phase by phase with the server's. */
  harnessSampler: MemorySampler;
  /** The run's own collection once created: removed at the end, after a failure, and on Ctrl-C. */
  collection?: OwnCollection;
  /** `--dify-insert`'s scratch collection, held the same way. */
  scratch?: { collection?: OwnCollection };
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
  const result = newStoreResult(request.selection);
  const run: StoreRun = { phase: 'start', harnessSampler: new MemorySampler(harnessMemoryProbe, config.memoryIntervalMs) };
  run.harnessSampler.start();
  try {
    await startAndConnect(run, request, result, config, progress);
    await measureWorkloads(run, request.selection, result, dataset, config, progress);
  } catch (error) {
    result.status = 'failed';
    result.error = { phase: run.phase, message: await describeFailure(run.server, error), logTail: run.server?.logTail(30) ?? [] };
  } finally {
    if (run.sampler) result.memory = await run.sampler.stop();
    const { series, ...harnessMemory } = await run.harnessSampler.stop();
    result.harnessMemory = harnessMemory;
    // A failed store's server that the harness started goes first: a session on a hung server
    // closes only once the server is gone (its calls never end), and its collection goes with it
    // (its data directory or container is removed). An external server is never stopped: there
    // the run's collection is removed (bounded by the call timeout) before the session closes.
    const owned = [run, ...(run.scratch ? [run.scratch] : [])];
    if (result.status === 'failed' && run.server?.runtime !== 'external') {
      await run.server?.stop().catch(() => undefined);
      for (const holder of owned) {
        holder.collection?.forget();
        holder.collection = undefined;
      }
    }
    const removalSeconds = removalTimeoutSeconds(config.callTimeoutSeconds, insertSeconds(result));
    for (const holder of owned) await removeOwnCollection(holder, result, removalSeconds);
    if (run.session) await withCallTimeout(run.session.close(), 5, 'close').catch(() => undefined);
    await run.server?.stop().catch(() => undefined);
  }
  return result;
}

/** Tags the server's and the harness's memory samples from here on with `phase`. */
async function enterPhase(run: StoreRun, phase: string): Promise<void> {
  await Promise.all([run.sampler?.enter(phase), run.harnessSampler.enter(phase)]);
}

/** Starts the server, connects a session, records the server, and samples idle memory. */
async function startAndConnect(
  run: StoreRun,
  request: StoreRunRequest,
  result: StoreResult,
  config: BenchConfig,
  progress: Progress,
): Promise<void> {
  const { definition, profileName, profile } = request.selection;
  progress.log(`${definition.name}/${profileName}: starting server (${request.version})`);
  const started = await timed(request.start);
  const server = (run.server = started.value);
  run.phase = 'connect';
  const session = (run.session = await withCallTimeout(
    profile.createAdapter().connect(server.endpoint),
    config.callTimeoutSeconds,
    'connect',
  ));
  const { info } = session;
  // What this server can do (Qdrant's native hybrid exists only from 1.10), not the profile's
  // declaration for the default version.
  result.capabilities = capabilitiesRecord(session.capabilities);
  result.server = {
    runtime: server.runtime,
    version: info.version,
    requestedVersion: request.version,
    description: server.description,
    settings: { ...info.settings, ...server.facts },
    startSeconds: started.ms / 1000,
    ...(server.memoryNotVisible !== undefined ? { memoryNotVisible: server.memoryNotVisible } : {}),
  };
  progress.log(`${definition.name}: server ${info.version} up in ${(started.ms / 1000).toFixed(1)} s`);
  if (server.memory) {
    run.sampler = new MemorySampler(server.memory, config.memoryIntervalMs);
    run.sampler.start();
    await new Promise((r) => setTimeout(r, config.idleSeconds * 1000));
  }
}

/**
 * One collection: insert (a failure here ends the store), then each workload in turn (a failure
 * is recorded in that workload unless the server died), then the collection is dropped.
 */
async function measureWorkloads(
  run: StoreRun,
  selection: StoreSelection,
  result: StoreResult,
  dataset: Dataset,
  config: BenchConfig,
  progress: Progress,
): Promise<void> {
  const session = run.session as StoreSession;
  const server = run.server as RunningServer;
  run.phase = 'insert';
  await enterPhase(run, 'insert');
  const spec = { name: ownCollectionName(), dims: dataset.manifest.dims, metric: dataset.manifest.metric };
  // Every call is bounded by the per-call timeout; one that fires ends this store (call-timeout.ts).
  const seconds = config.callTimeoutSeconds;
  const created = createOwnCollection(run, session, spec);
  const dropSeconds = () => removalTimeoutSeconds(seconds, insertSeconds(result));
  const guarded = guardCollection(await withCallTimeout(created, seconds, run.phase), seconds, () => run.phase, dropSeconds);
  const { collection } = guarded;
  /** Dify's indexing insert's scratch collection, once created: bounded and removed as the main one. */
  let scratchGuard: GuardedCollection | undefined;
  // A timeout in this process, or one a search worker process reported (--workers).
  const timedOut = (error?: unknown): CallTimeoutError | undefined =>
    guarded.timedOut() ?? scratchGuard?.timedOut() ?? (error instanceof CallTimeoutError ? error : undefined);
  const ctx: WorkloadContext = {
    store: selection.definition.name,
    capabilities: session.capabilities,
    // Searches go through Dify's per-retrieval client in `--client dify`; the rest stays pooled.
    collection: retrievalPath(collection, config.clientMode),
    dataset,
    config,
    progress,
  };
  result.workloads.insert = await runInsert(ctx);
  if (result.server) result.server.dataBytes = await server.dataBytes();

  const step = async <T>(phase: string, measure: () => Promise<T>, onError: (message: string) => T): Promise<T> => {
    run.phase = phase;
    await enterPhase(run, phase);
    let value: T;
    try {
      value = await measure();
    } catch (error) {
      // The server died or hung: nothing after this can be measured.
      if (timedOut(error) || (await exitAfterError(server))) throw timedOut(error) ?? error;
      return onError(await describeFailure(server, error));
    }
    // A workload that counts failed calls (concurrency) ends normally even when the server died
    // or hung under it; the store still ends here, in this phase.
    const hung = timedOut();
    if (hung) throw hung;
    if (server.exit()) throw new Error(`the server ended during ${phase}`);
    return value;
  };
  const failed = (error: string) => ({ status: 'failed' as const, error });
  const w = result.workloads;
  /** A workload `--skip` leaves out is not run and stays absent from the results. */
  const wanted = (name: SkippableWorkload): boolean => !config.skip.includes(name);
  // This process, N worker processes (--workers) or one shard of many (--shard): see search-runner.ts.
  const searches = await openSearchRunner(ctx, { selection, endpoint: server.endpoint, collection: spec });
  const one = async (workload: SearchWorkload): Promise<SearchResult> => {
    const [result] = await searches.search(workload);
    if (!result) throw new Error(`${workload}: no result`);
    return result;
  };
  try {
    w.vector = await step('search', () => searches.search('vector'), (e) => [failed(e)]);
    if (wanted('filtered-vector')) w.filteredVector = await step('search', () => one('filteredVector'), failed);
    if (wanted('full-text')) w.fullText = await step('search', () => one('fullText'), failed);
    if (wanted('dify-hybrid')) w.difyHybrid = await step('search', () => one('difyHybrid'), failed);
    if (wanted('native-hybrid')) w.nativeHybrid = await step('search', () => one('nativeHybrid'), failed);
    if (wanted('concurrency')) w.concurrency = await step('concurrent', () => searches.concurrency(), failed);
  } finally {
    await searches.close();
  }
  if (wanted('delete')) w.delete = await step('delete', () => runDelete(ctx), failed);
  if (config.difyInsert && wanted('dify-insert')) {
    // A collection of its own too (unique name, never one the server already holds, removed after
    // a failure and on Ctrl-C), every call bounded like the main one's.
    const scratch = { name: `${ownCollectionName()}_dify_insert`, dims: dataset.manifest.dims, metric: dataset.manifest.metric };
    const scratchRun: { collection?: OwnCollection } = {};
    const createScratch = async () => {
      const made = await withCallTimeout(createOwnCollection(scratchRun, session, scratch), seconds, run.phase);
      scratchGuard = guardCollection(made, seconds, () => run.phase);
      return scratchGuard.collection;
    };
    run.scratch = scratchRun;
    w.difyInsert = await step('dify-insert', () => runDifyInsert(ctx, createScratch), failed);
    await removeOwnCollection(scratchRun, result, seconds);
  }
  run.phase = 'drop';
  await collection.drop();
}

/** How long the main collection's insert took, when it completed. */
function insertSeconds(result: StoreResult): number | undefined {
  const insert = result.workloads.insert;
  return insert?.status === 'ok' ? insert.insertSeconds : undefined;
}
