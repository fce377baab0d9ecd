import type { StoreProfile } from '../adapters/store-definition.js';
import type { StoreSession } from '../adapters/store-adapter.js';
import type { Dataset } from '../datasets/dataset.js';
import { row } from '../datasets/dataset.js';
import { serverSideCause, type RunningServer } from '../runtime/running-server.js';
import type { StoreResult } from './results/results-schema.js';
import type { BenchConfig } from './bench-config.js';
import { MemorySampler } from './memory-sampler.js';
import type { MemoryProbeOutcome } from './least-memory.js';
import type { Progress } from './progress.js';
import { runInsert } from './workloads/insert.js';
import { runSerialSearch } from './workloads/serial-search.js';
import type { WorkloadContext } from './workloads/workload-context.js';
import { withTimeout } from './with-timeout.js';

export type ProbeOutcome = MemoryProbeOutcome & {
  readonly p50Ms?: number;
  readonly peakBytes?: number;
  /** The server as it answered, for the results file. */
  readonly server?: StoreResult['server'];
};

export interface ProbeRequest {
  readonly store: string;
  readonly profile: StoreProfile;
  /** Starts a fresh server under a limit (undefined: none). */
  readonly start: (limitBytes: number | undefined) => Promise<RunningServer>;
  /** The version asked for, recorded beside the one the server reports. */
  readonly version: string;
  readonly dataset: Dataset;
  readonly config: BenchConfig;
  readonly progress: Progress;
  readonly limitBytes: number | undefined;
  readonly timeoutSeconds: number;
}

/** What one probe holds while it runs, so a failure or a timeout can be described and undone. */
interface ProbeRun {
  phase: string;
  server?: RunningServer;
  session?: StoreSession;
  sampler?: MemorySampler;
}

/**
 * One probe of the least-memory search: a fresh server under `limitBytes` (undefined: none)
 * must insert the whole dataset and answer every query (k = 4). Bounded by `timeoutSeconds`:
 * a server thrashing at its limit counts as failing, not as a hung run.
 */
export async function probeUnderLimit(request: ProbeRequest): Promise<ProbeOutcome> {
  const run: ProbeRun = { phase: 'start' };
  const limitBytes = request.limitBytes ?? 0;
  let outcome: ProbeOutcome;
  try {
    outcome = await withTimeout(insertAndSearch(run, request), request.timeoutSeconds);
  } catch (error) {
    const cause = (await serverSideCause(run.server, error)) ?? (error instanceof Error ? error.message : String(error)).split('\n')[0];
    outcome = { limitBytes, survived: false, failure: `${cause} during ${run.phase}` };
  }
  const memory = await run.sampler?.stop();
  const peaks = Object.values(memory?.phases ?? {}).map((p) => p.maxBytes);
  await run.session?.close().catch(() => undefined);
  await run.server?.stop().catch(() => undefined);
  return peaks.length ? { ...outcome, peakBytes: Math.max(...peaks) } : outcome;
}

/** Start, connect, insert every doc, search every query once; the p50 of those searches. */
async function insertAndSearch(run: ProbeRun, r: ProbeRequest): Promise<ProbeOutcome> {
  const { dataset, config } = r;
  const started = Date.now();
  const server = (run.server = await r.start(r.limitBytes));
  const startSeconds = (Date.now() - started) / 1000;
  run.phase = 'connect';
  const session = (run.session = await r.profile.createAdapter().connect(server.endpoint));
  const serverInfo = {
    runtime: server.runtime,
    version: session.info.version,
    requestedVersion: r.version,
    description: server.description,
    settings: { ...session.info.settings },
    startSeconds,
  };
  if (server.memory) (run.sampler = new MemorySampler(server.memory, config.memoryIntervalMs)).start();
  run.phase = 'insert';
  const collection = await session.createCollection({
    name: `vdb_bench_mem_${Date.now().toString(36)}`,
    dims: dataset.manifest.dims,
    metric: dataset.manifest.metric,
  });
  const ctx: WorkloadContext = { store: r.store, capabilities: session.capabilities, collection, dataset, config, progress: r.progress };
  await runInsert(ctx);
  run.phase = 'search';
  const search = await runSerialSearch(ctx, {
    label: 'vector k=4',
    queryIndices: dataset.queries.map((_, i) => i),
    k: 4,
    search: (qi) => collection.searchVector({ vector: row(dataset.queryVectors, dataset.manifest.dims, qi), k: 4 }),
  });
  const p50Ms = search.status === 'ok' ? search.latency.p50Ms : undefined;
  return { limitBytes: r.limitBytes ?? 0, survived: true, server: serverInfo, ...(p50Ms !== undefined ? { p50Ms } : {}) };
}
