import type { StoreProfile } from '../adapters/store-definition.js';
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

export type ProbeOutcome = MemoryProbeOutcome & {
  readonly p50Ms?: number;
  readonly peakBytes?: number;
  /** The server as it answered, for the results file. */
  readonly server?: StoreResult['server'];
};

/**
 * One probe of the least-memory search: a fresh server under `limitBytes` (undefined: none)
 * must insert the whole dataset and answer every query (k = 4). Bounded by `timeoutSeconds`:
 * a server thrashing at its limit counts as failing, not as a hung run.
 */
export async function probeUnderLimit(
  start: (limitBytes: number | undefined) => Promise<RunningServer>,
  version: string,
  profile: StoreProfile,
  dataset: Dataset,
  config: BenchConfig,
  progress: Progress,
  limitBytes: number | undefined,
  timeoutSeconds: number,
): Promise<ProbeOutcome> {
  let server: RunningServer | undefined;
  let phase = 'start';
  const adapter = profile.createAdapter();
  let sampler: MemorySampler | undefined;
  const attempt = async (): Promise<ProbeOutcome> => {
    const started = Date.now();
    server = await start(limitBytes);
    const startSeconds = (Date.now() - started) / 1000;
    phase = 'connect';
    const info = await adapter.connect(server.endpoint);
    const serverInfo = {
      runtime: server.runtime,
      version: info.version,
      requestedVersion: version,
      description: server.description,
      settings: { ...info.settings },
      startSeconds,
    };
    if (server.memory) (sampler = new MemorySampler(server.memory, config.memoryIntervalMs)).start();
    phase = 'insert';
    await adapter.createCollection({ name: `vdb_bench_mem_${Date.now().toString(36)}`, dims: dataset.manifest.dims, metric: dataset.manifest.metric });
    const ctx = { adapter, dataset, config, progress };
    await runInsert(ctx);
    phase = 'search';
    const search = await runSerialSearch(ctx, {
      label: 'vector k=4',
      queryIndices: dataset.queries.map((_, i) => i),
      k: 4,
      search: (qi) => adapter.searchVector({ vector: row(dataset.queryVectors, dataset.manifest.dims, qi), k: 4 }),
    });
    const p50Ms = search.status === 'ok' ? search.latency.p50Ms : undefined;
    return { limitBytes: limitBytes ?? 0, survived: true, server: serverInfo, ...(p50Ms !== undefined ? { p50Ms } : {}) };
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${timeoutSeconds} s`)), timeoutSeconds * 1000);
  });
  let outcome: ProbeOutcome;
  const running = attempt();
  running.catch(() => undefined); // after a timeout it fails when the server is stopped: expected
  try {
    outcome = await Promise.race([running, timeout]);
  } catch (error) {
    const cause =
      (await serverSideCause(server as RunningServer | undefined, error)) ??
      (error instanceof Error ? error.message : String(error)).split('\n')[0];
    outcome = { limitBytes: limitBytes ?? 0, survived: false, failure: `${cause} during ${phase}` };
  } finally {
    clearTimeout(timer);
  }
  const memory = await sampler?.stop();
  const peaks = Object.values(memory?.phases ?? {}).map((p) => p.maxBytes);
  await adapter.close().catch(() => undefined);
  await (server as RunningServer | undefined)?.stop().catch(() => undefined);
  return peaks.length ? { ...outcome, peakBytes: Math.max(...peaks) } : outcome;
}
